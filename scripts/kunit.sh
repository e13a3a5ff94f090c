#!/bin/bash
# kunit.sh SRC RUN: build the kernel of RUN from the patched tree SRC with
# the kernel's own kunit.py, boot it once per test case of RUN's suite
# (kunit.py exec with that case as the filter) with RUN's kernel
# arguments, and hold each boot's log against the expectations in
# configs/expect/.  Exit 0 only if kunit.py and the expectations agree.
#
# Runs that differ only by policy mode boot the same kernel with another
# unsafe_follow_pfn= argument.  A kernel is built once per state of the
# tree: a stamp in its build directory records the tree (HEAD and any
# uncommitted change) and the build's arguments, and a run whose stamp
# matches boots the kernel without calling kunit.py build again.
#
# Linux 6.1 (KVER=6.1, the default):
#
#   run                       kernel          suite       unsafe_follow_pfn=
#   uml-warn                  uml             follow_pfn  (default)
#   uml-report                uml             follow_pfn  report
#   uml-refuse                uml             follow_pfn  refuse
#   uml-bogus                 uml             follow_pfn  bogus (ignored)
#   uml-strict                uml-strict      follow_pfn  (default)
#   uml-strict-warn           uml-strict      follow_pfn  warn (ignored)
#   x86_64-warn               x86_64          follow_pfn  (default)
#   x86_64-refuse             x86_64          follow_pfn  refuse
#   riscv64-nommu-warn        riscv64-nommu   follow_pfn  (default)
#   riscv64-nommu-refuse      riscv64-nommu   follow_pfn  refuse
#   demo-uml-warn             uml             pfn_demo    (default)
#   demo-uml-refuse           uml             pfn_demo    refuse
#   demo-x86_64-debug-refuse  x86_64-debug    pfn_demo    refuse
#   bench-uml, bench-x86_64   uml, x86_64     follow_pfn_bench (make bench)
#
# Linux 6.12 (KVER=6.12): the follow_pfnmap suite takes follow_pfn's
# place; its PMD case runs where PMD-level PFN mappings exist (x86_64,
# with transparent huge pages).  follow_pfnmap_start() is MMU-only, so
# the NOMMU run builds the kernel (touched files with W=1) and boots it
# with a KUnit example case and unsafe_follow_pfn=refuse, which a NOMMU
# kernel does not know.
#
#   run                       kernel          suite          unsafe_follow_pfn=
#   uml-warn                  uml             follow_pfnmap  (default)
#   uml-report                uml             follow_pfnmap  report
#   uml-refuse                uml             follow_pfnmap  refuse
#   uml-bogus                 uml             follow_pfnmap  bogus (ignored)
#   uml-strict                uml-strict      follow_pfnmap  (default: refuse)
#   uml-strict-warn           uml-strict      follow_pfnmap  warn (ignored)
#   x86_64-warn               x86_64          follow_pfnmap  (default)
#   x86_64-refuse             x86_64          follow_pfnmap  refuse
#   x86_64-debug-strict       x86_64-debug    follow_pfnmap  (default: refuse)
#   riscv64-nommu-refuse      riscv64-nommu   example        refuse (unknown)
#   demo-uml-warn             uml             pfn_demo       (default)
#   demo-uml-refuse           uml             pfn_demo       refuse
#   demo-x86_64-debug-refuse  x86_64-debug    pfn_demo       (default: refuse)
#   bench-uml, bench-x86_64   uml, x86_64     follow_pfn_bench (make bench)
#
# Kernels: uml-strict has CONFIG_STRICT_FOLLOW_PFN=y; x86_64 runs under
# QEMU with modules, PCI (out-of-tree drivers need it), tracing and what
# the VFIO scenario needs; riscv64-nommu is riscv64 without an MMU under
# QEMU, built with CONFIG_WERROR and the touched files again with W=1;
# x86_64-debug has lockdep, DEBUG_VM, KASAN, DEBUG_ATOMIC_SLEEP, the VFIO
# options, CONFIG_STRICT_FOLLOW_PFN=y and tracing (CONFIG_FTRACE follows
# CONFIG_DEBUG_KERNEL by default).  Every kernel leaves out what
# no test uses (configs/kunit/slim.kunitconfig, and x86_slim below).
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=${1:?usage: kunit.sh SRC RUN}
run=${2:?usage: kunit.sh SRC RUN}
kunitconfig=pfnguard
cc="ccache gcc"
w1=
w1make=
expect=()
kargs=()

