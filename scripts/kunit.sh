#!/bin/bash
# kunit.sh SRC RUN: boot the KUnit run RUN (a line of configs/runs) on its
# kernel, built from the patched tree SRC by scripts/kernel.sh, with the
# kernel's own kunit.py exec, and hold the logs against the run's
# expectations (scripts/expect.sh).  Exit 0 only if kunit.py and the
# expectations agree.
#
# A "case" run boots once per test case (what kunit.py run
# --run_isolated=test does), so that each case's effect on what is once
# per boot (the first warning, the taint, naming a caller once) is its
# own; a "suite" run boots once and holds each case's part of the log
# as that case's log.  The cases of a kernel are listed once per build.
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$TOP/scripts/runs.sh"

src=$(cd "${1:?usage: kunit.sh SRC RUN}" && pwd)
run=${2:?usage: kunit.sh SRC RUN}
run_row "$run" || { echo "kunit.sh: no run '$run' for Linux $KVER (configs/runs)" >&2; exit 2; }
[ "$run_tests" != vfio ] || { echo "kunit.sh: $run is a VFIO run (scripts/vfio.sh)" >&2; exit 2; }

say "kunit $run: kernel $run_kernel"
out=$("$TOP/scripts/kernel.sh" "$src" "$run_kernel")
case $run_kernel in
x86_64*) karch=(--arch=x86_64) ;;
riscv64-nommu) karch=(--qemu_config="$TOP/configs/qemu/riscv64_nommu.py"
		      --cross_compile=riscv64-linux-gnu-) ;;
esac
# panic=-1: a kernel that panics ends its boot (-no-reboot) at once.
kargs=(--kernel_args panic=-1)
[ -z "$run_mode" ] || kargs+=(--kernel_args "unsafe_follow_pfn=$run_mode")
# A boot takes seconds; one that hangs is a failure (KASAN: a minute).
kunit() { # GLOB [ARGS]: one boot of the kernel, running the tests GLOB
	(cd "$src" && python3 tools/testing/kunit/kunit.py exec \
		--build_dir="$out" "${karch[@]}" --timeout=600 "${kargs[@]}" "$@")
}
logs=$out/runs/$run
rm -rf "$logs"	# judge this run's logs, or none
mkdir -p "$logs/boots" "$logs/cases"
suite=${run_tests%%.*}

rc=0
if [ "$run_boots" = suite ]; then
	kunit "$run_tests" > "$logs/kunit.out" 2>&1 || rc=$?
	tr -d '\r' < "$out/test.log" > "$logs/boots/$suite.log"
	# Each case's part: from the suite's start or the previous case's
	# result to its own result line.
	awk -v dir="$logs/cases" -v suite="$suite" '
		/# Subtest: / && index($0, suite) { on = 1; part = ""; next }
		!on { next }
		{ part = part $0 "\n" }
		match($0, /(not )?ok [0-9]+ (- )?[a-z0-9_]+/) {
			n = split(substr($0, RSTART, RLENGTH), w, " ")
			name = w[n]
			if (name == suite) { on = 0; next }
			printf "%s", part > (dir "/" name ".log")
			close(dir "/" name ".log")
			part = ""
		}' "$logs/boots/$suite.log"
else
	# The cases, listed once per build of the kernel (its key).
	list=$out/cases-${run_tests//\*/_}
	if [ "$(head -n 1 "$list" 2>/dev/null)" != "$(cat "$out/.pfnguard-key")" ]; then
		kunit "$run_tests" --list_tests > "$logs/list.out" 2>&1 || rc=$?
		{ cat "$out/.pfnguard-key"
		  grep -E "^$suite\.[a-z0-9_]+$" "$logs/list.out" || true; } > "$list"
	fi
	cases=$(tail -n +2 "$list")
	[ -n "$cases" ] || { echo "kunit.sh: no cases of $run_tests listed" >&2; rc=1; }
	for c in $cases; do
		kunit "$c" >> "$logs/kunit.out" 2>&1 || rc=$?
		tr -d '\r' < "$out/test.log" > "$logs/boots/${c#"$suite".}.log"
		cp "$logs/boots/${c#"$suite".}.log" "$logs/cases/"
	done
fi
grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]|Testing complete|Elapsed' \
	"$logs/kunit.out" | sed 's/^\[[0-9:]*\] /    /' || true
if [ $rc -ne 0 ]; then
	echo "kunit.sh: kunit.py failed ($rc), see $logs/kunit.out" >&2
	tail -n 20 "$logs/kunit.out" >&2
	exit 1
fi
exec "$TOP/scripts/expect.sh" "$logs" "${run_expect[@]}"
