#!/bin/bash
# demo.sh: first the real interface: the VFIO scenario (scripts/vfio.sh)
# on the patched x86_64 kernel under QEMU, in mode report (the default) and
# with unsafe_follow_pfn=refuse, reported from that run's logs: what a
# device's DMA through a stale IOVA did to the BAR's new owner; and where
# the series makes vfio type1 revoke such mappings (7.2), the same with
# revocation on: mapped in mode refuse, revoked when the BAR changes
# hands, the device's DMA faulting at the IOMMU.  Then the
# staged half: the x86_64 kernel's pfn_demo KUnit suite
# (mm/follow_pfn_demo_kunit.c) in modes warn and refuse: what a kept PFN did to a
# tmpfs file, what unsafe_follow_pfn() said, and how the mmu_notifier
# pattern fared.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$BUILD/check/linux
rel=${BUILD#"$TOP"/}	# build/, or build/6.12/ for KVER=6.12
# The policed lookup the demonstration's consumer calls, per version.
case $KVER in
6.1) api=unsafe_follow_pfn ;;
*) api=unsafe_follow_pfnmap_start ;;
esac
"$TOP/scripts/mktree.sh" "$src"
bad=0

# The real interface: VFIO type1, an IOMMU, a device's DMA.
vlog() { # MODE CASE: that boot's log
	tr -d '\r' < "$BUILD/kunit/x86_64/runs/vfio-$1/boots/$2.log" 2>/dev/null || true
}
step() { # MODE CASE STEP KEY: KEY's value on the case's line for STEP
	vlog "$1" "$2" | grep -m1 "pfnguard-vfio: case=$2 step=$3 " |
		sed -nE "s/.* $4=(\([^)]*\)|[^ ]*).*/\1/p"
}
vfio() { # MODE
	local m=$1 c=stale_iova_new_owner
	say "booting the VFIO scenario, mode $m (x86_64 under QEMU; the build takes minutes)"
	VFIO_CASES=$c "$TOP/scripts/vfio.sh" "$src" "vfio-$m" > "$BUILD/demo-vfio-$m.log" 2>&1 ||
		{ tail -n 20 "$BUILD/demo-vfio-$m.log"; bad=1; }
	echo
	echo "== VFIO, mode $m: a process maps an ivshmem BAR (sysfs resource2) for its device's DMA"
	[ -n "$(step "$m" $c map_bar ret)" ] || { echo "   no output: see $rel/kunit/x86_64/runs/vfio-$m/"; return; }
	echo "   VFIO_IOMMU_MAP_DMA  ret=$(step "$m" $c map_bar ret) $(step "$m" $c map_bar iova | sed 's/^/iova /') $(vlog "$m" $c | grep -m1 -o 'step=map_bar.*' | sed -nE 's/.*\((.*)\)$/(\1)/p')"
	echo "   kernel said:"
	vlog "$m" $c | grep -E 'unsafe_follow_p[a-z_]*: |WARNING: ' | sed 's/^/     /'
	echo "   process munmaps its view; DMA through the IOVA then put" \
		"$(step "$m" $c dma_after_munmap bytes_in_bar) of 64 bytes in the BAR"
	echo "   new owner: ivshmem bound to vfio-pci, BAR2 mmapped by another container" \
		"and filled ($(step "$m" $c new_owner owner_bytes) bytes); the old view: $(step "$m" $c new_owner old_view)"
	echo "   edu DMA, 4096 bytes through the old IOVA:" \
		"new owner's bytes intact before $(step "$m" $c stale_dma owner_bytes_before)," \
		"after $(step "$m" $c stale_dma owner_bytes_after);" \
		"overwritten $(step "$m" $c stale_dma overwritten); taint U=$(step "$m" $c stale_dma taint_user)"
	if [ "$(step "$m" $c stale_dma overwritten)" = 4096 ]; then
		echo "   => USE-AFTER-FREE: the device wrote into memory the BAR's new owner holds"
	fi
	vlog "$m" $c | grep -m1 'DMAR: \[DMA Write' | sed 's/^/   IOMMU: /' || true
	echo "   test case $c: $(vlog "$m" $c | grep -m1 -oE "^(not )?ok [0-9]+ vfio\.$c$" || echo "no result")" \
		"(its log: $rel/kunit/x86_64/runs/vfio-$m/boots/$c.log; make check boots all cases)"
}
vfio report
vfio refuse
# Where the series makes vfio type1 revoke (7.2): the third behaviour.
revoke() {
	local c=revoke_new_owner b=revoke_bar_map
	say "booting the VFIO scenario with vfio type1's revocation, mode refuse"
	VFIO_CASES="$b $c" "$TOP/scripts/vfio.sh" "$src" vfio-revoke > "$BUILD/demo-vfio-revoke.log" 2>&1 ||
		{ tail -n 20 "$BUILD/demo-vfio-revoke.log"; bad=1; }
	echo
	echo "== VFIO, revocation on (vfio_iommu_type1.pfnmap_revoke=1) and mode refuse: the same BAR, the same stale IOVA"
	[ -n "$(step revoke $b map_bar ret)" ] || { echo "   no output: see $rel/kunit/x86_64/runs/vfio-revoke/"; return; }
	echo "   VFIO_IOMMU_MAP_DMA  ret=$(step revoke $b map_bar ret) in mode refuse (QEMU's peer-to-peer mapping works);" \
		"taint U=$(step revoke $b map_bar taint_user), policy lines $(step revoke $b map_bar policy_lines)," \
		"GET_INFO revocation cap $(step revoke $b map_bar revoke_cap)"
	echo "   device DMA to the BAR through the IOVA lands: $(step revoke $b dma_to_bar lands)"
	echo "   new owner: ivshmem bound to vfio-pci, BAR2 mmapped by another container" \
		"and filled; the old view: $(step revoke $c new_owner old_view)"
	vlog revoke $c | grep -m1 'revoked (' | sed 's/^/   kernel said: /' || true
	echo "   edu DMA, 4096 bytes through the old IOVA: faulted;" \
		"new owner's bytes intact: $(step revoke $c stale_write owner_bytes_after) of 4096"
	vlog revoke $c | grep -m1 'DMAR: \[DMA Write' | sed 's/^/   IOMMU: /' || true
	echo "   edu DMA read from the old IOVA: faulted; new owner's bytes leaked:" \
		"$(step revoke $c stale_read owner_bytes_leaked)"
	for t in $b $c; do
		echo "   test case $t: $(vlog revoke $t | grep -m1 -oE "^(not )?ok [0-9]+ vfio\.$t$" || echo "no result")"
	done
	echo "   (their logs: $rel/kunit/x86_64/runs/vfio-revoke/boots/; make check boots all revoke_* cases)"
}
if grep -q pfnmap_revoke "$src/drivers/vfio/vfio_iommu_type1.c"; then
	revoke
