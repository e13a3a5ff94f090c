#!/bin/bash
# demo.sh: build the default and the strict UML kernel with the series and
# show, from each kernel's own log, what unsafe_follow_pfn() did.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$BUILD/check/linux
"$TOP/scripts/mktree.sh" "$src" > /dev/null
for run in uml-default uml-strict; do
	"$TOP/scripts/kunit.sh" "$src" "$run" > "$BUILD/demo-$run.log" 2>&1 ||
		{ cat "$BUILD/demo-$run.log"; exit 1; }
done

show() { # RUN TITLE
	local log=$BUILD/kunit/$1/test.log
	echo
	echo "== $2"
	tr -d '\r' < "$log" |
		grep -E 'unsafe_follow_pfn: |ok [0-9]+ (- )?unsafe_follow_pfn_' |
		sed -E 's/^[[:space:]]+//; s/^/   /' | uniq -c |
		sed -E 's/^ *1 //; s/^ *([0-9]+) /   (x\1)/'
}
show uml-default "default kernel (CONFIG_STRICT_FOLLOW_PFN not set)"
show uml-strict "strict kernel (CONFIG_STRICT_FOLLOW_PFN=y)"
cat <<'TXT'

In the default kernel the lookup succeeds: one warning per boot names the
caller, and every use taints the kernel ('U').  In the strict kernel every
lookup is refused with -EINVAL; the refusals are rate limited in the log.
Full logs: build/kunit/uml-*/test.log
TXT
