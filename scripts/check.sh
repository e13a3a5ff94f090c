#!/bin/bash
# check.sh: pfnguard's test command.  Applies the series to the pristine
# tree, checks the patches, builds and boots every KUnit configuration and
# tests module linking; ends with "N passed, N failed".
#
# KVER=6.1 or KVER=6.12 checks one kernel's series.  Without KVER, the
# versions in CHECK_VERSIONS (default: both) are checked side by side,
# each in a process of its own with its lines prefixed by its version and
# its log in build/check-VERSION.log: while one boots a kernel under QEMU
# or runs a single-threaded check, the other's build uses the idle core.
# The last line adds them up.  RUNS can name a subset of the KUnit runs,
# e.g. RUNS=uml-warn, and VFIO_RUNS a subset of the VFIO scenario's runs
# (scripts/vfio.sh); DEBUG_RUNS=1 adds the runs of the lockdep/KASAN
# kernel.
set -euo pipefail

if [ -z "${KVER:-}" ]; then
	top=$(cd "$(dirname "$0")/.." && pwd)
	"$top/scripts/deps.sh"
	mkdir -p "$top/build"
	versions=${CHECK_VERSIONS:-6.1 6.12}
	for v in $versions; do
		KVER=$v "$0" 2>&1 | tee "$top/build/check-$v.log" | sed -u "s/^/[$v] /" &
	done
	wait
	p=0 f=0
	for v in $versions; do
		read -r vp vf < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' \
				  "$top/build/check-$v.log" | tail -n 1) || { vp=0 vf=1; }
		echo "Linux $v: $vp passed, $vf failed ($(grep -h '^check took' "$top/build/check-$v.log" || echo 'did not finish'))"
		p=$((p + vp)) f=$((f + vf))
	done
	echo "$p passed, $f failed"
	[ "$f" -eq 0 ]
	exit
fi
. "$(dirname "$0")/env.sh"

# The runs of each version.  The lockdep/KASAN kernel (x86_64-debug) is
# the costliest build of all; its runs are added by DEBUG_RUNS=1.
case $KVER in
6.1)
	runs="uml-warn uml-report uml-refuse uml-bogus uml-strict
		uml-strict-warn demo-uml-warn demo-uml-refuse x86_64-warn
		x86_64-refuse riscv64-nommu-warn riscv64-nommu-refuse"
	debug_runs="demo-x86_64-debug-refuse" ;;
*)
	runs="uml-warn uml-report uml-refuse uml-bogus uml-strict
		uml-strict-warn demo-uml-warn demo-uml-refuse x86_64-warn
		x86_64-refuse riscv64-nommu-refuse"
	debug_runs="x86_64-debug-strict demo-x86_64-debug-refuse" ;;
esac
vfio_runs="vfio-warn vfio-report vfio-refuse"
if [ -n "${DEBUG_RUNS:-}" ]; then
	runs+=" $debug_runs"
	vfio_runs+=" vfio-debug-strict"
fi
RUNS=${RUNS:-$runs}
VFIO_RUNS=${VFIO_RUNS-$vfio_runs}
src=$BUILD/check/linux
logs=$BUILD/check/logs
passed=0
failed=0

check() {
	local name=$1 log t0 rc=0
	shift
	log=$logs/$(tr -c 'a-zA-Z0-9_.-' '_' <<<"$name").log
	echo "--- $name"
	t0=$(date +%s)
	"$@" > "$log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		sed 's/^/  /' "$log" | tail -n 25
		echo "PASS $name ($(( $(date +%s) - t0 ))s)"
	else
		failed=$((failed + 1))
		sed 's/^/  /' "$log" | tail -n 40
		echo "FAIL $name ($(( $(date +%s) - t0 ))s, log: $log)"
	fi
}

symvers() { # FILE: the exports that the license tests rely on
	grep -P '\t(unsafe_)?follow_p(fn|te)\t' "$1"
	grep -qP '\tunsafe_follow_pfn\tvmlinux\tEXPORT_SYMBOL\t' "$1" &&
		! grep -qP '\tfollow_pfn\t' "$1"
}

verdict() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

"$TOP/scripts/deps.sh"
mkdir -p "$logs"
start=$(date +%s)