fi
echo

# The staged half, in the same x86_64 kernel.
# The demonstration calls the allowing mode (warn, which shows the WARN
# too) "default" and refuse "strict": the names of its KUnit cases.
mode() { if [ "$1" = default ]; then echo warn; else echo refuse; fi; }
run() { # POLICY: boot the run demo-x86_64-MODE
	say "booting demo-x86_64-$(mode "$1")"
	"$TOP/scripts/kunit.sh" "$src" "demo-x86_64-$(mode "$1")" > "$BUILD/demo-$1.log" 2>&1 ||
		{ tail -n 20 "$BUILD/demo-$1.log"; bad=1; }
}
run default
run strict

log() { # POLICY: that run's kernel logs, one boot per case
	local d=$BUILD/kunit/x86_64/runs/demo-x86_64-$(mode "$1")/boots
	if compgen -G "$d/*.log" > /dev/null; then cat "$d"/*.log | tr -d '\r'; fi
}
# val POLICY WHAT KEY: KEY's value on the log line "pfnguard-demo: WHAT ..."
val() {
	log "$1" | grep -m1 "pfnguard-demo: $2 " |
		sed -nE "s/.* $3=(\"[^\"]*\"|[^ ]*).*/\1/p"
}
result() { log "$1" | sed -nE "s/^[[:space:]]*((not )?ok [0-9]+ $2( .*)?)$/\1/p"; }

