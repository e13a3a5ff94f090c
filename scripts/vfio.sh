#!/bin/bash
# vfio.sh SRC RUN: the VFIO scenario (tests/vfio/vfio_pfn_dma.c, a
# kselftest-harness program) on an x86_64 kernel built from the patched
# tree SRC, in QEMU with an emulated Intel IOMMU, two edu DMA engines and
# an ivshmem BAR.  One boot per test case (PFNGUARD_TEST=CASE), each log
# in build/kunit/KERNEL/runs/RUN/boots/CASE.log, held against the run's
# expectations.  The runs are the lines of configs/runs whose tests are
# "vfio": vfio-warn, vfio-report, vfio-refuse, vfio-debug-strict, and
# where the series has vfio type1's revocation (7.2), vfio-revoke: a run
# whose name has "revoke" boots with vfio_iommu_type1.pfnmap_revoke=1 and
# the cases revoke_*, anon_ram and ram_pfnmap; the others boot with it
# off, if the series has it, and the rest of the cases.
# VFIO_CASES="CASE..." boots only those cases (make demo) and then asks
# only that each passed: the run's expectations need every case.
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$TOP/scripts/runs.sh"

src=$(cd "${1:?usage: vfio.sh SRC RUN}" && pwd)
run=${2:?usage: vfio.sh SRC RUN}
run_row "$run" && [ "$run_tests" = vfio ] ||
	{ echo "vfio.sh: no VFIO run '$run' for Linux $KVER (configs/runs)" >&2; exit 2; }
mode=$run_mode
revoke=0
case $run in *revoke*) revoke=1 ;; esac
# A boot takes seconds (a minute with KASAN); one that hangs is a failure.
boot_timeout=300
[ "$run_kernel" = x86_64 ] || boot_timeout=600

# The kernel and its UAPI headers (scripts/kernel.sh).
say "vfio $run: kernel $run_kernel"
out=$("$TOP/scripts/kernel.sh" "$src" "$run_kernel")
logs=$out/runs/$run
# Its builds go under runs/ too, which the kernel cache never stores or
# copies: they are of this clone's tests.
work=$out/runs/.vfio
rm -rf "$logs"
mkdir -p "$logs/boots" "$logs/cases" "$work"

# The test, static, against this tree's headers and kselftest harness,
# and the out-of-tree test modules (tests/modules/pfn_oot), against this
# kernel: both built again only when what they depend on changed (make's
# dependencies, kbuild's for the modules; the sources keep their times).
make -s -f "$TOP/tests/vfio/Makefile" O="$work" KHDR="$out/usr/include" \
	SELFTESTS="$src/tools/testing/selftests"
