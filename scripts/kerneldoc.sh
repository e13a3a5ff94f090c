#!/bin/bash
# kerneldoc.sh SRC: scripts/kernel-doc must find nothing new in the C
# files and headers the series touches: no warning that the file did not
# already have at pfnguard-base (a touched upstream header, such as the
# vfio uAPI, keeps its own old ones), compared without line numbers.
set -euo pipefail

src=${1:?usage: kerneldoc.sh SRC}
cd "$src"
mapfile -t files < <(git diff --name-only --diff-filter=AM pfnguard-base HEAD -- '*.c' '*.h')
echo "    ${#files[@]} files: ${files[*]}"
old=$(mktemp -d)
trap 'rm -rf "$old"' EXIT
# A file's warnings, "path:line " taken out.
warnings() { scripts/kernel-doc -none "$1" 2>&1 | sed -E 's|^(Warning: )?[^ ]*:[0-9]+:? |\1|' | sort; }
bad=0
for f in "${files[@]}"; do
	: > "$old/before"
	if git cat-file -e "pfnguard-base:$f" 2>/dev/null; then
		mkdir -p "$old/tree/$(dirname "$f")"
		git show "pfnguard-base:$f" > "$old/tree/$f"
		warnings "$old/tree/$f" > "$old/before"
	fi
	new=$(comm -13 "$old/before" <(warnings "$f"))
	if [ -n "$new" ]; then
		echo "$f: new kernel-doc warnings:"
		echo "$new"
		bad=1
	fi
done
exit $bad
