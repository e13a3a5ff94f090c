#!/bin/bash
# nvidia.sh NVSRC: build NVIDIA's open kernel driver against the patched
# x86_64 kernel of make check (KVER's) and say which PFN lookup nvidia.ko
# links to.
# NVSRC is a checkout of github.com/NVIDIA/open-gpu-kernel-modules (a
# release tag); it is not part of this repository.  Its kernel-independent
# part is built first if it is not yet (long: 15 minutes on 2 cores).
# MODULES limits the kernel modules built (default: all of them).
# Not part of make check: the driver does not come from Debian's packages.
set -euo pipefail
. "$(dirname "$0")/env.sh"

nv=$(cd "${1:?usage: nvidia.sh NVSRC}" && pwd)
src=$BUILD/check/linux
"$TOP/scripts/mktree.sh" "$src"
say "building the x86_64 kernel (scripts/kernel.sh; nothing to do if built)"
kb=$("$TOP/scripts/kernel.sh" "$src" x86_64 2> "$BUILD/nvidia-kernel.log") ||
	{ tail -n 20 "$BUILD/nvidia-kernel.log"; echo "nvidia: the kernel did not build" >&2; exit 1; }

log=$BUILD/nvidia-$(basename "$nv").log
say "building $(basename "$nv") against $kb (log: $log)"
rc=0
make -C "$nv" -j"$JOBS" modules SYSSRC="$src" SYSOUT="$kb" \
	${MODULES:+NV_KERNEL_MODULES="$MODULES"} > "$log" 2>&1 || rc=$?
grep -E 'undefined!|ERROR:' "$log" | sed 's/^/    /' || true
[ $rc -eq 0 ] || { echo "nvidia: build FAILED ($rc)"; exit 1; }
license() { # KO: its MODULE_LICENSE
	objcopy -O binary --only-section=.modinfo "$1" /dev/stdout |
		tr '\0' '\n' | sed -n 's/^license=//p'
}
for ko in "$nv"/kernel-open/*.ko; do
	echo "built: $(basename "$ko") (license $(license "$ko"))"
done
ko=$nv/kernel-open/nvidia.ko
syms=$(nm -u "$ko" | awk '{ print $2 }' | grep -E 'follow_p(fn|te)|follow_pfnmap' | xargs || true)
echo "nvidia.ko links to: ${syms:-no PFN lookup}"
# 6.1: its follow_pfn() is the unsafe_follow_pfn() macro, which calls
# __unsafe_follow_pfn().  6.12: the raw follow_pfnmap_start(), which the
# series polices for out-of-tree modules by where the call comes from.
case $KVER in
6.1) want=__unsafe_follow_pfn ;;
*) want="follow_pfnmap_end follow_pfnmap_start" ;;
esac
[ "$syms" = "$want" ] || { echo "nvidia: expected a link to: $want"; exit 1; }
