#!/bin/bash
# kunit.sh SRC RUN: build and boot one KUnit configuration of the patched
# tree SRC with the kernel's own kunit.py, then hold the result against
# configs/expect/<expectations of RUN>.  Exit 0 only if both agree.
#
# Runs (name: kernel, policy, expectations file):
#   uml-default            UML                   mmu-default
#   uml-strict             UML, strict           mmu-strict
#   x86_64-default         x86_64 under QEMU     mmu-default
#   riscv64-nommu-default  riscv64 NOMMU, QEMU   nommu-default
#   riscv64-nommu-strict   riscv64 NOMMU, strict nommu-strict
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=${1:?usage: kunit.sh SRC RUN}
run=${2:?usage: kunit.sh SRC RUN}
shift 2
out=$BUILD/kunit/$run
args=(--kunitconfig="$TOP/configs/kunit/follow_pfn.kunitconfig")
cc="ccache gcc"
policy=default

case $run in
uml-*) ;;
x86_64-*)
	args+=(--arch=x86_64 --kconfig_add CONFIG_MODULES=y) ;;
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
case $run in
riscv64-nommu-*) expect=$TOP/configs/expect/nommu-$policy ;;
*) expect=$TOP/configs/expect/mmu-$policy ;;
esac
args+=("$@")

mkdir -p "$out"
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
exec "$TOP/scripts/expect.sh" "$expect" "$out/test.log"
