// SPDX-License-Identifier: GPL-2.0
/*
 * pfn_ram: /dev/pfn_ram, whose ->mmap() maps one page of ordinary RAM with
 * remap_pfn_range(): a VM_PFNMAP mapping of a refcounted page, as TTM and
 * GEM-shmem buffer objects are mapped.  vfio type1 refuses such memory
 * (EFAULT, before and after the series); the VFIO scenario's case
 * ram_pfnmap checks that the unsafe_follow_pfn policy never sees it.
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>

static struct page *pfn_ram_page;

static int pfn_ram_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_end - vma->vm_start != PAGE_SIZE || vma->vm_pgoff)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(pfn_ram_page),
			       PAGE_SIZE, vma->vm_page_prot);
}

static const struct file_operations pfn_ram_fops = {
	.owner = THIS_MODULE,
	.mmap = pfn_ram_mmap,
};

static struct miscdevice pfn_ram_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pfn_ram",
	.fops = &pfn_ram_fops,
};

static int __init pfn_ram_init(void)
{
	int ret;

	pfn_ram_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pfn_ram_page)
		return -ENOMEM;
	ret = misc_register(&pfn_ram_dev);
	if (ret)
		__free_page(pfn_ram_page);
	return ret;
}
module_init(pfn_ram_init);

static void __exit pfn_ram_exit(void)
{
	misc_deregister(&pfn_ram_dev);
	__free_page(pfn_ram_page);
}
module_exit(pfn_ram_exit);

MODULE_DESCRIPTION("pfnguard: ordinary RAM behind a VM_PFNMAP mapping");
MODULE_LICENSE("GPL");
