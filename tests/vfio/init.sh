#!/bin/busybox sh
# /init of the VFIO scenario's initramfs (scripts/vfio.sh): mount what
# the test needs, load the mdev sample, run the test (the case named by
# PFNGUARD_TEST= on the kernel command line) and power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
# The mdev core is a module of its own where only the sample selects it.
[ ! -f /mdev.ko ] || insmod /mdev.ko || echo "pfnguard-vfio: insmod mdev.ko failed"
insmod /mtty.ko || echo "pfnguard-vfio: insmod mtty.ko failed"
/vfio_pfn_dma
echo "pfnguard-vfio: exit=$?"
poweroff -f
