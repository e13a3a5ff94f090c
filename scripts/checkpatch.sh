#!/bin/bash
# checkpatch.sh SRC PATCH: the kernel's checkpatch --strict, run in SRC,
# must find nothing at all (no error, warning or check) and must not have
# skipped a test because a helper of its own crashed.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=${1:?usage: checkpatch.sh SRC PATCH}
patch=${2:?usage: checkpatch.sh SRC PATCH}
# Debian's python3: checkpatch's spdxcheck.py needs python3-ply and
# python3-git, which another python3 first in PATH may lack.
out=$(cd "$src" && PATH=/usr/bin:$PATH \
	scripts/checkpatch.pl --strict --show-types "$patch" 2>&1) || true
echo "$out"
! grep -q Traceback <<<"$out" && grep -q "has no obvious style problems" <<<"$out"
