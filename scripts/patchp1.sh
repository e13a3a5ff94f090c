#!/bin/bash
# patchp1.sh SRC: apply the series with plain "patch -p1" to the files it
# changes, fresh from the pristine tarball, and check that every file the
# series touches comes out identical to the git am tree SRC.  Only those
# files are extracted: a patch that touched any other file would fail.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=${1:?usage: patchp1.sh SRC}
tmp=$BUILD/patch-p1
rm -rf "$tmp"
mkdir -p "$tmp"
# The tarball's members are under one top directory: "*/" matches it,
# and only it (no "*" across a "/").
mapfile -t members < <(git -C "$src" diff --name-only --diff-filter=MD \
	pfnguard-base HEAD | sed 's|^|*/|')
tar -xf "$TARBALL" -C "$tmp" --strip-components=1 --wildcards \
	--no-wildcards-match-slash "${members[@]}"
while read -r p; do
	patch -d "$tmp" -p1 --batch --forward --quiet < "$p"
done < <(series_patches)
git -C "$src" diff --name-only pfnguard-base HEAD | while read -r f; do
	cmp -s "$src/$f" "$tmp/$f" || { echo "patchp1: $f differs from git am result" >&2; exit 1; }
done
rm -rf "$tmp"
