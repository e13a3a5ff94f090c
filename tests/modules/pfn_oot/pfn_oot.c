// SPDX-License-Identifier: GPL-2.0
/*
 * pfn_oot: a module built out of tree that looks a PFN up with the raw
 * lookup, follow_pfnmap_start() (follow_pte() before Linux 6.10), as
 * NVIDIA's open driver does.  Loading it runs one lookup in the loading
 * process: a file whose ->mmap() maps a page of the module's with
 * remap_pfn_range() is mapped into that process and looked up.  What the
 * lookup returned (0 for the right PFN, -EPERM if the unsafe_follow_pfn
 * policy refused it, -EIO for a wrong PFN) is the read-only parameter
 * "lookup" (/sys/module/NAME/parameters/lookup).  The module always
 * loads and has no exit: the file's last reference is dropped after
 * init returns, and its file_operations must outlive it.  pfn_intree.c
 * builds the same code tagged as in-tree.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/version.h>

static struct page *pfn_oot_page;
static int lookup = -ENODATA;
module_param(lookup, int, 0444);
MODULE_PARM_DESC(lookup, "what the raw PFN lookup at load time returned");

static int pfn_oot_mmap(struct file *file, struct vm_area_struct *vma)
{
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(pfn_oot_page),
			       PAGE_SIZE, vma->vm_page_prot);
}

static const struct file_operations pfn_oot_fops = {
	.owner = THIS_MODULE,
	.mmap = pfn_oot_mmap,
};

/* The raw lookup, as an out-of-tree driver calls it: the PFN is kept. */
static noinline int pfn_oot_lookup(struct mm_struct *mm, unsigned long addr,
				   unsigned long *pfn)
{
	struct vm_area_struct *vma;
	int ret = -ENXIO;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma) {
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
		struct follow_pfnmap_args args = { .vma = vma, .address = addr };

		ret = follow_pfnmap_start(&args);
		if (!ret) {
			*pfn = args.pfn;
			follow_pfnmap_end(&args);
		}
#else
		spinlock_t *ptl;
		pte_t *ptep;

		ret = follow_pte(mm, addr, &ptep, &ptl);
		if (!ret) {
			*pfn = pte_pfn(*ptep);
			pte_unmap_unlock(ptep, ptl);
		}
#endif
	}
	mmap_read_unlock(mm);
	return ret;
}

static int __init pfn_oot_init(void)
{
	unsigned long addr, pfn = 0;
	struct file *file;
	int ret;

	pfn_oot_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pfn_oot_page)
		return -ENOMEM;
	file = anon_inode_getfile("[pfn_oot]", &pfn_oot_fops, NULL, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out;
	}
	addr = vm_mmap(file, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       0);
	fput(file);
	if (IS_ERR_VALUE(addr)) {
		ret = addr;
		goto out;
	}
	ret = pfn_oot_lookup(current->mm, addr, &pfn);
	if (!ret && pfn != page_to_pfn(pfn_oot_page))
		ret = -EIO;
	vm_munmap(addr, PAGE_SIZE);
out:
	pr_info("pfnguard-oot: module=%s lookup=%d\n", KBUILD_MODNAME, ret);
	__free_page(pfn_oot_page);
	lookup = ret;
	return 0;
}
module_init(pfn_oot_init);

#ifdef PFN_OOT_INTREE
MODULE_INFO(intree, "Y");
#endif
MODULE_DESCRIPTION("pfnguard: an out-of-tree module's raw PFN lookup");
MODULE_LICENSE("GPL");