mkdir -p "$work/pfn_oot"
cp -p "$TOP"/tests/modules/pfn_oot/* "$work/pfn_oot/"
make -s -C "$out" M="$work/pfn_oot" modules > "$work/pfn_oot.log" 2>&1 ||
	{ cat "$work/pfn_oot.log"; echo "vfio.sh: the test modules do not build" >&2; exit 1; }

# The initramfs, made by the kernel's own gen_init_cpio.
cat > "$work/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /bin 0755 0 0
file /bin/busybox /bin/busybox 0755 0 0
file /init $TOP/tests/vfio/init.sh 0755 0 0
file /vfio_pfn_dma $work/vfio_pfn_dma 0755 0 0
file /mtty.ko $out/samples/vfio-mdev/mtty.ko 0644 0 0
file /pfn_oot.ko $work/pfn_oot/pfn_oot.ko 0644 0 0
file /pfn_intree.ko $work/pfn_oot/pfn_intree.ko 0644 0 0
file /pfn_ram.ko $work/pfn_oot/pfn_ram.ko 0644 0 0
file /pfn_pin.ko $work/pfn_oot/pfn_pin.ko 0644 0 0
LIST
# Where nothing but the sample selects the mdev core (6.12), it is a module.
mdev=$out/drivers/vfio/mdev/mdev.ko
[ ! -f "$mdev" ] || echo "file /mdev.ko $mdev 0644 0 0" >> "$work/initramfs.list"
"$out/usr/gen_init_cpio" "$work/initramfs.list" > "$work/initramfs.cpio"

# The ivshmem device's memory: a file of the host.
# 4 MiB: vfio-pci maps a 2 MiB aligned part of it with one PMD.
truncate -s 4M "$work/ivshmem"
# -nodefaults: no network card (its option ROM) and no VGA to start.
args=(-machine q35,accel=tcg -m 1G -smp 1 -nodefaults -display none
      -serial stdio -no-reboot
      -device intel-iommu,intremap=on -device edu -device edu
      -object "memory-backend-file,id=shm,share=on,mem-path=$work/ivshmem,size=4M"
      -device ivshmem-plain,memdev=shm
      -kernel "$out/arch/x86/boot/bzImage" -initrd "$work/initramfs.cpio")
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
# miss its window, and with interrupt remapping that is a panic at boot.
cmdline="console=ttyS0 intel_iommu=on kunit.filter_glob=none panic=-1 no_timer_check"
[ -z "$mode" ] || cmdline+=" unsafe_follow_pfn=$mode"
if grep -q pfnmap_revoke "$src/drivers/vfio/vfio_iommu_type1.c"; then
	cmdline+=" vfio_iommu_type1.pfnmap_revoke=$revoke"
elif [ $revoke = 1 ]; then
	echo "vfio.sh: the $KVER series does not revoke ($run)" >&2
	exit 2
fi

rc=0
hung=
# The program names its cases: with PFNGUARD_TEST matching none, every
# case skips before it touches anything, here on the host too.
cases=$(PFNGUARD_TEST=: "$work/vfio_pfn_dma" 2>&1 |
	sed -nE 's/^#  RUN +vfio\.([a-z0-9_]+) \.\.\.$/\1/p' || true)
[ -n "$cases" ] || { echo "vfio.sh: the test program listed no cases" >&2; exit 1; }
if [ $revoke = 1 ]; then
	cases=$(grep -E '^(revoke_.*|anon_ram|ram_pfnmap)$' <<<"$cases")
else
	cases=$(grep -v '^revoke_' <<<"$cases")
fi
if [ -n "${VFIO_CASES:-}" ]; then
	for c in $VFIO_CASES; do
		grep -qx "$c" <<<"$cases" || { echo "vfio.sh: no case $c" >&2; exit 2; }
	done
	cases=$VFIO_CASES
fi
for c in $cases; do
	: > "$work/ivshmem"
	truncate -s 4M "$work/ivshmem"
	timeout "$boot_timeout" qemu-system-x86_64 "${args[@]}" \
		-append "$cmdline PFNGUARD_TEST=$c" < /dev/null \
		> "$logs/boots/$c.log" 2>&1 || { rc=$?; hung+=" $c($rc)"; }
	cp "$logs/boots/$c.log" "$logs/cases/"
	printf '    %-28s %s\n' "$c" \
		"$(tr -d '\r' < "$logs/boots/$c.log" | grep -E "^(not )?ok [0-9]+ vfio\.$c\$" || echo "no result")"
done
# A boot that QEMU did not finish (124: timed out) fails the run, after
# the expectations have said what the other boots did.
if [ -n "$hung" ] && [ -z "${VFIO_CASES:-}" ]; then
	"$TOP/scripts/expect.sh" "$logs" "${run_expect[@]}" || true
	echo "    FAIL: QEMU did not finish the boot of:$hung (see $logs/boots)"
	exit 1
fi
[ $rc -eq 0 ] || { echo "vfio.sh: QEMU failed ($rc):$hung, see $logs" >&2; exit 1; }
if [ -n "${VFIO_CASES:-}" ]; then
	for c in $cases; do
		tr -d '\r' < "$logs/boots/$c.log" | grep -qx "ok [0-9]* vfio\.$c" ||
			{ echo "vfio.sh: $c did not pass" >&2; rc=1; }
	done
	exit $rc
fi
exec "$TOP/scripts/expect.sh" "$logs" "${run_expect[@]}"
