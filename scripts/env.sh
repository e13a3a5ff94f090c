# Common settings for the pfnguard scripts; sourced, not run.
# shellcheck shell=bash
KVER=${KVER:-6.1}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARBALL=${TARBALL:-/usr/src/linux-source-$KVER.tar.xz}
BUILD=${BUILD:-$TOP/build}
PATCHES=${PATCHES:-$TOP/patches/linux-$KVER}
JOBS=${JOBS:-$(nproc)}
# ccache lives outside the repository: it survives "make clean" and serves
# later clones at the same path (its hits depend on the tree's path).
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/pfnguard-ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}

series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PATCHES/series" |
		sed "s|^|$PATCHES/|"
}

# A plain extraction of the pristine tarball (no git), made once.
pristine_tree() {
	local dir=$BUILD/pristine/linux
	if [ ! -f "$dir/Makefile" ]; then
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xf "$TARBALL" -C "$dir.tmp" --strip-components=1
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

say() {
	printf '==> %s\n' "$*"
}
