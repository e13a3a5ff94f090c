#!/bin/bash
# bench.sh: what the policy costs.  Boots the follow_pfn_bench KUnit suite
# (CONFIG_FOLLOW_PFN_KUNIT_BENCH) on x86_64 under QEMU (TCG), and on UML
# with kunit.py (BENCH_UML=no: not), in one boot
# that starts in mode report, and prints, for each operation, the median
# time per lookup and its ratio to follow_pfn() (follow_pfnmap_start()
# with KVER=6.12) measured in alternating rounds of the same boot.  Not part of make check: timings are reported, never
# asserted.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$BUILD/check/linux
"$TOP/scripts/mktree.sh" "$src"
bad=0
say "booting bench-x86_64 (the kernel's build, if it is not built, takes minutes)"
"$TOP/scripts/kunit.sh" "$src" bench-x86_64 > "$BUILD/bench-x86_64.log" 2>&1 ||
	{ tail -n 20 "$BUILD/bench-x86_64.log"; bad=1; }
# The bench's own log lines, from its one boot; none if it did not boot.
lines=$(cat "$BUILD"/kunit/x86_64/runs/bench-x86_64/boots/*.log 2>/dev/null |
	tr -d '\r' || true)

echo
# The raw lookup the policed one is measured against, per version.
case $KVER in
6.1) raw=follow_pfn ;;
*) raw=follow_pfnmap_start ;;
esac
echo "| kernel | operation | ns per lookup | $raw ns, same rounds | ratio |"
echo "| --- | --- | --- | --- | --- |"
sed -nE 's/.*pfnguard-bench: op=([a-z_]+) ns=([0-9.]+) follow_pfn_ns=([0-9.]+) ratio=([0-9.]+).*/\1 \2 \3 \4/p' <<<"$lines" |
	while read -r op ns base ratio; do
		echo "| x86_64 (QEMU TCG) | $op | $ns | $base | $ratio |"
	done
echo
grep -o 'pfnguard-bench: iters=.*' <<<"$lines" | sort -u || true

# The same suite on UML (native code, no emulation), with the kernel's
# own kunit.py: a UML kernel of its own, built on first use (minutes).
# BENCH_UML=no skips it.
if [ "${BENCH_UML:-yes}" != no ]; then
	test=FOLLOW_PFN_KUNIT_TEST
	[ "$KVER" = 6.1 ] || test=FOLLOW_PFNMAP_KUNIT_TEST
	say "booting the benchmark on UML (kunit.py; the first build takes minutes)"
	printf 'CONFIG_KUNIT=y\nCONFIG_%s=y\nCONFIG_FOLLOW_PFN_KUNIT_BENCH=y\n' "$test" \
		> "$BUILD/bench-um.kunitconfig"
	# 6.1's kunit.py makes the build directory, not its parents.
	mkdir -p "$BUILD/kunit"
	(cd "$src" && python3 tools/testing/kunit/kunit.py run --arch=um \
		--build_dir="$BUILD/kunit/um-bench" --jobs="$JOBS" \
		--kunitconfig="$BUILD/bench-um.kunitconfig" --raw_output=all \
		--timeout=900 'follow_pfn_bench') > "$BUILD/bench-um.log" 2>&1 ||
		{ tail -n 20 "$BUILD/bench-um.log"; bad=1; }
	echo
	echo "| kernel | operation | ns per lookup | $raw ns, same rounds | ratio |"
	echo "| --- | --- | --- | --- | --- |"
	tr -d '\r' < "$BUILD/bench-um.log" |
		sed -nE 's/.*pfnguard-bench: op=([a-z_]+) ns=([0-9.]+) follow_pfn_ns=([0-9.]+) ratio=([0-9.]+).*/\1 \2 \3 \4/p' |
		while read -r op ns base ratio; do
			echo "| UML | $op | $ns | $base | $ratio |"
		done
	echo
	grep -o 'pfnguard-bench: iters=.*' "$BUILD/bench-um.log" | sort -u || true
fi
[ "$bad" -eq 0 ] || { echo "bench: FAILED"; exit 1; }