case $run in
bench-*) suite=follow_pfn_bench ;;
demo-*) suite=pfn_demo ;;
*) suite=follow_pfn ;;
esac
case $run in
uml-strict*) kernel=uml-strict ;;
*-debug-*) kernel=x86_64-debug ;;
*x86_64*) kernel=x86_64 ;;
*riscv64-nommu*) kernel=riscv64-nommu ;;
*uml*) kernel=uml ;;
*)	echo "kunit.sh: unknown run '$run'" >&2; exit 2 ;;
esac
case $run in
bench-*) mode=report ;;
uml-strict) mode= ;;
*-debug-strict) mode= ;;
uml-strict-warn) mode=warn ;;
*-warn) mode= ;;
*-report) mode=report ;;
*-refuse) mode=refuse ;;
*-bogus) mode=bogus ;;
*)	echo "kunit.sh: run '$run' names no mode" >&2; exit 2 ;;
esac
[ -z "$mode" ] || kargs=(--kernel_args "unsafe_follow_pfn=$mode")

# The x86_64 kernels also boot to a shell for the VFIO scenario
# (scripts/vfio.sh): an emulated Intel IOMMU with interrupt remapping,
# vfio-pci built in, an initramfs, and sysfs BAR mappings revoked when a
# driver claims the region; the mdev sample mtty as a module, for a
# container with no IOMMU domain.
vfio_opts="MODULES PCI PCI_MSI INTEL_IOMMU IRQ_REMAP VFIO VFIO_PCI
	IO_STRICT_DEVMEM BLK_DEV_INITRD DEVTMPFS DEVTMPFS_MOUNT TMPFS VFIO_MDEV
	SAMPLES"
# Left out of the x86_64 kernels besides configs/kunit/slim.kunitconfig:
# ACPI's device drivers and CPU idle (the emulated IOMMU needs only the
# ACPI tables), machine checks, thermal zones, suspend, and compressed
# initrds (scripts/vfio.sh passes a plain cpio archive).
x86_slim="ACPI_AC ACPI_BATTERY ACPI_FAN ACPI_PROCESSOR ACPI_THERMAL THERMAL
	CPU_IDLE X86_MCE X86_DEBUG_FPU SUSPEND RD_GZIP RD_BZIP2 RD_LZMA RD_XZ
	RD_LZO RD_LZ4 RD_ZSTD"
debug_opts="DEBUG_KERNEL PROVE_LOCKING DEBUG_VM KASAN DEBUG_ATOMIC_SLEEP
	STRICT_FOLLOW_PFN"
# What differs in 6.12: VFIO_MDEV has no prompt (the mtty sample selects
# it), the QEMU virt platform is ARCH_VIRT, the x86_64 kernels get
# transparent huge pages (PMD-level PFN mappings), the series has no
# NOMMU code (a KUnit example case boots there) and touches only
# mm/util.c of what NOMMU builds.
platform=SOC_VIRT
nommu_w1="mm/follow_pfn_kunit.o mm/nommu.o mm/util.o"
if [ "$KVER" != 6.1 ]; then
	vfio_opts=${vfio_opts/VFIO_MDEV/}
	platform=ARCH_VIRT
	nommu_w1="mm/util.o"
	kunitconfig=follow_pfnmap
fi

args=()
# seed: the kernel whose build directory a new one starts from (below).
seed=
case $kernel in
uml) ;;
uml-strict) args+=(--kconfig_add CONFIG_STRICT_FOLLOW_PFN=y) seed=uml ;;
x86_64)
	args+=(--arch=x86_64 --kconfig_add CONFIG_FTRACE=y
	       --kconfig_add CONFIG_SAMPLE_VFIO_MDEV_MTTY=m)
	for opt in $vfio_opts; do args+=(--kconfig_add "CONFIG_$opt=y"); done ;;
x86_64-debug)
	args+=(--arch=x86_64)
	for opt in $debug_opts $vfio_opts; do
		args+=(--kconfig_add "CONFIG_$opt=y")
	done
	args+=(--kconfig_add CONFIG_SAMPLE_VFIO_MDEV_MTTY=m) ;;
