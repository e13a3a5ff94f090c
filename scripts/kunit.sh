#!/bin/bash
# kunit.sh SRC RUN: boot the KUnit run RUN (a line of configs/runs) on its
# kernel, built from the patched tree SRC by scripts/kernel.sh, under
# QEMU, have the kernel's own kunit.py parse each boot's log, and hold
# the logs against the run's expectations (scripts/expect.sh).  Exit 0
# only if kunit.py and the expectations agree.
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
# The harness boots the kernel itself, always under TCG as the VFIO
# scenario does (scripts/vfio.sh), and kunit.py only parses: 7.2's
# kunit.py exec asks QEMU for KVM first, and on a host whose /dev/kvm
# cannot run a guest (seen: a nested host, QEMU spinning in the host
# kernel, no output) every boot hangs.  TCG also makes a run take the
# same on every host.  The command line is what kunit.py exec passes.
case $run_kernel in
x86_64*)
	qemu=(qemu-system-x86_64 -bios qboot.rom)
	image=arch/x86/boot/bzImage console="console=ttyS0" ;;
riscv64-nommu)
	# No MMU: the kernel runs in M-mode, started with no firmware.
	qemu=(qemu-system-riscv64 -machine virt -cpu rv64 -bios none)
	image=arch/riscv/boot/Image
	console="console=ttyS0 earlycon=uart8250,mmio,0x10000000" ;;
esac
# panic=-1: a kernel that panics ends its boot (-no-reboot) at once.
kargs="panic=-1"
[ -z "$run_mode" ] || kargs+=" unsafe_follow_pfn=$run_mode"
# boot LOG ARGS: one boot with the kernel arguments ARGS, its console in
# LOG.  A boot takes seconds; one that hangs is a failure (KASAN: a
# minute).
boot() {
	local log=$1
	shift
	timeout 600 "${qemu[@]}" -nodefaults -m 1024 -accel tcg -no-reboot \
		-nographic -serial stdio -kernel "$out/$image" \
		-append "$* $kargs kunit.enable=1 $console kunit_shutdown=reboot" \
		< /dev/null | tr -d '\r' > "$log"
}
# parse LOG: kunit.py's verdict on one boot's log, its report added to
# kunit.out.  kunit.py parse, unlike exec, fails a boot whose tests all
# skipped; such a boot passes here as it did with exec.
parse() {
	local rc=0 report
	report=$(cd "$src" && python3 tools/testing/kunit/kunit.py parse "$1" 2>&1) || rc=$?
	printf '%s\n' "$report" >> "$logs/kunit.out"
	[ $rc -ne 0 ] || return 0
	case $(grep 'Testing complete' <<< "$report") in
	*failed*|*crashed*|*errors*|"") return $rc ;;
	*skipped*) return 0 ;;
	esac
	return $rc
}
logs=$out/runs/$run
rm -rf "$logs"	# judge this run's logs, or none
mkdir -p "$logs/boots" "$logs/cases"
suite=${run_tests%%.*}

rc=0
if [ "$run_boots" = suite ]; then
	log=$logs/boots/$suite.log
	boot "$log" "kunit.filter_glob=$run_tests" || rc=$?
	parse "$log" || rc=$?
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
		}' "$log"
else
	# The cases, listed once per build of the kernel (its key): the
	# names the kernel prints after its "KTAP version" line, with that
	# line's prefix, as kunit.py exec --list_tests reads them.
	list=$out/cases-${run_tests//\*/_}
	# A listing whose boot failed, or that found no case, is not kept.
	if [ "$(head -n 1 "$list" 2>/dev/null)" != "$(cat "$out/.pfnguard-key")" ] ||
	   [ "$(wc -l < "$list")" -lt 2 ]; then
		rm -f "$list"
		if boot "$logs/list.out" kunit.action=list \
			"kunit.filter_glob=$run_tests"; then
			{ cat "$out/.pfnguard-key"
			  awk -v re="^$suite[.][a-z0-9_]+\$" '
				!on && (i = index($0, "KTAP version")) { on = 1; p = i; next }
				on && substr($0, p) ~ re { print substr($0, p) }
			  ' "$logs/list.out"; } > "$list.new"
			mv "$list.new" "$list"
		else
			rc=$?
		fi
	fi
	cases=$(tail -n +2 "$list" 2>/dev/null || true)
	[ -n "$cases" ] || { echo "kunit.sh: no cases of $run_tests listed" >&2; rc=1; }
	for c in $cases; do
		log=$logs/boots/${c#"$suite".}.log
		boot "$log" "kunit.filter_glob=$c" || rc=$?
		parse "$log" || rc=$?
		cp "$log" "$logs/cases/"
	done
fi
grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]|Testing complete' \
	"$logs/kunit.out" | sed 's/^\[[0-9:]*\] /    /' || true
if [ $rc -ne 0 ]; then
	echo "kunit.sh: a boot or kunit.py failed ($rc), see $logs/kunit.out" >&2
	tail -n 20 "$logs/kunit.out" >&2
	exit 1
fi
exec "$TOP/scripts/expect.sh" "$logs" "${run_expect[@]}"
