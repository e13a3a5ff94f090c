#!/bin/bash
# demo.sh: build the default and the strict UML kernel with the series,
# run the pfn_demo KUnit suite (mm/follow_pfn_demo_kunit.c) in both and
# report, from each kernel's own log, what a kept PFN did to a tmpfs file,
# what unsafe_follow_pfn() said, and how the mmu_notifier pattern fared.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$BUILD/check/linux
"$TOP/scripts/mktree.sh" "$src" > /dev/null
bad=0

run() { # POLICY [kunit.py args]: build and boot build/kunit/demo-uml-POLICY
	local out=$BUILD/kunit/demo-uml-$1
	shift
	mkdir -p "$out"
	say "building and booting $(basename "$out") (takes minutes)"
	(cd "$src" && python3 tools/testing/kunit/kunit.py run --build_dir="$out" \
		--kunitconfig="$TOP/configs/kunit/follow_pfn_demo.kunitconfig" \
		--make_options "CC=ccache gcc" --jobs="$JOBS" --timeout=600 "$@") \
		> "$out/kunit.out" 2>&1 || { tail -n 20 "$out/kunit.out"; bad=1; }
}
run default
run strict --kconfig_add CONFIG_STRICT_FOLLOW_PFN=y

log() { tr -d '\r' < "$BUILD/kunit/demo-uml-$1/test.log"; }
# val POLICY WHAT KEY: KEY's value on the "pfnguard-demo: WHAT" line
val() {
	log "$1" | grep -m1 "pfnguard-demo: $2" |
		sed -nE "s/.* $3=(\"[^\"]*\"|[^ ]*).*/\1/p"
}
result() { log "$1" | sed -nE "s/^[[:space:]]*((not )?ok [0-9]+ $2.*)/\1/p"; }

hazard() { # POLICY
	local p=$1
	echo "   consumer  unsafe_follow_pfn() -> $(val "$p" "$p step=lookup" ret)," \
		"pfn $(val "$p" "$p step=lookup" pfn)" \
		"(buffer is pfn $(val "$p" "$p step=lookup" buffer_pfn))," \
		"TAINT_USER $(val "$p" "$p step=lookup" taint_user)"
	echo "   exporter  moved the buffer to pfn $(val "$p" "$p step=move" new_pfn)," \
		"freed pfn $(val "$p" "$p step=move" old_pfn)"
	if [ "$(val "$p" "$p step=move" reused)" = 1 ]; then
		echo "   [staged]  the tmpfs file written next got that very page" \
			"(pfn $(val "$p" "$p step=move" file_pfn))"
	else
		echo "   [staged]  the freed page was NOT reused by the file this time" \
			"(file page: pfn $(val "$p" "$p step=move" file_pfn))"
	fi
	if [ -n "$(val "$p" "$p step=write" bytes)" ]; then
		echo "   consumer  wrote $(val "$p" "$p step=write" bytes) bytes" \
			"through pfn $(val "$p" "$p step=write" pfn), as its DMA would"
	else
		echo "   consumer  wrote nothing ($(val "$p" "$p step=write" skipped))"
	fi
	echo "   file      $(val "$p" "$p step=readback" changed) bytes changed" \
		"at offset $(val "$p" "$p step=readback" first):"
	echo "               was $(val "$p" "$p step=readback" was)"
	echo "               now $(val "$p" "$p step=readback" now)"
	echo "   result    $(result "$p" "pfn_demo_unsafe_$p")"
}

safe() { # POLICY
	echo "   $1: $(log "$1" | grep -m1 'pfnguard-demo: safe ' | sed 's/.*pfnguard-demo: safe //')"
	echo "      $(result "$1" pfn_demo_safe_notifier)"
}

echo
echo "== default kernel (CONFIG_STRICT_FOLLOW_PFN not set)"
hazard default
echo "   warnings  $(log default | grep -c 'keeps PFNs of a user mapping'):"
log default | grep -m1 -B1 'keeps PFNs of a user mapping' | sed 's/^/               /'
echo
echo "== strict kernel (CONFIG_STRICT_FOLLOW_PFN=y)"
hazard strict
echo "   refusal   $(log strict | grep -m1 'unsafe_follow_pfn: refused for')"
echo
echo "== safe pattern: mmu_interval_notifier vs a thread moving the buffer"
safe default
safe strict
cat <<'TXT'

Staged: the exporter (a PFN mapping filled by vmf_insert_pfn(), moved with
zap_vma_ptes()), the consumer, and the reuse of the freed page by a tmpfs
file (an order-0 page just freed is usually the next one handed out; the
test checks and says when it was not).  Real: page tables, zap, page
allocator and page cache, unsafe_follow_pfn()'s warning, taint and
refusal, and mmu_interval_notifier.  "caught" counts lookups that the
retry check stopped after the page had already been moved away.
Full logs: build/kunit/demo-uml-{default,strict}/test.log
TXT

echo
for p in default strict; do
	echo "-- expectations, $p (configs/expect/demo-$p)"
	"$TOP/scripts/expect.sh" "$TOP/configs/expect/demo-$p" \
		"$BUILD/kunit/demo-uml-$p/test.log" || bad=1
done
[ "$bad" -eq 0 ] && echo "demo: OK" || { echo "demo: FAILED"; exit 1; }