riscv64-nommu)
	kunitconfig=follow_pfn
	[ "$KVER" = 6.1 ] || kunitconfig=example
	args+=(--qemu_config="$TOP/configs/qemu/riscv64_nommu.py"
	       --kconfig_add "CONFIG_$platform=y"
	       --cross_compile=riscv64-linux-gnu-
	       --kconfig_add CONFIG_WERROR=y)
	cc="ccache riscv64-linux-gnu-gcc"
	w1=$nommu_w1
	w1make="ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-" ;;
esac
case $KVER:$kernel in
6.1:*) ;;
*:x86_64*) args+=(--kconfig_add CONFIG_TRANSPARENT_HUGEPAGE=y) ;;
esac
case $kernel in
# kunit.py adds PCI over virtio to UML kernels; no test here uses it.
uml*) args+=(--kconfig_add CONFIG_VIRTIO_UML=n
	     --kconfig_add CONFIG_UML_PCI_OVER_VIRTIO=n) ;;
x86_64*) for opt in $x86_slim; do args+=(--kconfig_add "CONFIG_$opt=n"); done ;;
esac
args=(--kunitconfig="$TOP/configs/kunit/$kunitconfig.kunitconfig"
      --kunitconfig="$TOP/configs/kunit/slim.kunitconfig" "${args[@]}")

# Expectations: the suite's cases in this mode, plus what the kernel adds.
case $suite:$kernel:$mode in
follow_pfn_bench:*) expect=(bench) ;;
pfn_demo:*:) expect=(demo-warn) ;;
pfn_demo:*:refuse) expect=(demo-refuse) ;;
follow_pfn:uml-strict:) expect=(mmu-refuse strict) ;;
follow_pfn:uml-strict:warn) expect=(mmu-refuse strict strict-warn) ;;
follow_pfn:riscv64-nommu:) expect=(nommu-warn) ;;
follow_pfn:riscv64-nommu:refuse) expect=(nommu-refuse) ;;
follow_pfn:*:) expect=(mmu-warn) ;;
follow_pfn:*:report) expect=(mmu-report) ;;
follow_pfn:*:refuse) expect=(mmu-refuse) ;;
follow_pfn:*:bogus) expect=(mmu-warn bogus) ;;
esac
case $suite:$kernel in
follow_pfn:x86_64) expect+=(trace-on) ;;
follow_pfn:*) expect+=(trace-off) ;;
esac
[ "$kernel" = x86_64-debug ] && expect+=(debug)
expect=("${expect[@]/#/$TOP/configs/expect/}")

# Linux 6.12 (KVER=6.12): its own table (see the top of this file).
only=
if [ "$KVER" != 6.1 ]; then
	suite=follow_pfnmap
	case $run in
	uml-warn|uml-report|uml-refuse)
		expect=("$KVER-mmu-${mode:-warn}" "$KVER-pmd-off" "$KVER-trace-off") ;;
	uml-bogus)
		expect=("$KVER-mmu-warn" bogus "$KVER-pmd-off" "$KVER-trace-off") ;;
	uml-strict)
		expect=("$KVER-mmu-refuse" strict "$KVER-pmd-off" "$KVER-trace-off") ;;
	uml-strict-warn)
		expect=("$KVER-mmu-refuse" strict strict-warn "$KVER-pmd-off"
			"$KVER-trace-off") ;;
	x86_64-warn|x86_64-refuse)
		expect=("$KVER-mmu-${mode:-warn}" "$KVER-pmd-on" "$KVER-trace-on") ;;
	x86_64-debug-strict)
		expect=("$KVER-mmu-refuse" strict "$KVER-pmd-on" "$KVER-trace-on" debug) ;;
	riscv64-nommu-refuse)
		suite=example only=example.example_simple_test expect=("$KVER-nommu") ;;
	demo-uml-warn|demo-uml-refuse)
		suite=pfn_demo expect=("$KVER-demo-${mode:-warn}") ;;
	demo-x86_64-debug-refuse)
		suite=pfn_demo expect=("$KVER-demo-refuse" debug) ;;
	bench-uml|bench-x86_64)
		suite=follow_pfn_bench expect=("$KVER-bench") ;;
	*) echo "kunit.sh: no run '$run' for Linux $KVER" >&2; exit 2 ;;
	esac
	expect=("${expect[@]/#/$TOP/configs/expect/}")
fi

