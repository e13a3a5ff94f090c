#!/bin/bash
# mktree.sh DIR: make DIR a git tree holding the pristine Linux source from
# Debian's tarball (commit tagged pfnguard-base) with the series applied on
# top by git am, one commit per patch.  An existing tree is reset to the
# base first, unless it already holds exactly the current series.
set -euo pipefail
. "$(dirname "$0")/env.sh"

dir=${1:?usage: mktree.sh DIR}
[ "$FROM_SID" = no ] || [ -r "$TARBALL" ] || "$TOP/scripts/sid.sh" > /dev/null
[ -r "$TARBALL" ] || { echo "mktree: $TARBALL missing (apt-get install linux-source-$KVER)" >&2; exit 1; }

# The tree's commits (the base and those git am makes) are committed as
# the repository's configured git identity, or, on a machine that has
# none, as a name of the tree's own: no identity is needed to check.
name=$(git -C "$TOP" config user.name || echo pfnguard)
email=$(git -C "$TOP" config user.email || echo pfnguard@localhost.invalid)
g() { git -C "$dir" "$@"; }

# The pristine tree of a tarball is committed once per machine: a bare
# repository in $PFNGUARD_CACHE/base, named by the tarball's checksum,
# that every clone's trees are cloned from (hard links, no copy).
base=$PFNGUARD_CACHE/base/$(sha256sum "$TARBALL" | cut -c1-32).git
if [ ! -d "$dir/.git" ] && [ -d "$base" ]; then
	say "checking out the pristine tree ($base) into $dir"
	rm -rf "$dir.tmp"
	git clone -q --no-checkout "$base" "$dir.tmp"
	git -C "$dir.tmp" checkout -q -B main pfnguard-base
	mv "$dir.tmp" "$dir"
elif [ ! -d "$dir/.git" ]; then
	say "extracting $(basename "$TARBALL") into $dir"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xf "$TARBALL" -C "$dir.tmp" --strip-components=1
	git -C "$dir.tmp" init -q -b main
	git -C "$dir.tmp" config user.name "$name"
	git -C "$dir.tmp" config user.email "$email"
	# Debian's top-level .gitignore ignores "/*": add everything by force
	# so that the base commit is the whole pristine tree.
	git -C "$dir.tmp" add -f -A .
	ver=$(make -s -C "$dir.tmp" kernelversion)
	deb=$(debian_version)
	git -C "$dir.tmp" commit -q -m "Linux $ver (Debian linux-source-$KVER $deb, pristine)"
	git -C "$dir.tmp" tag pfnguard-base
	mkdir -p "$(dirname "$base")"
	rm -rf "$base.tmp"
	git clone -q --bare "$dir.tmp" "$base.tmp"
	mv -T "$base.tmp" "$base" 2>/dev/null || rm -rf "$base.tmp"
	mv "$dir.tmp" "$dir"
fi
git -C "$dir" config user.name "$name"
git -C "$dir" config user.email "$email"
# The coccinelle checks hard-link the tree (scripts/auditcheck.sh), which
# changes every file's ctime: git is not to re-read the tree for that.
git -C "$dir" config core.trustctime false

stamp=$(series_patches | xargs cat "$PATCHES/series" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$dir/.git/pfnguard-series" 2>/dev/null)" = "$stamp" ] &&
   [ -z "$(g status --porcelain --untracked-files=no)" ]; then
	say "$dir already holds the current series"
	exit 0
fi

[ -d "$dir/.git/rebase-apply" ] && g am --abort
g reset -q --hard pfnguard-base
rm -f "$dir/.git/pfnguard-series"
say "applying $(series_patches | wc -l) patches with git am"
series_patches | xargs -r git -C "$dir" am -q
echo "$stamp" > "$dir/.git/pfnguard-series"
g log --oneline pfnguard-base..HEAD
