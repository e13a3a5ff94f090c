// SPDX-License-Identifier: GPL-2.0
/*
 * An out-of-tree module that looks up a PFN the way a driver does.  The
 * check builds it in variants to show which modules may link to what:
 *
 *   -DLOOKUP_FOLLOW_PFN         call follow_pfn()
 *   -DLOOKUP_UNSAFE_FOLLOW_PTE  call unsafe_follow_pte(), keep the PFN
 *   (neither)                   call unsafe_follow_pfn()
 *   -DLICENSE_PROPRIETARY   declare a GPL-incompatible module license
 *
 * The proprietary variant stands for a third-party driver; the source
 * file itself is GPL-2.0 like the rest of pfnguard's test code.
 */
#include <linux/mm.h>
#include <linux/module.h>

int pfn_lookup(struct vm_area_struct *vma, unsigned long address,
	       unsigned long *pfn);

int pfn_lookup(struct vm_area_struct *vma, unsigned long address,
	       unsigned long *pfn)
{
#if defined(LOOKUP_FOLLOW_PFN)
	return follow_pfn(vma, address, pfn);
#elif defined(LOOKUP_UNSAFE_FOLLOW_PTE)
	spinlock_t *ptl;
	pte_t *ptep;
	int ret;

	ret = unsafe_follow_pte(vma->vm_mm, address, &ptep, &ptl);
	if (ret)
		return ret;
	*pfn = pte_pfn(*ptep);
	return unsafe_follow_pte_end(vma->vm_mm, address, ptep, ptl);
#else
	return unsafe_follow_pfn(vma, address, pfn);
#endif
}

#ifdef LICENSE_PROPRIETARY
MODULE_LICENSE("Proprietary");
#else
MODULE_LICENSE("GPL");
#endif
MODULE_DESCRIPTION("pfnguard: link test for follow_pfn and unsafe_follow_pfn");
