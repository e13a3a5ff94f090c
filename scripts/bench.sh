#!/bin/bash
# bench.sh: what the policy costs.  Boots the follow_pfn_bench KUnit suite
# (CONFIG_FOLLOW_PFN_KUNIT_BENCH) on x86_64 under QEMU (TCG), in one boot
# that starts in mode report, and prints, for each
# operation, the median time per lookup and its ratio to follow_pfn()
# (follow_pfnmap_start() with KVER=6.12) measured in alternating rounds of
# the same boot.  Not part of make check: timings are reported, never
# asserted.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$BUILD/check/linux
"$TOP/scripts/mktree.sh" "$src"
bad=0
for k in x86_64; do
	say "building and booting bench-$k (the build takes minutes)"
	"$TOP/scripts/kunit.sh" "$src" "bench-$k" > "$BUILD/bench-$k.log" 2>&1 ||
		{ tail -n 20 "$BUILD/bench-$k.log"; bad=1; }
done

echo
# The raw lookup the policed one is measured against, per version.
case $KVER in
6.1) raw=follow_pfn ;;
*) raw=follow_pfnmap_start ;;
esac
echo "| kernel | operation | ns per lookup | $raw ns, same rounds | ratio |"
echo "| --- | --- | --- | --- | --- |"
for k in x86_64; do
	cat "$BUILD/kunit/$k/runs/bench-$k"/boots/*.log 2>/dev/null | tr -d '\r' |
		sed -nE 's/.*pfnguard-bench: op=([a-z_]+) ns=([0-9.]+) follow_pfn_ns=([0-9.]+) ratio=([0-9.]+).*/\1 \2 \3 \4/p' |
		while read -r op ns base ratio; do
			echo "| $k | $op | $ns | $base | $ratio |"
		done
done
echo
cat "$BUILD"/kunit/x86_64/runs/bench-*/boots/*.log 2>/dev/null | tr -d '\r' |
	grep -o 'pfnguard-bench: iters=.*' | sort -u
[ "$bad" -eq 0 ] || { echo "bench: FAILED"; exit 1; }
