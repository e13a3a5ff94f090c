#!/bin/bash
# kunit.sh SRC RUN [kunit.py args]: build one KUnit configuration of the
# patched tree SRC with the kernel's own kunit.py, boot it once per test
# case (kunit.py exec with that case as the filter), then hold each
# boot's log against the expectations in configs/expect/.  Exit 0 only
# if kunit.py and the expectations agree.  The NOMMU runs are built with
# CONFIG_WERROR and the files the series touches again with W=1.
#
# Runs (name: kernel, suite, expectations):
#   uml-default              UML, follow_pfn              mmu-default
#   uml-strict               UML, strict                  mmu-strict
#   x86_64-default           x86_64 under QEMU (modules)  mmu-default
#   riscv64-nommu-default    riscv64 NOMMU under QEMU     nommu-default
#   riscv64-nommu-strict     riscv64 NOMMU, strict        nommu-strict
#   demo-uml-default         UML, pfn_demo                demo-default
#   demo-uml-strict          UML, pfn_demo, strict        demo-strict
#   demo-x86_64-debug-strict x86_64, pfn_demo, strict,    demo-strict, debug
#                            lockdep + DEBUG_VM + KASAN
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=${1:?usage: kunit.sh SRC RUN}
run=${2:?usage: kunit.sh SRC RUN}
shift 2
out=$BUILD/kunit/$run
kunitconfig=follow_pfn
suite=follow_pfn
cc="ccache gcc"
w1=
w1make=
policy=default
expect=()

case $run in
demo-*) kunitconfig=follow_pfn_demo; suite=pfn_demo; expect+=(demo) ;;
riscv64-nommu-*) expect+=(nommu) ;;
*) expect+=(mmu) ;;
esac
args=(--kunitconfig="$TOP/configs/kunit/$kunitconfig.kunitconfig")
case $run in
uml-*|demo-uml-*) ;;
x86_64-*)
	args+=(--arch=x86_64 --kconfig_add CONFIG_MODULES=y) ;;
demo-x86_64-debug-*)
	args+=(--arch=x86_64)
	for opt in DEBUG_KERNEL PROVE_LOCKING DEBUG_VM KASAN DEBUG_ATOMIC_SLEEP; do
		args+=(--kconfig_add "CONFIG_$opt=y")
	done ;;
riscv64-nommu-*)
	args+=(--qemu_config="$TOP/configs/qemu/riscv64_nommu.py"
	       --cross_compile=riscv64-linux-gnu-
	       --kconfig_add CONFIG_WERROR=y)
	cc="ccache riscv64-linux-gnu-gcc"
	w1="mm/follow_pfn_kunit.o mm/nommu.o mm/util.o"
	w1make="ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-" ;;
*)	echo "kunit.sh: unknown run '$run'" >&2; exit 2 ;;
esac
case $run in
*-strict) args+=(--kconfig_add CONFIG_STRICT_FOLLOW_PFN=y); policy=strict ;;
*-default) ;;
*)	echo "kunit.sh: run '$run' names no policy" >&2; exit 2 ;;
esac
expect=("${expect[@]/#/$TOP/configs/expect/}")
expect=("${expect[@]/%/-$policy}")
case $run in
*-debug-*) expect+=("$TOP/configs/expect/debug") ;;
esac
args+=("$@")

mkdir -p "$out"
rm -rf "$out/test.log" "$out/logs"	# judge this run's logs, or none
mkdir -p "$out/logs"
kunit() { # SUBCOMMAND ARGS...: kunit.py in the tree, on this run's build
	local sub=$1
	shift
	(cd "$src" && python3 tools/testing/kunit/kunit.py "$sub" \
		--build_dir="$out" "${args[@]}" "$@")
}
say "kunit $run"
rc=0
kunit build --make_options "CC=$cc" --jobs="$JOBS" > "$out/kunit.out" 2>&1 || rc=$?
if [ $rc -eq 0 ] && [ -n "$w1" ]; then
	# W=1 on the files the series touches; CONFIG_WERROR makes any
	# warning an error.
	(cd "$out" && rm -f $w1)
	make -C "$src" O="$out" $w1make CC="$cc" W=1 $w1 >> "$out/kunit.out" 2>&1 || rc=$?
fi
if [ $rc -eq 0 ]; then
	# One boot per case (what kunit.py run --run_isolated=test does),
	# keeping each boot's log: a case's effect on the taint and the
	# log is then its own.
	kunit exec --timeout=600 --list_tests "$suite.*" > "$out/list.out" 2>&1 || rc=$?
	cases=$(grep -E "^$suite\.[a-z0-9_]+$" "$out/list.out" || true)
	[ -n "$cases" ] || { echo "kunit.sh: no cases listed" >&2; rc=1; }
	for c in $cases; do
		kunit exec --timeout=600 "$c" >> "$out/kunit.out" 2>&1 || rc=$?
		cp "$out/test.log" "$out/logs/${c#"$suite".}.log"
	done
fi
grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]|Testing complete|Elapsed' \
	"$out/kunit.out" | sed 's/^\[[0-9:]*\] /    /' || true
if [ $rc -ne 0 ]; then
	echo "kunit.sh: kunit.py failed ($rc), see $out/kunit.out" >&2
	tail -20 "$out/kunit.out" >&2
	exit 1
fi
exec "$TOP/scripts/expect.sh" "$out/logs" "${expect[@]}"
