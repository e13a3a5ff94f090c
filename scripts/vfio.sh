#!/bin/bash
# vfio.sh SRC RUN: the VFIO scenario (tests/vfio/vfio_pfn_dma.c, a
# kselftest-harness program) on an x86_64 kernel built from the patched
# tree SRC, in QEMU with an emulated Intel IOMMU, two edu DMA engines and
# an ivshmem BAR.  One boot per test case (PFNGUARD_TEST=CASE), each log
# in build/kunit/KERNEL/runs/RUN/CASE.log, held against configs/expect/.
#
#   run                 kernel        unsafe_follow_pfn=
#   vfio-warn           x86_64        (default)
#   vfio-report         x86_64        report
#   vfio-refuse         x86_64        refuse
#   vfio-debug-strict   x86_64-debug  (CONFIG_STRICT_FOLLOW_PFN=y: refuse)
#
# The same runs exist for Linux 6.12 (KVER=6.12), with the expectations
# configs/expect/6.12-vfio-*.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=${1:?usage: vfio.sh SRC RUN}
run=${2:?usage: vfio.sh SRC RUN}
mode=
# A boot takes seconds (a minute with KASAN); one that hangs is a failure.
boot_timeout=300
case $run in
vfio-warn) kernel=x86_64 expect=(vfio-warn) ;;
vfio-report) kernel=x86_64 mode=report expect=(vfio-report) ;;
vfio-refuse) kernel=x86_64 mode=refuse expect=(vfio-refuse) ;;
vfio-debug-strict) kernel=x86_64-debug expect=(vfio-refuse debug) boot_timeout=600 ;;
*)	echo "vfio.sh: unknown run '$run'" >&2; exit 2 ;;
esac
# Other kernel versions name their own lookup: their own expectations.
[ "$KVER" = 6.1 ] || expect=("${expect[@]/#vfio-/$KVER-vfio-}")
expect=("${expect[@]/#/$TOP/configs/expect/}")
out=$BUILD/kunit/$kernel
logs=$out/runs/$run
work=$out/vfio
test=$TOP/tests/vfio/vfio_pfn_dma.c

# The kernel (kunit.py builds it; incremental) and its UAPI headers.
say "vfio $run: kernel $kernel"
case $kernel in
x86_64) BUILD_ONLY=1 "$TOP/scripts/kunit.sh" "$src" x86_64-warn ;;
x86_64-debug)
	[ "$KVER" = 6.1 ] && b=demo-x86_64-debug-refuse || b=x86_64-debug-strict
	BUILD_ONLY=1 "$TOP/scripts/kunit.sh" "$src" "$b" ;;
esac
rm -rf "$logs"
mkdir -p "$logs" "$work"
make -s -C "$src" O="$out" ARCH=x86_64 headers

# The test, static, against this tree's headers and kselftest harness.
gcc -static -O2 -Wall -Wextra -Werror -I"$out/usr/include" \
	-isystem "$src/tools/testing/selftests" -o "$work/vfio_pfn_dma" "$test"

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
LIST
# Where nothing but the sample selects the mdev core (6.12), it is a module.
mdev=$out/drivers/vfio/mdev/mdev.ko
[ ! -f "$mdev" ] || echo "file /mdev.ko $mdev 0644 0 0" >> "$work/initramfs.list"
"$out/usr/gen_init_cpio" "$work/initramfs.list" > "$work/initramfs.cpio"

# The ivshmem device's memory: a file of the host.
truncate -s 1M "$work/ivshmem"
args=(-machine q35,accel=tcg -m 1G -smp 1 -nographic -no-reboot
      -device intel-iommu,intremap=on -device edu -device edu
      -object "memory-backend-file,id=shm,share=on,mem-path=$work/ivshmem,size=1M"
      -device ivshmem-plain,memdev=shm
      -kernel "$out/arch/x86/boot/bzImage" -initrd "$work/initramfs.cpio")
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
# miss its window, and with interrupt remapping that is a panic at boot.
cmdline="console=ttyS0 intel_iommu=on kunit.filter_glob=none panic=-1 no_timer_check"
[ -z "$mode" ] || cmdline+=" unsafe_follow_pfn=$mode"

rc=0
cases=$(sed -nE 's/^TEST_F_TIMEOUT\(vfio, ([a-z0-9_]+),.*/\1/p' "$test")
for c in $cases; do
	: > "$work/ivshmem"
	truncate -s 1M "$work/ivshmem"
	timeout "$boot_timeout" qemu-system-x86_64 "${args[@]}" \
		-append "$cmdline PFNGUARD_TEST=$c" < /dev/null \
		> "$logs/$c.log" 2>&1 || rc=$?
	printf '    %-28s %s\n' "$c" \
		"$(tr -d '\r' < "$logs/$c.log" | grep -E "^(not )?ok [0-9]+ vfio\.$c\$" || echo "no result")"
done
[ $rc -eq 0 ] || { echo "vfio.sh: QEMU failed ($rc), see $logs" >&2; exit 1; }
exec "$TOP/scripts/expect.sh" "$logs" "${expect[@]}"
