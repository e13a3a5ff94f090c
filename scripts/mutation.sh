#!/bin/bash
# mutation.sh: show that the tests catch a broken policy.  Each mutation
# changes one line of the patched check tree (the series itself is
# untouched), rebuilds and boots one KUnit run (or VFIO scenario run,
# scripts/vfio.sh), which must FAIL; the file is restored afterwards.
# Ends with "N passed, N failed", where a mutation that the tests catch
# counts as passed.  MATCH=regex runs only the mutations whose name
# matches it.  KVER=6.12 or KVER=7.2 mutates that series.
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$TOP/scripts/runs.sh"

src=$BUILD/check/linux
passed=0
failed=0

# name | run | file | a whole line of it | its replacement
case $KVER in
6.1)
	mutations=(
		"refuse mode hands out the PFN|x86_64-refuse|mm/util.c|	if (mode == UNSAFE_PFN_REFUSE) {|	if (0) {"
		"allowing modes do not taint|x86_64-warn|mm/util.c|		add_taint(TAINT_USER, LOCKDEP_STILL_OK);|		(void)0;"
		"warn mode warns on every use|x86_64-warn|mm/util.c|	if (mode == UNSAFE_PFN_WARN && unsafe_pfn_warn_once()) {|	if (mode == UNSAFE_PFN_WARN) {"
		"report mode warns|x86_64-report|mm/util.c|	if (mode == UNSAFE_PFN_WARN && unsafe_pfn_warn_once()) {|	if (mode <= UNSAFE_PFN_WARN && unsafe_pfn_warn_once()) {"
		"the policy judges before the lookup|x86_64-warn|mm/memory.c|	/* follow_pfn()'s lookup, not a call of it: one call level, as it. */|	ret = unsafe_pfn_judge(site, caller, vma->vm_mm, address, 0); if (ret) return ret;"
		"unsafe_follow_pfn() skips the policy|x86_64-warn|mm/memory.c|	ret = unsafe_pfn_keep(site, caller, vma->vm_mm, address, found);|	ret = 0;"
		"a kept PFN's caller is never named|x86_64-report|mm/util.c|	if (!ret && !READ_ONCE(site->named) && !xchg(&site->named, 1))|	if (0)"
		"a probe does not turn the fast path off|x86_64-report|mm/util.c|	static_branch_inc(&unsafe_pfn_judge_all);|	(void)0;"
		"the sysctl lets a weakening through|x86_64-warn|mm/util.c|	if (mode < unsafe_pfn_mode) {|	if (0) {"
		"the default is warn again|x86_64-report|mm/util.c|	IS_ENABLED(CONFIG_STRICT_FOLLOW_PFN) ? UNSAFE_PFN_REFUSE : UNSAFE_PFN_REPORT;|	IS_ENABLED(CONFIG_STRICT_FOLLOW_PFN) ? UNSAFE_PFN_REFUSE : UNSAFE_PFN_WARN;"
		"the sysctl takes a write at an offset|x86_64-report|mm/util.c|	if (*ppos)|	if (0)"
		"COW copies are handed out|x86_64-refuse|mm/memory.c|	if (vm_normal_page(vma, address, **ptepp)) {|	if (0) {"
		"NOMMU: refuse mode hands out the PFN|riscv64-nommu-refuse|mm/util.c|	if (mode == UNSAFE_PFN_REFUSE) {|	if (0) {"
		"vfio: the PFN it keeps is not judged|vfio-refuse|drivers/vfio/vfio_iommu_type1.c|	return unsafe_follow_pte_end(vma->vm_mm, vaddr, ptep, ptl);|	pte_unmap_unlock(ptep, ptl); return 0;"
		"vfio: ordinary RAM is kept|vfio-report|drivers/vfio/vfio_iommu_type1.c|	    !is_invalid_reserved_pfn(pte_pfn(*ptep))) {|	    0) {"
	) ;;