check "series applies to pristine $KVER with git am" "$TOP/scripts/mktree.sh" "$src"
[ "$failed" -eq 0 ] || { verdict; exit 1; }
# Build the kernels of the runs in the background while the checks below,
# most of them single-threaded, run: the runs then find them built.  A
# build that fails here is simply done again, and reported, by its run.
for run in $RUNS; do
	t0=$(date +%s)
	r=built
	BUILD_ONLY=1 "$TOP/scripts/kunit.sh" "$src" "$run" || r=failed
	echo "build ahead: $run $r in $(( $(date +%s) - t0 ))s"
done > "$logs/build-ahead.log" 2>&1 &
ahead=$!

check "series applies with patch -p1" "$TOP/scripts/patchp1.sh" "$src"
while read -r p; do
	check "checkpatch --strict $(basename "$p")" \
		"$TOP/scripts/checkpatch.sh" "$src" "$p"
done < <(series_patches)
check "kernel-doc -none on touched files" "$TOP/scripts/kerneldoc.sh" "$src"

check "coccicheck: silent near the audited callers, reports a raw one (in tree)" \
	"$TOP/scripts/auditcheck.sh" "$src" coccicheck
check "coccicheck with O= outside the source tree: silent on vfio, reports the raw one" \
	"$TOP/scripts/auditcheck.sh" "$src" coccicheck-o
check "coccicheck with O= inside the source tree: silent on vfio, reports the raw one" \
	"$TOP/scripts/auditcheck.sh" "$src" coccicheck-o-sub
check "make audit: the pristine tree has exactly the audited unsafe callers" \
	"$TOP/scripts/auditcheck.sh" "$src" pristine
check "make audit: the patched tree has no unaudited raw lookup" \
	"$TOP/scripts/auditcheck.sh" "$src" patched
check "make audit: a raw $PUTBACK_LOOKUP() put back into vfio is reported" \
	"$TOP/scripts/auditcheck.sh" "$src" putback
check "touched drivers build with W=1 C=1, no new warnings" \
	"$TOP/scripts/buildproof.sh" "$src"

# The NOMMU kernel is built last, while the VFIO runs boot the x86_64 one.
for run in $RUNS; do
	[[ $run == riscv64-* ]] || check "kunit $run" "$TOP/scripts/kunit.sh" "$src" "$run"
done

for run in $VFIO_RUNS; do
	check "vfio $run: DMA through VFIO type1 under QEMU with an IOMMU" \
		"$TOP/scripts/vfio.sh" "$src" "$run"
done

for run in $RUNS; do
	[[ $run != riscv64-* ]] || check "kunit $run" "$TOP/scripts/kunit.sh" "$src" "$run"
done

has_run() { # RUN: is RUN one of $RUNS?
	local r
	for r in $RUNS; do
		[ "$r" != "$1" ] || return 0
	done
	return 1
}

if [ "$KVER" = 6.1 ] && has_run x86_64-warn; then
	kb=$BUILD/kunit/x86_64
	check "Module.symvers: unsafe_follow_pfn exported, follow_pfn not" \
		symvers "$kb/Module.symvers"
	check "a proprietary module calling follow_pfn builds, linked to unsafe_follow_pfn" \
		"$TOP/scripts/modlink.sh" "$kb" follow_pfn proprietary policed
	check "a GPL module calling follow_pfn builds, linked to unsafe_follow_pfn" \
		"$TOP/scripts/modlink.sh" "$kb" follow_pfn gpl policed
	check "modpost: unsafe_follow_pte is GPL-only" \
		"$TOP/scripts/modlink.sh" "$kb" unsafe_follow_pte proprietary gpl-only
	check "a GPL module calling unsafe_follow_pte builds" \
		"$TOP/scripts/modlink.sh" "$kb" unsafe_follow_pte gpl builds
	check "a proprietary module calling unsafe_follow_pfn builds" \
		"$TOP/scripts/modlink.sh" "$kb" unsafe_follow_pfn proprietary builds
fi

wait "$ahead" || true
grep '^build ahead:' "$logs/build-ahead.log" || true
echo "check took $(( $(date +%s) - start ))s"
verdict
