#!/bin/bash
# modlink.sh KBUILD symvers: KBUILD's Module.symvers exports
# __unsafe_follow_pfn, what the unsafe_follow_pfn() macro calls (to any
# module), and not follow_pfn.
# modlink.sh KBUILD LOOKUP LICENSE WANT: build tests/modules/pfn_lookup
# against the kernel build directory KBUILD, calling LOOKUP (follow_pfn,
# unsafe_follow_pfn or unsafe_follow_pte) under LICENSE (gpl or
# proprietary).  WANT is "builds", "gpl-only" (modpost refuses a
# GPL-only symbol to the module) or "policed" (the module builds, and
# the symbol it links to for the lookup is __unsafe_follow_pfn, not
# LOOKUP).
set -euo pipefail
. "$(dirname "$0")/env.sh"

kbuild=${1:?usage: modlink.sh KBUILD LOOKUP LICENSE WANT}
[ -f "$kbuild/Module.symvers" ] || { echo "modlink: no Module.symvers in $kbuild" >&2; exit 1; }
if [ "${2:?usage: modlink.sh KBUILD symvers|LOOKUP LICENSE WANT}" = symvers ]; then
	grep -P '\t(__)?(unsafe_)?follow_p(fn|te)(_end)?\t' "$kbuild/Module.symvers" || true
	grep -qP '\t__unsafe_follow_pfn\tvmlinux\tEXPORT_SYMBOL\t' "$kbuild/Module.symvers"
	! grep -qP '\tfollow_pfn\t' "$kbuild/Module.symvers"
	exit
fi
lookup=$2 license=${3:?} want=${4:?}

work=$BUILD/modlink/$lookup-$license
rm -rf "$work"
mkdir -p "$work"
cp "$TOP"/tests/modules/pfn_lookup/* "$work/"
flags=
case $lookup in
follow_pfn) flags+=" -DLOOKUP_FOLLOW_PFN" ;;
unsafe_follow_pte) flags+=" -DLOOKUP_UNSAFE_FOLLOW_PTE" ;;
unsafe_follow_pfn) ;;
*) echo "modlink: unknown LOOKUP $lookup" >&2; exit 2 ;;
esac
[ "$license" = proprietary ] && flags+=" -DLICENSE_PROPRIETARY"

rc=0
make -s -C "$kbuild" M="$work" KCFLAGS="$flags" modules > "$work/build.log" 2>&1 || rc=$?
sed 's/^/    /' "$work/build.log"
case $want in
builds)
	[ $rc -eq 0 ] && [ -f "$work/pfn_lookup.ko" ] ;;
gpl-only)
	[ $rc -ne 0 ] && grep -q "GPL-incompatible module pfn_lookup.ko uses GPL-only symbol '$lookup'" "$work/build.log" ;;
policed)
	[ $rc -eq 0 ] && [ -f "$work/pfn_lookup.ko" ] || exit 1
	syms=$(nm -u "$work/pfn_lookup.ko" | awk '{ print $2 }')
	echo "    undefined symbols of pfn_lookup.ko:" $syms
	grep -qx __unsafe_follow_pfn <<<"$syms" && ! grep -qx "$lookup" <<<"$syms" ;;
*)	echo "modlink: WANT must be builds, gpl-only or policed" >&2; exit 2 ;;
esac
