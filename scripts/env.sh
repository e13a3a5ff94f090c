# Common settings for the pfnguard scripts; sourced, not run.
# shellcheck shell=bash
KVER=${KVER:-6.1}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Each kernel version builds in a directory of its own: build/ for 6.1
# (where it always was), build/6.12 for 6.12, build/7.2 for 7.2.
case $KVER in
6.1) BUILD=${BUILD:-$TOP/build} ;;
*) BUILD=${BUILD:-$TOP/build/$KVER} ;;
esac
# Debian 12 ships linux-source-6.1 and -6.12 (apt-get); 7.2 comes from
# Debian unstable, fetched into $BUILD/sid by scripts/sid.sh.
case $KVER in
6.1|6.12) FROM_SID=no TARBALL=${TARBALL:-/usr/src/linux-source-$KVER.tar.xz} ;;
*) FROM_SID=yes TARBALL=${TARBALL:-$BUILD/sid/root/usr/src/linux-source-$KVER.tar.xz} ;;
esac
PATCHES=${PATCHES:-$TOP/patches/linux-$KVER}
JOBS=${JOBS:-$(nproc)}
# The caches of built kernels, pristine base commits and static checks'
# verdicts, keyed by content and shared by every clone on the machine.
PFNGUARD_CACHE=${PFNGUARD_CACHE:-$HOME/.cache/pfnguard}
# ccache lives outside the repository: it survives "make clean" and serves
# every clone.  Paths under the clone are hashed relative to the build
# directory (CCACHE_BASEDIR), and the directory itself is left out of the
# hash (no kernel here is built with -g), so a clone at another path hits.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/pfnguard-ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-12G}
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1
# Depend mode: on a miss ccache runs the compiler alone and takes the
# headers from its -MD file instead of running the preprocessor first.
# Measured on mm/ and kernel/sched/ of the x86_64 kernel with an empty
# cache: 110 CPU-s without it, 82 with it, 75 with no ccache at all; a
# hit costs the same either way.
export CCACHE_DEPEND=1
# A machine's first kernel builds (no ccache directory yet: a fresh
# machine, a CI runner that starts empty) are made without ccache: none
# of them could hit, and filling the cache costs that 9%.  The directory
# is made after the first kernel is built (scripts/kernel.sh), for the
# runs after this one, whose rebuilds (a changed patch) it serves.
# Decided once per run, by the first script, for all the others.
if [ -z "${PFNGUARD_CCACHE:-}" ]; then
	PFNGUARD_CCACHE=yes
	[ -d "$CCACHE_DIR" ] || PFNGUARD_CCACHE=no
	export PFNGUARD_CCACHE
fi
[ "$PFNGUARD_CCACHE" = yes ] || export CCACHE_DISABLE=1
# ... through scripts/bin/ccache-c, which keeps assembler sources out of
# the cache (their .incbin files are not hashed in depend mode).
export PATH=$TOP/scripts/bin:$PATH
# No Python bytecode written into the clone, whose files are the static
# checks' key (scripts/check.sh).
export PYTHONDONTWRITEBYTECODE=1

# The Debian version of the linux-source package the tarball came from.
debian_version() {
	local deb
	if [ "$FROM_SID" = no ]; then
		dpkg-query -W -f='${Version}' "linux-source-$KVER" 2>/dev/null || echo unknown
	else
		deb=$(ls "$BUILD/sid/dl/linux-source-${KVER}_"*_all.deb 2>/dev/null | head -n 1)
		deb=${deb##*/linux-source-${KVER}_}
		echo "${deb%_all.deb}"
	fi
}

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

# The semantic patch of the series and the lookups it knows, per version.
# The policed lookups the demonstration and vfio call (@API@ and
# @VFIO_API@ in configs/expect/).
case $KVER in
6.1)	API=unsafe_follow_pfn VFIO_API=unsafe_follow_pte ;;
*)	API=unsafe_follow_pfnmap_start VFIO_API=unsafe_follow_pfnmap_start ;;
esac
case $KVER in
6.1)	COCCI_NAME=follow_pfn
	RAW_LOOKUPS='follow_(pfn|pte|phys)'
	PUTBACK='s/\bunsafe_follow_pte(/follow_pte(/'
	PUTBACK_LOOKUP=follow_pte ;;
*)	COCCI_NAME=follow_pfnmap
	RAW_LOOKUPS='follow_pfnmap_start'
	PUTBACK='s/\bunsafe_follow_pfnmap_start(/follow_pfnmap_start(/'
	PUTBACK_LOOKUP=follow_pfnmap_start ;;
esac

say() {
	printf '==> %s\n' "$*"
}
