#!/bin/bash
# kunit.sh SRC RUN [kunit.py args]: build and boot one KUnit configuration
# of the patched tree SRC with the kernel's own kunit.py, then hold the
# kernel log against the expectations in configs/expect/.  Exit 0 only if
# kunit.py and the expectations agree.
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
cc="ccache gcc"
policy=default
expect=()

case $run in
demo-*) kunitconfig=follow_pfn_demo; expect+=(demo) ;;
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
	       --cross_compile=riscv64-linux-gnu-)
	cc="ccache riscv64-linux-gnu-gcc" ;;
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
rm -f "$out/test.log"	# judge this run's log, or none
say "kunit $run"
rc=0
(cd "$src" && python3 tools/testing/kunit/kunit.py run --build_dir="$out" \
	--make_options "CC=$cc" --jobs="$JOBS" --timeout=600 "${args[@]}") \
	> "$out/kunit.out" 2>&1 || rc=$?
grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]|Testing complete|Elapsed' \
	"$out/kunit.out" | sed 's/^\[[0-9:]*\] /    /' || true
if [ $rc -ne 0 ]; then
	echo "kunit.sh: kunit.py failed ($rc), see $out/kunit.out" >&2
	tail -20 "$out/kunit.out" >&2
	exit 1
fi
exec "$TOP/scripts/expect.sh" "$out/test.log" "${expect[@]}"