*)
	mutations=(
		"refuse mode hands out the PFN|x86_64-refuse|mm/util.c|	if (mode == UNSAFE_PFN_REFUSE) {|	if (0) {"
		"the boot parameter is not taken|x86_64-refuse|mm/util.c|		unsafe_pfn_mode = mode;|		(void)mode;"
		"allowing modes do not taint|x86_64-warn|mm/util.c|		add_taint(TAINT_USER, LOCKDEP_STILL_OK);|		(void)0;"
		"warn mode warns on every use|x86_64-warn|mm/util.c|	if (mode == UNSAFE_PFN_WARN && unsafe_pfn_warn_once()) {|	if (mode == UNSAFE_PFN_WARN) {"
		"report mode warns|x86_64-report|mm/util.c|	if (mode == UNSAFE_PFN_WARN && unsafe_pfn_warn_once()) {|	if (mode <= UNSAFE_PFN_WARN && unsafe_pfn_warn_once()) {"
		"a kept PFN's caller is never named|x86_64-report|mm/util.c|	if (!READ_ONCE(site->named) && !xchg(&site->named, 1))|	if (0)"
		"a probe does not turn the fast path off|x86_64-report|mm/util.c|	unsafe_pfn_clear_fast();|	(void)0;"
		"a stricter mode leaves named sites fast|x86_64-report|mm/util.c|		unsafe_pfn_clear_fast();|		(void)0;"
		"the sysctl lets a weakening through|x86_64-warn|mm/util.c|	if (mode < unsafe_pfn_mode) {|	if (0) {"
		"the default is warn again|x86_64-report|mm/util.c|	IS_ENABLED(CONFIG_STRICT_FOLLOW_PFN) ? UNSAFE_PFN_REFUSE : UNSAFE_PFN_REPORT;|	IS_ENABLED(CONFIG_STRICT_FOLLOW_PFN) ? UNSAFE_PFN_REFUSE : UNSAFE_PFN_WARN;"
		"the sysctl takes a write at an offset|x86_64-report|mm/util.c|	if (*ppos)|	if (0)"
		"COW copies are handed out|x86_64-warn|mm/memory.c|	if (pfn_only && !pte_special(pte) && vm_normal_page(vma, address, pte))|	if (0)"
		"the normal-page filter skips copy-on-write mappings|x86_64-warn|mm/memory.c|	return follow_pfnmap_start_pfn_only(args);|	return __follow_pfnmap_start(args, false, false);"
		"a failed lookup writes the caller's args|x86_64-refuse|mm/memory.c|	if (pfn_only && !pte_special(pte) && vm_normal_page(vma, address, pte))|	if (pfn_only && !pte_special(pte) && vm_normal_page(vma, address, pte) && (args->pfn = 0, 1))"
		"the policed lookup misses PMD-level entries|x86_64-warn|mm/memory.c|		pfnmap_args_setup(args, lock, NULL, pmd_pgprot(pmd),|		if (flags_checked) { spin_unlock(lock); goto out; } pfnmap_args_setup(args, lock, NULL, pmd_pgprot(pmd),"
		"a refusal fires no event|x86_64-refuse|mm/util.c|		trace_unsafe_pfn_lookup(api, caller, mm, address, pfn, -EPERM,|		if (0) trace_unsafe_pfn_lookup(api, caller, mm, address, pfn, -EPERM,"
		"vfio: ordinary RAM is kept|vfio-report|drivers/vfio/vfio_iommu_type1.c|	    !is_invalid_reserved_pfn(args.pfn)) {|	    0) {"
	)
	# vfio's verdict: 6.12 returns it, 7.2 (which names iommufd on a
	# refusal) keeps it first.
	if [ "$KVER" = 6.12 ]; then
		mutations+=("vfio: the PFN it keeps is not judged|vfio-refuse|drivers/vfio/vfio_iommu_type1.c|	return unsafe_follow_pfnmap_end(&args);|	follow_pfnmap_end(&args); return 0;")
	else
		mutations+=("vfio: the PFN it keeps is not judged|vfio-refuse|drivers/vfio/vfio_iommu_type1.c|	ret = unsafe_follow_pfnmap_end(&args);|	follow_pfnmap_end(&args); ret = 0;")
	fi
	# vfio type1's revocation (6.12, 7.2)
	mutations+=(
		"revoke: the notifier does not unmap|vfio-revoke|drivers/vfio/vfio_iommu_type1.c|	vfio_pfnmap_unmap(iommu, dma);	/* all domains, IOTLB flushed */|	(void)0;"
		"revoke: the IOTLB is not flushed|vfio-revoke|drivers/vfio/vfio_iommu_type1.c|	iommu_iotlb_sync(domain, &gather);|	(void)gather;"
		"revoke: the replay resurrects a revoked range|vfio-revoke|drivers/vfio/vfio_iommu_type1.c|	if (dma->pfnmap_state == VFIO_PFNMAP_REVOKED) {|	if (0) {"
		"revoke: an mdev driver pins a tracked range|vfio-revoke|drivers/vfio/vfio_iommu_type1.c|		/* Its notifier cannot call the mdev driver back: no pins. */|		if (0)"
	) ;;
esac

"$TOP/scripts/mktree.sh" "$src"
mkdir -p "$BUILD/mutation"
for m in "${mutations[@]}"; do
	IFS='|' read -r name run file from to <<<"$m"
	# MATCH=regex runs only the mutations whose name matches.
	[[ $name =~ ${MATCH:-.} ]] || continue
	# The lines go through the environment: awk -v would expand "\n".
	export FROM=$from TO=$to
	n=$(awk '$0 == ENVIRON["FROM"] { n++ } END { print n + 0 }' "$src/$file")
	if [ "$n" -ne 1 ]; then
		echo "mutation '$name': the line is in $file $n times, not once" >&2
		failed=$((failed + 1))
		continue
	fi
	awk '$0 == ENVIRON["FROM"] { $0 = ENVIRON["TO"] } { print }' \
		"$src/$file" > "$src/$file.mut" && mv "$src/$file.mut" "$src/$file"
	say "mutation: $name ($run)"
	log=$BUILD/mutation/$(printf '%s' "$name" | tr -c 'a-zA-Z0-9_.-' '_').log
	run_row "$run" || { echo "mutation: no run $run (configs/runs)" >&2; exit 2; }
	script=kunit.sh
	[ "$run_tests" != vfio ] || script=vfio.sh
	if "$TOP/scripts/$script" "$src" "$run" > "$log" 2>&1; then
		echo "NOT CAUGHT: $name"
		failed=$((failed + 1))
	elif grep -qE 'FAIL:|\[FAILED\]' "$log"; then
		grep -E 'FAIL:|\[FAILED\]' "$log" | head -5 | sed 's/^/    /'
		echo "caught: $name"
		passed=$((passed + 1))
	else
		# A mutant that does not build or boot proves nothing.
		echo "BROKEN (no test ran; see $log): $name"
		failed=$((failed + 1))
	fi
	git -C "$src" checkout -q -- "$file"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
