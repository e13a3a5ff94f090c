// SPDX-License-Identifier: GPL-2.0
/*
 * pfn_pin: a mediated device whose driver pins pages of its container's
 * IOVA space with vfio_pin_pages(), as the drivers of mediated devices
 * (i915's GVT-g, s390's vfio-ccw and vfio-ap) do to reach guest memory;
 * the mdev samples pin nothing.  A test of the VFIO scenario
 * (tests/vfio/vfio_pfn_dma.c), of no other use.
 *
 * Writing an IOVA, eight bytes at offset 0 of the device's fd, pins the
 * page there for reading and unpins it again: the write returns 8 if the
 * pin succeeded, or the pin's error.  One type, whose directory under
 * /sys/class/mdev_bus/pfn_pin/mdev_supported_types/ ends in "pin", one
 * instance at a time.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

struct pfn_pin_state {
	struct vfio_device vdev;
};

static struct device *pfn_pin_dev;
static struct mdev_parent pfn_pin_parent;

static ssize_t pfn_pin_write(struct vfio_device *vdev, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct page *page;
	u64 iova;
	int ret;

	if (*ppos || count != sizeof(iova))
		return -EINVAL;
	if (copy_from_user(&iova, buf, sizeof(iova)))
		return -EFAULT;
	ret = vfio_pin_pages(vdev, iova, 1, IOMMU_READ, &page);
	pr_info("pfn_pin: pin of IOVA 0x%llx: %d\n", iova, ret);
	if (ret < 0)
		return ret;
	vfio_unpin_pages(vdev, iova, 1);
	return count;
}

/* No page stays pinned past a write: nothing to let go of here. */
static void pfn_pin_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
}

static const struct vfio_device_ops pfn_pin_ops = {
	.name = "pfn-pin",
	.write = pfn_pin_write,
	.dma_unmap = pfn_pin_dma_unmap,
	/* What an emulated device gives iommufd (6.2 on). */
#if IS_ENABLED(CONFIG_IOMMUFD)
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#endif
};

static int pfn_pin_probe(struct mdev_device *mdev)
{
	struct pfn_pin_state *state;
	int ret;

	state = vfio_alloc_device(pfn_pin_state, vdev, &mdev->dev,
				  &pfn_pin_ops);
	if (IS_ERR(state))
		return PTR_ERR(state);
	ret = vfio_register_emulated_iommu_dev(&state->vdev);
	if (ret) {
		vfio_put_device(&state->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, state);
	return 0;
}

static void pfn_pin_remove(struct mdev_device *mdev)
{
	struct pfn_pin_state *state = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&state->vdev);
	vfio_put_device(&state->vdev);
}

static struct mdev_type pfn_pin_type = {
	.sysfs_name = "pin",
	.pretty_name = "pins one page per write",
};

static struct mdev_type *pfn_pin_types[] = {
	&pfn_pin_type,
};

static struct mdev_driver pfn_pin_driver = {
	.device_api = VFIO_DEVICE_API_PLATFORM_STRING,
	.max_instances = 1,
	.driver = {
		.name = "pfn_pin",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = pfn_pin_probe,
	.remove = pfn_pin_remove,
};

static int __init pfn_pin_init(void)
{
	int ret;

	ret = mdev_register_driver(&pfn_pin_driver);
	if (ret)
		return ret;
	pfn_pin_dev = root_device_register("pfn_pin");
	if (IS_ERR(pfn_pin_dev)) {
		ret = PTR_ERR(pfn_pin_dev);
		goto err_driver;
	}
	ret = mdev_register_parent(&pfn_pin_parent, pfn_pin_dev,
				   &pfn_pin_driver, pfn_pin_types,
				   ARRAY_SIZE(pfn_pin_types));
	if (ret)
		goto err_dev;
	return 0;

err_dev:
	root_device_unregister(pfn_pin_dev);
err_driver:
	mdev_unregister_driver(&pfn_pin_driver);
	return ret;
}

static void __exit pfn_pin_exit(void)
{
	mdev_unregister_parent(&pfn_pin_parent);
	root_device_unregister(pfn_pin_dev);
	mdev_unregister_driver(&pfn_pin_driver);
}

module_init(pfn_pin_init);
module_exit(pfn_pin_exit);
MODULE_DESCRIPTION("pfnguard test: an mdev that pins pages with vfio_pin_pages()");
MODULE_LICENSE("GPL");