hazard() { # POLICY
	local p=$1
	v() { val "$p" "$p step=$1" "$2"; }
	[ -n "$(v lookup ret)" ] || { echo "   no demo output: see $rel/kunit/x86_64/runs/demo-x86_64-$(mode "$p")/"; return; }
	echo "   consumer  $api() returned $(v lookup ret), pfn $(v lookup pfn)" \
		"(the buffer is pfn $(v lookup buffer_pfn)); TAINT_USER $(v lookup taint_user)"
	echo "   exporter  moved the buffer to pfn $(v move new_pfn), freed pfn $(v move old_pfn)"
	if [ "$(v move reused)" = 1 ]; then
		echo "   [staged]  a tmpfs file written next got the freed page (pfn $(v move file_pfn))"
	else
		echo "   [staged]  the freed page was NOT reused by the file this time" \
			"(the file got pfn $(v move file_pfn)): nothing to corrupt"
	fi
	if [ -n "$(v write bytes)" ]; then
		echo "   consumer  wrote $(v write bytes) bytes through pfn $(v write pfn), as its DMA would"
	elif [ "$(v write skipped)" = no_pfn ]; then
		echo "   consumer  wrote nothing: it has no PFN"
	else
		echo "   consumer  wrote nothing: the page is not the file's, and may be free"
	fi
	if [ "$(v readback changed)" = 0 ]; then
		echo "   file      unchanged"
	else
		echo "   file      CORRUPTED: $(v readback changed) bytes changed at offset $(v readback first)"
		echo "               was $(v readback was)"
		echo "               now $(v readback now)"
	fi
	echo "   KUnit     $(result "$p" "pfn_demo_unsafe_$p")"
}

safe() { # POLICY
	s() { val "$1" safe "$2"; }
	[ -n "$(s "$1" moves)" ] || { echo "   $1: no demo output"; return; }
	echo "   $(mode "$1") boot: $(s "$1" moves) moves, $(s "$1" invalidations) invalidations seen;" \
		"$(s "$1" handoffs) moves under an unchecked PFN, $(s "$1" retries) retries," \
		"$(s "$1" caught) stale PFNs caught; $(s "$1" accesses) accesses, $(s "$1" stale) stale"
	echo "      KUnit $(result "$1" pfn_demo_safe_notifier)"
}

echo
echo "== boot with unsafe_follow_pfn=warn"
hazard default
echo "   warning   $(log default | grep -c 'keeps PFNs of a user mapping') per boot, from $api() itself:"
log default | grep -m1 -B1 'keeps PFNs of a user mapping' | sed 's/^/               /' || true
echo
echo "== boot with unsafe_follow_pfn=refuse"
hazard strict
echo "   refusal   $(log strict | grep -c "$api: refused for") log line(s):"
log strict | grep -m1 "$api: refused for" | sed 's/^/               /' || true
echo
echo "== safe pattern: mmu_interval_notifier vs a thread moving the buffer"
safe default
safe strict
cat <<TXT

Staged: the exporter (a PFN mapping filled by vmf_insert_pfn(), moved with
zap_vma_ptes()), the consumer, and the reuse of the freed page by a tmpfs
file (an order-0 page just freed is usually the next one handed out; the
test checks and says when it was not).  Real: page tables, zap, page
allocator and page cache, $api()'s warning, taint and
refusal, the mmu_interval_notifier and, for the safe pattern, the race:
half of the moves are made while the consumer holds a PFN it has not
yet checked, and each of those must be caught.
Full logs: $rel/kunit/x86_64/runs/demo-x86_64-{warn,refuse}/
TXT

echo "Expectations (configs/expect/*demo-*): $(cat "$BUILD"/demo-{default,strict}.log | grep -c 'FAIL:' || true) failed."
if [ "$bad" -ne 0 ]; then echo "demo: FAILED"; exit 1; fi
echo "demo: OK"
