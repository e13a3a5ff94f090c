#!/bin/bash
# kerneldoc.sh SRC: scripts/kernel-doc must be silent on every C file and
# header the series touches.
set -euo pipefail

src=${1:?usage: kerneldoc.sh SRC}
cd "$src"
mapfile -t files < <(git diff --name-only --diff-filter=AM pfnguard-base HEAD -- '*.c' '*.h')
out=$(scripts/kernel-doc -none "${files[@]}" 2>&1)
echo "    ${#files[@]} files: ${files[*]}"
[ -z "$out" ] || { echo "$out"; exit 1; }