out=$BUILD/kunit/$kernel
logs=$out/runs/${BUILD_ONLY:+build-}$run
mkdir -p "$out"
rm -rf "$logs"	# judge this run's logs, or none
mkdir -p "$logs"
kunit() { # SUBCOMMAND ARGS...: kunit.py in the tree, on this kernel's build
	local sub=$1
	shift
	(cd "$src" && python3 tools/testing/kunit/kunit.py "$sub" \
		--build_dir="$out" "${args[@]}" "$@")
}
# What the kernel is built from: the tree (HEAD and any change to it),
# the build's arguments and the configuration fragments they name.
stamp() {
	{
		printf '%s\n' "$KVER" "$cc" "$w1" "${args[@]}"
		cat "$TOP"/configs/kunit/*.kunitconfig "$TOP"/configs/qemu/*
		git -C "$src" rev-parse HEAD
		git -C "$src" diff HEAD
	} | sha256sum | cut -d' ' -f1
}
say "kunit $run"
rc=0
# One build at a time in a build directory (check.sh builds ahead in the
# background); whoever comes second finds the stamp.
exec 9> "$out/.lock"
flock 9
want=$(stamp)
if [ "$(cat "$out/.pfnguard-stamp" 2>/dev/null)" = "$want" ]; then
	echo "kernel $kernel: already built from this tree ($out)" > "$logs/kunit.out"
else
	rm -f "$out/.pfnguard-stamp"
	# A kernel that differs from its seed by one option (the strict one)
	# starts, in a new build directory, as a copy of the seed's: kbuild
	# (fixdep's per-option dependencies) then rebuilds only what that
	# option changes, instead of every object again.
	from=$BUILD/kunit/$seed
	if [ -n "$seed" ] && [ ! -f "$out/.config" ] && [ -f "$from/.config" ]; then
		exec 8>> "$from/.lock"
		flock -s 8
		find "$from" -mindepth 1 -maxdepth 1 ! -name runs ! -name .lock \
			! -name .pfnguard-stamp -exec cp -a -t "$out" {} +
		flock -u 8
		echo "kernel $kernel: build directory seeded from $from" > "$logs/seed.out"
	fi
	# Host programs (objtool, kconfig, fixdep) through ccache too: each
	# kernel's build directory builds its own.
	kunit build --make_options "CC=$cc" --make_options "HOSTCC=ccache gcc" \
		--jobs="$JOBS" > "$logs/kunit.out" 2>&1 || rc=$?
	if [ $rc -eq 0 ] && [ -n "$w1" ]; then
		# W=1 on the files the series touches; CONFIG_WERROR makes
		# any warning an error.
		(cd "$out" && rm -f $w1)
		make -C "$src" O="$out" $w1make CC="$cc" HOSTCC="ccache gcc" W=1 $w1 \
			>> "$logs/kunit.out" 2>&1 || rc=$?
	fi
	[ $rc -ne 0 ] || echo "$want" > "$out/.pfnguard-stamp"
fi
flock -u 9
if [ $rc -eq 0 ] && [ -n "${BUILD_ONLY:-}" ]; then
	exit 0	# the kernel is all the caller wanted (scripts/vfio.sh)
fi
if [ $rc -eq 0 ]; then
	# One boot per case (what kunit.py run --run_isolated=test does),
	# keeping each boot's log: a case's effect on the taint and the
	# log is then its own.
	kunit exec --timeout=600 "${kargs[@]}" --list_tests "$suite.*" \
		> "$logs/list.out" 2>&1 || rc=$?
	cases=$(grep -E "^$suite\.[a-z0-9_]+$" "$logs/list.out" || true)
	[ -z "$only" ] || cases=$(grep -xF "$only" <<<"$cases" || true)
	[ -n "$cases" ] || { echo "kunit.sh: no cases listed" >&2; rc=1; }
	for c in $cases; do
		kunit exec --timeout=600 "${kargs[@]}" "$c" >> "$logs/kunit.out" 2>&1 || rc=$?
		cp "$out/test.log" "$logs/${c#"$suite".}.log"
	done
fi
grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]|Testing complete|Elapsed' \
	"$logs/kunit.out" | sed 's/^\[[0-9:]*\] /    /' || true
if [ $rc -ne 0 ]; then
	echo "kunit.sh: kunit.py failed ($rc), see $logs/kunit.out" >&2
	tail -20 "$logs/kunit.out" >&2
	exit 1
fi
exec "$TOP/scripts/expect.sh" "$logs" "${expect[@]}"
