// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pfn_dma: the stale PFN hazard through VFIO type1, the interface a
 * VMM uses, and what unsafe_follow_pfn's policy does about it.
 *
 * Runs as init's child in a QEMU guest (scripts/vfio.sh) with an emulated
 * Intel IOMMU, two "edu" devices (a DMA engine with a 4 KiB buffer at
 * 0x40000) and an "ivshmem-plain" device whose BAR2 is the memory a BAR
 * mapping points at.  VFIO_IOMMU_MAP_DMA of a VM_PFNMAP mapping goes
 * through vaddr_get_pfns() -> follow_fault_pfn(), the lookup the series
 * polices; anonymous memory is pinned instead and must see nothing new.
 *
 * Each test case expects what the mode in /proc/sys/vm/unsafe_follow_pfn
 * allows: "warn" and "report" let the lookup through (and taint the
 * kernel), "refuse" refuses it with EPERM.  With PFNGUARD_TEST=NAME in the
 * environment only case NAME runs, so that a boot's taint and log are that
 * case's own.  Every step prints one "# pfnguard-vfio: case=... step=..."
 * line.
 *
 * Where vfio type1 revokes DMA mappings of PFN-mapped memory
 * (vfio_iommu_type1.pfnmap_revoke=1) the cases named revoke_* run instead
 * of the policy's: the lookup is not judged, and the mapping is unmapped
 * from the IOMMU when the memory goes away.  anon_ram and ram_pfnmap run
 * either way.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"

#define PAGE		4096
#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define IVSHMEM_VENDOR	0x1af4
#define IVSHMEM_DEVICE	0x1110

/* edu registers in BAR0, and its DMA buffer as the device addresses it */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_DMA_TO_RAM	0x2
#define EDU_BUF		0x40000
#define EDU_XFER	2048

/* IOVAs, below the edu's 28-bit DMA mask */
#define IOVA_RAM	0x100000UL	/* two anonymous pages */
#define IOVA_BAR	0x200000UL	/* one page of ivshmem's BAR2 */
#define IOVA_BAR_LATE	0x300000UL
#define IOVA_REGION	0x400000UL	/* one page of a vfio BAR mapping */
#define IOVA_HUGE	0x800000UL	/* 2 MiB of a vfio BAR mapping */
#define HUGE		0x200000UL

#define MDEV_UUID	"6b1f4c2e-9d3a-4f0e-8c55-1d2e3f405162"

#define STEP(fmt, ...) \
	ksft_print_msg("pfnguard-vfio: case=%s " fmt "\n", _metadata->name, \
		       ##__VA_ARGS__)

struct vdev {
	char bdf[16];
	int group;
	int fd;
	uint64_t cfg;		/* config space region offset */
	uint64_t bar[6];	/* BAR region offsets */
	uint64_t bar_size[6];
};

FIXTURE(vfio) {
	char edu[2][16];
	char ivshmem[16];
	char mode[16];
	bool refuse;
	bool revoke;		/* vfio_iommu_type1.pfnmap_revoke */
	int kmsg;
	char log[65536];
	size_t loglen;
	int container[3];
	struct vdev dev[3];	/* edu0, edu1, ivshmem */
	void *ram;		/* two pages, mapped at IOVA_RAM */
	void *view;		/* a page of ivshmem's BAR2 through sysfs */
	void *region;		/* a page of ivshmem's BAR2 through vfio-pci */
	void *huge;		/* more of it (revoke_huge_split) */
	size_t huge_len;
	bool ivshmem_claimed;
	bool mdev_created;
};

static int sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* The BDF of the @nth (by address, from 0) PCI device with these IDs. */
static int find_pci(unsigned int vendor, unsigned int device, int nth,
		    char bdf[16])
{
	char path[PATH_MAX], val[32];
	struct dirent **e;
	int i, n, ret = -ENODEV;

	n = scandir("/sys/bus/pci/devices", &e, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		const char *name = e[i]->d_name;

		if (name[0] == '.' || strlen(name) >= 16)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 name);
		if (sysfs_read(path, val, sizeof(val)) ||
		    strtoul(val, NULL, 0) != vendor)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 name);
		if (sysfs_read(path, val, sizeof(val)) ||
		    strtoul(val, NULL, 0) != device)
			continue;
		if (ret && nth-- == 0) {
			strcpy(bdf, name);
			ret = 0;
		}
	}
	for (i = 0; i < n; i++)
		free(e[i]);
	free(e);
	return ret;
}

static const char *driver_of(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return "";
	buf[n] = '\0';
	return strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
}

/* Give the device to vfio-pci (a new owner, for ivshmem). */
static int bind_vfio(const char *bdf)
{
	char path[PATH_MAX], buf[PATH_MAX];
	int ret;

	if (!strcmp(driver_of(bdf, buf, sizeof(buf)), "vfio-pci"))
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	ret = sysfs_write(path, "vfio-pci");
	if (ret)
		return ret;
	ret = sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	if (ret)
		return ret;
	return strcmp(driver_of(bdf, buf, sizeof(buf)), "vfio-pci") ? -ENODEV : 0;
}

static void unbind_vfio(const char *bdf)
{
	char path[PATH_MAX];

	sysfs_write("/sys/bus/pci/drivers/vfio-pci/unbind", bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	sysfs_write(path, "\n");
}

static int group_of(const char *devpath)
{
	char path[PATH_MAX], buf[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/iommu_group", devpath);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return atoi(strrchr(buf, '/') + 1);
}

static int new_container(void)
{
	int fd = open("/dev/vfio/vfio", O_RDWR);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1) {
		close(fd);
		return -ENOTSUP;
	}
	return fd;
}

/*
 * Open the IOMMU group of the device at sysfs path @devpath and attach it
 * to @container, setting the type1 IOMMU if the container has none yet.
 * Returns the group fd or -errno (of VFIO_GROUP_SET_CONTAINER, say).
 */
static int attach_group(int container, const char *devpath, bool set_iommu)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[64];
	int group, fd, ret;

	group = group_of(devpath);
	if (group < 0)
		return group;
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	ret = -ENODEV;
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		goto err;
	ret = ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container) ? -errno : 0;
	if (!ret && set_iommu)
		ret = ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) ?
			-errno : 0;
	if (ret)
		goto err;
	return fd;
err:
	close(fd);
	return ret;
}

/* Get the device fd of @bdf from its open group, and its regions. */
static int get_device(struct vdev *d, const char *bdf)
{
	int i;

	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0)
		return -errno;
	for (i = 0; i <= VFIO_PCI_CONFIG_REGION_INDEX; i++) {
		struct vfio_region_info r = { .argsz = sizeof(r), .index = i };

		if (ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &r))
			return -errno;
		if (i == VFIO_PCI_CONFIG_REGION_INDEX) {
			d->cfg = r.offset;
		} else if (i < 6) {
			d->bar[i] = r.offset;
			d->bar_size[i] = r.size;
		}
	}
	return 0;
}

static int open_device(struct vdev *d, int container, const char *bdf,
		       bool set_iommu)
{
	char devpath[PATH_MAX];

	snprintf(devpath, sizeof(devpath), "/sys/bus/pci/devices/%s", bdf);
	d->group = attach_group(container, devpath, set_iommu);
	if (d->group < 0)
		return d->group;
	return get_device(d, bdf);
}

static void close_device(struct vdev *d)
{
	if (d->fd > 0)
		close(d->fd);
	if (d->group > 0)
		close(d->group);
	d->fd = 0;
	d->group = 0;
}

/* vfio enables memory decoding but not bus mastering. */
static int enable_dma(struct vdev *d)
{
	uint16_t cmd;

	if (pread(d->fd, &cmd, 2, d->cfg + PCI_COMMAND) != 2)
		return -EIO;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	return pwrite(d->fd, &cmd, 2, d->cfg + PCI_COMMAND) == 2 ? 0 : -EIO;
}

static int edu_write(struct vdev *d, uint32_t reg, uint32_t val)
{
	return pwrite(d->fd, &val, 4, d->bar[0] + reg) == 4 ? 0 : -EIO;
}

/*
 * An edu DMA of @len bytes between its buffer and @iova, to RAM (the
 * device writes @iova) or from it, in transfers of at most EDU_XFER bytes,
 * each from or to the start of the buffer: byte i of the range is byte
 * i % EDU_XFER of the buffer.  (QEMU 7.2's edu kills the VM on a transfer
 * that reaches the last byte of its 4 KiB buffer.)  Returns 0 once the
 * engine is idle.  A transfer the IOMMU faults still completes, as far as
 * edu knows.
 */
/* Start one edu transfer of @n <= EDU_XFER bytes; edu runs it 100 ms on. */
static int edu_dma_start(struct vdev *d, uint64_t iova, uint32_t n,
			 bool to_ram)
{
	uint32_t cmd = EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0);

	if (edu_write(d, EDU_DMA_SRC, to_ram ? EDU_BUF : iova) ||
	    edu_write(d, EDU_DMA_DST, to_ram ? iova : EDU_BUF) ||
	    edu_write(d, EDU_DMA_CNT, n) || edu_write(d, EDU_DMA_CMD, cmd))
		return -EIO;
	return 0;
}

/* 1 while the transfer runs, 0 once done, or -errno. */
static int edu_dma_running(struct vdev *d)
{
	uint32_t cmd;

	if (pread(d->fd, &cmd, 4, d->bar[0] + EDU_DMA_CMD) != 4)
		return -EIO;
	return cmd & EDU_DMA_RUN;
}

static int edu_dma_wait(struct vdev *d)
{
	int i, ret;

	for (i = 0; i < 5000; i++) {
		ret = edu_dma_running(d);
		if (ret <= 0)
			return ret;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

static int edu_dma(struct vdev *d, uint64_t iova, uint32_t len, bool to_ram)
{
	uint32_t off, n;
	int ret;

	for (off = 0; off < len; off += n) {
		n = len - off < EDU_XFER ? len - off : EDU_XFER;
		ret = edu_dma_start(d, iova + off, n, to_ram);
		if (!ret)
			ret = edu_dma_wait(d);
		if (ret)
			return ret;
	}
	return 0;
}

static int map_dma(int container, void *vaddr, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &m) ? -errno : 0;
}

/* Returns the bytes unmapped, or -errno. */
static long long unmap_dma(int container, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u),
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_UNMAP_DMA, &u) ? -errno : (long long)u.size;
}

#ifndef VFIO_IOMMU_TYPE1_INFO_CAP_PFNMAP_REVOKE
#define VFIO_IOMMU_TYPE1_INFO_CAP_PFNMAP_REVOKE 4
#endif

/* Does VFIO_IOMMU_GET_INFO of @container report the revocation cap? */
static bool info_has_revoke(int container)
{
	union {
		struct vfio_iommu_type1_info info;
		char buf[4096];
	} u = { .info.argsz = sizeof(u) };
	uint32_t off;

	if (ioctl(container, VFIO_IOMMU_GET_INFO, &u.info) ||
	    !(u.info.flags & VFIO_IOMMU_INFO_CAPS))
		return false;
	for (off = u.info.cap_offset; off && off + 8 <= sizeof(u);) {
		struct vfio_info_cap_header *h = (void *)(u.buf + off);

		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_PFNMAP_REVOKE)
			return true;
		off = h->next;
	}
	return false;
}

static bool tainted_user(void)
{
	char buf[32];

	if (sysfs_read("/proc/sys/kernel/tainted", buf, sizeof(buf)))
		return false;
	return strtoul(buf, NULL, 10) & (1UL << 6);	/* TAINT_USER, 'U' */
}

/* How many kernel log lines since the case began contain @text. */
static int kmsg_count(FIXTURE_DATA(vfio) *self, const char *text)
{
	char rec[2048];
	const char *p;
	ssize_t n;
	int count = 0;

	while ((n = read(self->kmsg, rec, sizeof(rec) - 1)) > 0) {
		char *msg = strchr(rec, ';');

		rec[n] = '\0';
		msg = msg ? msg + 1 : rec;
		n = strcspn(msg, "\n");
		if (self->loglen + n + 2 < sizeof(self->log)) {
			memcpy(self->log + self->loglen, msg, n);
			self->loglen += n;
			self->log[self->loglen++] = '\n';
			self->log[self->loglen] = '\0';
		}
	}
	for (p = self->log; (p = strstr(p, text)); p += strlen(text))
		count++;
	return count;
}

/*
 * Wait a little for a new asynchronous log line (an IOMMU fault): returns
 * how many lines with @text arrived beyond the @seen already counted.
 */
static int kmsg_wait(FIXTURE_DATA(vfio) *self, const char *text, int seen)
{
	int i, n = 0;

	for (i = 0; i < 500 && (n = kmsg_count(self, text)) <= seen; i++)
		usleep(10000);
	return n - seen;
}

static int differing(const volatile uint8_t *a, uint8_t val, size_t len)
{
	size_t i;
	int n = 0;

	for (i = 0; i < len; i++)
		n += a[i] != val;
	return n;
}

static void *map_sysfs_bar(const char *bdf, int bar)
{
	char path[PATH_MAX];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d",
		 bdf, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return MAP_FAILED;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p;
}

/*
 * Put @len bytes of @val into the buffer of @d (in a container where
 * IOVA_RAM is mapped), by DMA from the first anonymous page.
 */
static int edu_stage(FIXTURE_DATA(vfio) *self, struct vdev *d, uint8_t val,
		     uint32_t len)
{
	memset(self->ram, val, len);
	return edu_dma(d, IOVA_RAM, len, false);
}

/* The policy's own log lines, in any allowing mode and in refuse mode. */
#define ALLOWED	"uses PFNs it cannot keep safely"
#define REFUSED	"refused for"
#define DMAR_WRITE_FAULT "DMAR: [DMA Write"
#define DMAR_READ_FAULT "DMAR: [DMA Read"
/* vfio type1's line for each revocation, and its tracepoint */
#define REVOKED	"PFN-mapped memory at IOVA"
#define TRACEFS	"/sys/kernel/tracing/"
#define REVOKE_EVENT TRACEFS "events/vfio_iommu_type1/vfio_pfnmap_revoke/"

/*
 * How a case that does not run in this boot leaves its test process: the
 * harness of Linux 6.1 takes exit code 255 for a skip; from 6.9 on (the
 * harness with FIXTURE_TEARDOWN_PARENT) the test runs in a grandchild
 * whose exit code becomes the result, and a skip is KSFT_SKIP.
 */
#ifdef FIXTURE_TEARDOWN_PARENT
#define SKIP_EXIT_CODE KSFT_SKIP
#else
#define SKIP_EXIT_CODE 255
#endif

FIXTURE_SETUP(vfio)
{
	const char *only = getenv("PFNGUARD_TEST");

	if (only && strcmp(only, _metadata->name))
		SKIP(_exit(SKIP_EXIT_CODE), "%s runs in a boot of its own",
		     _metadata->name);

	ASSERT_EQ(0, find_pci(EDU_VENDOR, EDU_DEVICE, 0, self->edu[0]));
	ASSERT_EQ(0, find_pci(EDU_VENDOR, EDU_DEVICE, 1, self->edu[1]));
	ASSERT_EQ(0, find_pci(IVSHMEM_VENDOR, IVSHMEM_DEVICE, 0, self->ivshmem));
	ASSERT_EQ(0, sysfs_read("/proc/sys/vm/unsafe_follow_pfn", self->mode,
				sizeof(self->mode)))
		TH_LOG("no vm.unsafe_follow_pfn: not a pfnguard kernel");
	self->refuse = !strcmp(self->mode, "refuse");
	{
		char val[8] = "N";
		bool revoke_case = !strncmp(_metadata->name, "revoke_", 7);
		bool either = !strcmp(_metadata->name, "anon_ram") ||
			      !strcmp(_metadata->name, "ram_pfnmap");

		sysfs_read("/sys/module/vfio_iommu_type1/parameters/pfnmap_revoke",
			   val, sizeof(val));
		self->revoke = val[0] == 'Y';
		if (!either && revoke_case != self->revoke)
			SKIP(_exit(SKIP_EXIT_CODE), "%s: revocation is %s",
			     _metadata->name, self->revoke ? "on" : "off");
	}
	/* Each revocation is traced: the revoke_* cases count the events. */
	if (self->revoke)
		ASSERT_EQ(0, sysfs_write(REVOKE_EVENT "enable", "1"));
	/* A fresh boot: what this case taints is its own doing. */
	ASSERT_FALSE(tainted_user());
	self->kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, self->kmsg);
	ASSERT_LE(0, lseek(self->kmsg, 0, SEEK_END));

	ASSERT_EQ(0, bind_vfio(self->edu[0]));
	ASSERT_EQ(0, bind_vfio(self->edu[1]));
	self->container[0] = new_container();
	ASSERT_LE(0, self->container[0]);
	ASSERT_EQ(0, open_device(&self->dev[0], self->container[0],
				 self->edu[0], true));
	ASSERT_EQ(0, enable_dma(&self->dev[0]));

	/* Anonymous memory is pinned by MAP_DMA in every mode. */
	self->ram = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->ram);
	ASSERT_EQ(0, map_dma(self->container[0], self->ram, IOVA_RAM, 2 * PAGE));

	self->view = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, self->view);
	memset(self->view, 0, PAGE);
	STEP("step=setup mode=%s edu=%s,%s ivshmem=%s", self->mode,
	     self->edu[0], self->edu[1], self->ivshmem);
}

FIXTURE_TEARDOWN(vfio)
{
	char path[PATH_MAX];
	int i;

	/* A vfio-pci mapping holds the device: unbinding would wait for it. */
	if (self->region)
		munmap(self->region, PAGE);
	if (self->huge)
		munmap(self->huge, self->huge_len);
	for (i = 2; i >= 0; i--)
		close_device(&self->dev[i]);
	for (i = 0; i < 3; i++)
		if (self->container[i] > 0)
			close(self->container[i]);
	if (self->ivshmem_claimed)
		unbind_vfio(self->ivshmem);
	if (self->mdev_created) {
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove",
			 MDEV_UUID);
		sysfs_write(path, "1");
	}
	if (self->kmsg > 0)
		close(self->kmsg);
}

/*
 * Give ivshmem to vfio-pci (a new owner of its BAR) and open it in
 * @container, as dev[2].
 */
static int claim_ivshmem(FIXTURE_DATA(vfio) *self, int container,
			 bool set_iommu)
{
	int ret = bind_vfio(self->ivshmem);

	if (ret)
		return ret;
	self->ivshmem_claimed = true;
	return open_device(&self->dev[2], container, self->ivshmem, set_iommu);
}

/* Map the sysfs BAR page at @iova as the mode says, and check the result. */
static void map_bar_checked(struct __test_metadata *_metadata,
			    FIXTURE_DATA(vfio) *self, int container,
			    void *vaddr, uint64_t iova)
{
	int ret = map_dma(container, vaddr, iova, PAGE);

	STEP("step=map_bar iova=0x%llx ret=%d (%s)", (unsigned long long)iova,
	     ret, ret ? strerror(-ret) : "mapped");
	if (self->refuse) {
		ASSERT_EQ(-EPERM, ret);
		/* Nothing is left mapped. */
		ASSERT_EQ(0, unmap_dma(container, iova, PAGE));
	} else {
		ASSERT_EQ(0, ret);
	}
}

/*
 * Claim ivshmem for vfio-pci, map a page of its BAR2 through the device
 * (populated on first fault) and map that at IOVA_REGION as the mode says.
 */
static void map_region_checked(struct __test_metadata *_metadata,
			       FIXTURE_DATA(vfio) *self)
{
	void *bar;

	ASSERT_EQ(0, claim_ivshmem(self, self->container[0], false));
	bar = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->dev[2].fd, self->dev[2].bar[2]);
	ASSERT_NE(MAP_FAILED, bar);
	self->region = bar;
	map_bar_checked(_metadata, self, self->container[0], bar, IOVA_REGION);
}

/* Ordinary memory: DMA in and out of anonymous pages, no policy event. */
TEST_F_TIMEOUT(vfio, anon_ram, 120)
{
	uint8_t *ram = self->ram;
	int i;

	for (i = 0; i < EDU_XFER; i++)
		ram[i] = i * 7 + 1;
	memset(ram + PAGE, 0, PAGE);
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_RAM, EDU_XFER, false));
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_RAM + PAGE, EDU_XFER, true));
	ASSERT_EQ(0, memcmp(ram, ram + PAGE, EDU_XFER));
	STEP("step=dma_roundtrip bytes=%d equal=1", EDU_XFER);
	ASSERT_EQ(PAGE * 2, unmap_dma(self->container[0], IOVA_RAM, 2 * PAGE));
	ASSERT_FALSE(tainted_user());
	ASSERT_EQ(0, kmsg_count(self, ALLOWED));
	ASSERT_EQ(0, kmsg_count(self, REFUSED));
	ASSERT_EQ(0, kmsg_count(self, "WARNING:"));
	STEP("step=policy taint_user=0 log_lines=0");
}

/* A BAR mapped from sysfs: the lookup the policy judges. */
TEST_F_TIMEOUT(vfio, bar_map, 120)
{
	volatile uint8_t *view = self->view;
	int faults;

	map_bar_checked(_metadata, self, self->container[0], self->view,
			IOVA_BAR);
	ASSERT_EQ(!self->refuse, tainted_user());
	ASSERT_EQ(self->refuse ? 0 : 1, kmsg_count(self, ALLOWED));
	ASSERT_EQ(self->refuse ? 1 : 0, kmsg_count(self, REFUSED));
	ASSERT_EQ(!strcmp(self->mode, "warn"), kmsg_count(self, "WARNING:"));

	/* The device writes to the IOVA: into the BAR, or nowhere. */
	ASSERT_EQ(0, edu_stage(self, &self->dev[0], 0xa5, 64));
	faults = kmsg_count(self, DMAR_WRITE_FAULT);
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_BAR, 64, true));
	if (self->refuse)
		ASSERT_LE(1, kmsg_wait(self, DMAR_WRITE_FAULT, faults));
	ASSERT_EQ(self->refuse ? 64 : 0, differing(view, 0xa5, 64));
	STEP("step=dma_to_bar bytes_in_bar=%d iommu_fault=%d taint_user=%d",
	     64 - differing(view, 0xa5, 64), kmsg_count(self, DMAR_WRITE_FAULT),
	     tainted_user());
	if (!self->refuse)
		ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_BAR, PAGE));
}

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(sigbus_jmp, sig);
}

/* Does reading @p raise SIGBUS? */
static bool revoked(volatile uint8_t *p)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	bool ret = true;

	sigaction(SIGBUS, &sa, &old);
	if (!sigsetjmp(sigbus_jmp, 1)) {
		(void)*p;
		ret = false;
	}
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

/*
 * The use-after-free: the process unmaps its view of the BAR and the BAR
 * gets a new owner (vfio-pci, for another container), which revokes the
 * old sysfs mappings.  The IOVA mapped from the old view still points at
 * the BAR: a DMA through it writes into the new owner's memory.
 */
TEST_F_TIMEOUT(vfio, stale_iova_new_owner, 120)
{
	volatile uint8_t *spy, *owner;
	int before, after, faults;

	map_bar_checked(_metadata, self, self->container[0], self->view,
			IOVA_BAR);
	ASSERT_EQ(0, munmap(self->view, PAGE));
	self->view = NULL;

	/* After munmap the IOVA still reaches the BAR (seen by a new view). */
	spy = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, spy);
	ASSERT_EQ(0, edu_stage(self, &self->dev[0], 0x11, 64));
	faults = kmsg_count(self, DMAR_WRITE_FAULT);
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_BAR, 64, true));
	if (self->refuse)
		ASSERT_LE(1, kmsg_wait(self, DMAR_WRITE_FAULT, faults));
	STEP("step=dma_after_munmap bytes_in_bar=%d",
	     64 - differing(spy, 0x11, 64));
	ASSERT_EQ(self->refuse ? 64 : 0, differing(spy, 0x11, 64));

	/* A new owner claims the BAR and fills it. */
	self->container[1] = new_container();
	ASSERT_LE(0, self->container[1]);
	ASSERT_EQ(0, claim_ivshmem(self, self->container[1], true));
	owner = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		     self->dev[2].fd, self->dev[2].bar[2]);
	ASSERT_NE(MAP_FAILED, owner);
	self->region = (void *)owner;
	memset((void *)owner, 0x5a, PAGE);
	ASSERT_TRUE(revoked(spy));
	STEP("step=new_owner device=%s old_view=revoked(SIGBUS) owner_bytes=%d",
	     self->ivshmem, PAGE);

	/* The old IOVA, written by a device of the first container. */
	before = PAGE - differing(owner, 0x5a, PAGE);
	ASSERT_EQ(0, edu_stage(self, &self->dev[0], 0xee, PAGE));
	faults = kmsg_count(self, DMAR_WRITE_FAULT);
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_BAR, PAGE, true));
	if (self->refuse)
		ASSERT_LE(1, kmsg_wait(self, DMAR_WRITE_FAULT, faults));
	after = PAGE - differing(owner, 0x5a, PAGE);
	STEP("step=stale_dma owner_bytes_before=%d owner_bytes_after=%d "
	     "overwritten=%d iommu_fault=%d taint_user=%d",
	     before, after, PAGE - differing(owner, 0xee, PAGE),
	     kmsg_count(self, DMAR_WRITE_FAULT), tainted_user());
	if (self->refuse) {
		ASSERT_EQ((int)PAGE, after);
	} else {
		/* The hazard, as it is: the new owner's page is overwritten. */
		ASSERT_EQ(0, differing(owner, 0xee, PAGE));
		ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_BAR, PAGE));
	}
	ASSERT_EQ(!self->refuse, tainted_user());
	munmap((void *)spy, PAGE);
}

/*
 * A vfio device's own BAR, mmapped through vfio-pci: not populated until
 * first touched, so MAP_DMA's first lookup finds no PTE and the second,
 * after fixup_user_fault(), finds the PFN.  Both must be policed.
 */
TEST_F_TIMEOUT(vfio, vfio_region_map, 120)
{
	map_region_checked(_metadata, self);
	ASSERT_EQ(!self->refuse, tainted_user());
	ASSERT_EQ(self->refuse ? 0 : 1, kmsg_count(self, ALLOWED));
	ASSERT_EQ(self->refuse ? 1 : 0, kmsg_count(self, REFUSED));
	STEP("step=policy taint_user=%d allowed_lines=%d refused_lines=%d",
	     tainted_user(), kmsg_count(self, ALLOWED),
	     kmsg_count(self, REFUSED));
	if (!self->refuse)
		ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_REGION, PAGE));
}

/*
 * A group attached to a container that already holds a PFN mapping joins
 * the existing IOMMU domain: no new lookup, and the new device reaches
 * the BAR through the IOVA too (if there is a mapping at all).
 */
TEST_F_TIMEOUT(vfio, attach_to_pfn_container, 120)
{
	volatile uint8_t *view = self->view;
	int allowed, refused, faults;

	map_bar_checked(_metadata, self, self->container[0], self->view,
			IOVA_BAR);
	allowed = kmsg_count(self, ALLOWED);
	refused = kmsg_count(self, REFUSED);
	ASSERT_EQ(0, open_device(&self->dev[1], self->container[0],
				 self->edu[1], false));
	ASSERT_EQ(0, enable_dma(&self->dev[1]));
	ASSERT_EQ(allowed, kmsg_count(self, ALLOWED));
	ASSERT_EQ(refused, kmsg_count(self, REFUSED));

	/* edu1 gets edu0's data through the RAM IOVA, then the BAR IOVA. */
	ASSERT_EQ(0, edu_stage(self, &self->dev[0], 0x3c, 64));
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_RAM + PAGE, 64, true));
	ASSERT_EQ(0, edu_dma(&self->dev[1], IOVA_RAM + PAGE, 64, false));
	faults = kmsg_count(self, DMAR_WRITE_FAULT);
	ASSERT_EQ(0, edu_dma(&self->dev[1], IOVA_BAR, 64, true));
	if (self->refuse)
		ASSERT_LE(1, kmsg_wait(self, DMAR_WRITE_FAULT, faults));
	STEP("step=second_device device=%s bytes_in_bar=%d new_policy_lines=0",
	     self->edu[1], 64 - differing(view, 0x3c, 64));
	ASSERT_EQ(self->refuse ? 64 : 0, differing(view, 0x3c, 64));
}

/* The mtty sample's one-port type. */
#define MTTY_CREATE "/sys/class/mdev_bus/*/mdev_supported_types/*-1/create"

/*
 * Create an mdev (MDEV_UUID) of the type whose "create" file matches the
 * glob @create and attach its group, as the only one, to a new container:
 * self->container[2], self->dev[2].group.  Returns 0 or -errno.
 */
static int mdev_container(FIXTURE_DATA(vfio) *self, const char *create)
{
	char path[PATH_MAX];
	glob_t g;
	int ret;

	if (glob(create, 0, NULL, &g))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
	globfree(&g);
	ret = sysfs_write(path, MDEV_UUID);
	if (ret)
		return ret;
	self->mdev_created = true;
	self->container[2] = new_container();
	if (self->container[2] < 0)
		return self->container[2];
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", MDEV_UUID);
	self->dev[2].group = attach_group(self->container[2], path, true);
	return self->dev[2].group < 0 ? self->dev[2].group : 0;
}

/*
 * A container whose only group is an mdev (emulated IOMMU) records
 * MAP_DMA without looking anything up; the first IOMMU-backed group
 * attached afterwards replays it (vfio_iommu_replay()), and that is where
 * the lookup, and the policy, happen.
 */
TEST_F_TIMEOUT(vfio, mdev_container_replay, 120)
{
	char devpath[PATH_MAX];
	volatile uint8_t *view = self->view;
	int ret;

	ASSERT_EQ(0, mdev_container(self, MTTY_CREATE))
		TH_LOG("no mdev: is mtty.ko loaded?");

	/* No IOMMU domain yet: recorded, not looked up, in every mode. */
	ASSERT_EQ(0, map_dma(self->container[2], self->ram, IOVA_RAM, PAGE));
	ASSERT_EQ(0, map_dma(self->container[2], self->view, IOVA_BAR, PAGE));
	ASSERT_EQ(0, kmsg_count(self, ALLOWED) + kmsg_count(self, REFUSED));
	ASSERT_FALSE(tainted_user());
	STEP("step=map_in_mdev_container ret=0 policy_lines=0");

	/* edu1's group brings the first IOMMU domain: the replay. */
	snprintf(devpath, sizeof(devpath), "/sys/bus/pci/devices/%s",
		 self->edu[1]);
	ret = attach_group(self->container[2], devpath, false);
	STEP("step=attach_iommu_group ret=%d (%s)", ret < 0 ? ret : 0,
	     ret < 0 ? strerror(-ret) : "attached");
	if (self->refuse) {
		ASSERT_EQ(-EPERM, ret);
		ASSERT_EQ(1, kmsg_count(self, REFUSED));
		ASSERT_FALSE(tainted_user());
	} else {
		ASSERT_LE(0, ret);
		self->dev[1].group = ret;
		ASSERT_EQ(1, kmsg_count(self, ALLOWED));
		ASSERT_TRUE(tainted_user());
		ASSERT_EQ(0, get_device(&self->dev[1], self->edu[1]));
		ASSERT_EQ(0, enable_dma(&self->dev[1]));
		/* The replayed mappings reach the RAM and the BAR. */
		ASSERT_EQ(0, edu_stage(self, &self->dev[1], 0x77, 64));
		ASSERT_EQ(0, edu_dma(&self->dev[1], IOVA_BAR, 64, true));
		ASSERT_EQ(0, differing(view, 0x77, 64));
	}
	/*
	 * The recorded mapping stays until unmapped, whether or not a replay
	 * could pin it; while it does, every IOMMU group is refused.
	 */
	ASSERT_EQ(PAGE, unmap_dma(self->container[2], IOVA_BAR, PAGE));
}

/*
 * vfio's two lookups in one boot: the first one (a page already mapped,
 * the sysfs view) and the one after faulting the page in (a vfio-pci BAR
 * mapping, faulted lazily).  Both end at vfio's one judged end of the
 * lookup: named once in the log, and each refusal logged.
 */
TEST_F_TIMEOUT(vfio, named_once, 120)
{
	map_bar_checked(_metadata, self, self->container[0], self->view,
			IOVA_BAR);
	map_region_checked(_metadata, self);
	STEP("step=policy allowed_lines=%d refused_lines=%d",
	     kmsg_count(self, ALLOWED), kmsg_count(self, REFUSED));
	ASSERT_EQ(self->refuse ? 0 : 1, kmsg_count(self, ALLOWED));
	ASSERT_EQ(self->refuse ? 2 : 0, kmsg_count(self, REFUSED));
	if (!self->refuse) {
		ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_BAR, PAGE));
		ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_REGION,
					  PAGE));
	}
}

/* Load the test module NAME (/NAME.ko): 0, or -errno. */
static int insert_module(const char *name)
{
	char path[PATH_MAX];
	int fd, ret;

	snprintf(path, sizeof(path), "/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

/*
 * Load the test module NAME, which looks a PFN up at load time: what its
 * raw lookup returned (its parameter "lookup"), or -errno if it did not
 * load.
 */
static int load_module(const char *name)
{
	char path[PATH_MAX], val[32];
	int ret;

	ret = insert_module(name);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/lookup", name);
	ret = sysfs_read(path, val, sizeof(val));
	return ret ? ret : (int)strtol(val, NULL, 10);
}

#define OOT_NAMED	"[pfn_oot] in "
#define INTREE_NAMED	"[pfn_intree] in "

/*
 * A module built out of tree looks up, with the raw lookup
 * (follow_pfnmap_start(), or follow_pte() on 6.1), a PFN it mapped into
 * this process, as NVIDIA's driver does, and keeps the result in its
 * parameter "lookup": the policy judges it like vfio's lookup and names the module's
 * function.  The same code tagged in-tree, loaded after it (the kernel
 * then carries the out-of-tree taint), is left alone in every mode.
 */
TEST_F_TIMEOUT(vfio, oot_module, 120)
{
	int ret;

	ret = load_module("pfn_oot");
	STEP("step=load module=pfn_oot ret=%d (%s)", ret,
	     ret ? strerror(-ret) : "looked up");
	ASSERT_EQ(self->refuse ? -EPERM : 0, ret);
	ASSERT_EQ(1, kmsg_count(self, OOT_NAMED));
	ASSERT_EQ(self->refuse ? 0 : 1, kmsg_count(self, ALLOWED));
	ASSERT_EQ(self->refuse ? 1 : 0, kmsg_count(self, REFUSED));
	ASSERT_EQ(!self->refuse, tainted_user());
	ASSERT_EQ(!strcmp(self->mode, "warn"), kmsg_count(self, "WARNING:"));

	ret = load_module("pfn_intree");
	STEP("step=load module=pfn_intree ret=%d (%s)", ret,
	     ret ? strerror(-ret) : "looked up");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, kmsg_count(self, INTREE_NAMED));
	STEP("step=policy oot_named=%d intree_named=%d taint_user=%d",
	     kmsg_count(self, OOT_NAMED), kmsg_count(self, INTREE_NAMED),
	     tainted_user());
}

/*
 * Ordinary RAM behind a VM_PFNMAP mapping (the test module pfn_ram maps a
 * page of its own with remap_pfn_range(), as TTM and GEM-shmem objects
 * are mapped): vfio refuses it with EFAULT, as it did before the series,
 * in every mode, and the policy never sees it: no line, no taint.
 */
TEST_F_TIMEOUT(vfio, ram_pfnmap, 120)
{
	void *va;
	int fd, ret;

	ret = insert_module("pfn_ram");
	STEP("step=load module=pfn_ram ret=%d", ret);
	ASSERT_EQ(0, ret);
	fd = open("/dev/pfn_ram", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	va = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, va);
	ret = map_dma(self->container[0], va, IOVA_BAR, PAGE);
	STEP("step=map_ram_pfnmap ret=%d (%s) taint_user=%d allowed_lines=%d refused_lines=%d",
	     ret, ret ? strerror(-ret) : "mapped", tainted_user(),
	     kmsg_count(self, ALLOWED), kmsg_count(self, REFUSED));
	ASSERT_EQ(-EFAULT, ret);
	ASSERT_EQ(0, tainted_user());
	ASSERT_EQ(0, kmsg_count(self, ALLOWED));
	ASSERT_EQ(0, kmsg_count(self, REFUSED));
	munmap(va, PAGE);
}

/* The sysctl tightens the policy at run time: the next MAP_DMA is refused. */
TEST_F_TIMEOUT(vfio, sysctl_refuse, 120)
{
	int refused;

	map_bar_checked(_metadata, self, self->container[0], self->view,
			IOVA_BAR);
	ASSERT_EQ(0, sysfs_write("/proc/sys/vm/unsafe_follow_pfn", "refuse"));
	self->refuse = true;
	refused = kmsg_count(self, REFUSED);
	map_bar_checked(_metadata, self, self->container[0], self->view,
			IOVA_BAR_LATE);
	ASSERT_EQ(refused + 1, kmsg_count(self, REFUSED));
	STEP("step=sysctl mode_before=%s second_map=refused", self->mode);
}

/*
 * Revocation (vfio_iommu_type1.pfnmap_revoke=1): the cases below run in
 * mode refuse, where a judged lookup would fail.  Each proves its effect
 * from the device's side (the edu's DMA lands, or faults at the IOMMU)
 * and from the memory's (the bytes behind the IOVA).
 */

/* Lines of the trace buffer that hold @text, or -1. */
static int trace_count(const char *text)
{
	FILE *f = fopen(TRACEFS "trace", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, text);
	fclose(f);
	return n;
}

/* Map the sysfs view of the BAR at IOVA_BAR: tracked, not judged. */
static void revoke_map_view(struct __test_metadata *_metadata,
			    FIXTURE_DATA(vfio) *self, int container)
{
	int ret;

	ret = map_dma(container, self->view, IOVA_BAR, PAGE);
	STEP("step=map_bar iova=0x%lx ret=%d (%s) taint_user=%d policy_lines=%d revoke_cap=%d",
	     IOVA_BAR, ret, ret ? strerror(-ret) : "mapped", tainted_user(),
	     kmsg_count(self, ALLOWED) + kmsg_count(self, REFUSED),
	     info_has_revoke(container));
	ASSERT_EQ(0, ret);
	ASSERT_FALSE(tainted_user());
	ASSERT_EQ(0, kmsg_count(self, ALLOWED) + kmsg_count(self, REFUSED));
	ASSERT_TRUE(info_has_revoke(container));
}

/* @d writes 64 bytes of @val at @iova: 1 if @mem then holds them. */
static int dma_lands(FIXTURE_DATA(vfio) *self, struct vdev *d, uint64_t iova,
		     uint8_t val, volatile uint8_t *mem)
{
	if (edu_stage(self, d, val, 64) || edu_dma(d, iova, 64, true))
		return -EIO;
	return !differing(mem, val, 64);
}

/*
 * @d writes 64 bytes of @val at @iova: 1 if the IOMMU faulted the write
 * and @mem (what the IOVA pointed at) holds none of them.
 */
static int dma_faults(FIXTURE_DATA(vfio) *self, struct vdev *d,
		      uint64_t iova, uint8_t val, volatile uint8_t *mem)
{
	int faults = kmsg_count(self, DMAR_WRITE_FAULT);

	if (edu_stage(self, d, val, 64) || edu_dma(d, iova, 64, true))
		return -EIO;
	return kmsg_wait(self, DMAR_WRITE_FAULT, faults) >= 1 &&
	       differing(mem, val, 64) == 64;
}

/* The BAR maps in mode refuse, untainted, and the device reaches it. */
TEST_F_TIMEOUT(vfio, revoke_bar_map, 120)
{
	revoke_map_view(_metadata, self, self->container[0]);
	ASSERT_EQ(1, dma_lands(self, &self->dev[0], IOVA_BAR, 0xa5,
			       self->view));
	STEP("step=dma_to_bar lands=1 iommu_fault=%d revoked_lines=%d taint_user=%d",
	     kmsg_count(self, DMAR_WRITE_FAULT), kmsg_count(self, REVOKED),
	     tainted_user());
	ASSERT_EQ(0, kmsg_count(self, DMAR_WRITE_FAULT));
	ASSERT_EQ(0, kmsg_count(self, REVOKED));
	ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_BAR, PAGE));
	ASSERT_FALSE(tainted_user());
}

/*
 * munmap() of the view revokes.  The DMA before it primed the emulated
 * IOMMU's IOTLB with the translation: the one after faults only if the
 * revocation flushed the IOTLB.
 */
TEST_F_TIMEOUT(vfio, revoke_munmap, 120)
{
	volatile uint8_t *spy;

	revoke_map_view(_metadata, self, self->container[0]);
	ASSERT_EQ(1, dma_lands(self, &self->dev[0], IOVA_BAR, 0x11,
			       self->view));
	ASSERT_EQ(0, munmap(self->view, PAGE));
	self->view = NULL;
	STEP("step=munmap revoked_lines=%d trace_unmap=%d",
	     kmsg_count(self, REVOKED), trace_count("event=unmap"));
	ASSERT_EQ(1, kmsg_count(self, REVOKED));
	ASSERT_EQ(1, trace_count("iova=0x200000 size=0x1000 event=unmap"));

	spy = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, spy);
	ASSERT_EQ(1, dma_faults(self, &self->dev[0], IOVA_BAR, 0x22, spy));
	STEP("step=dma_after_revoke iommu_fault=1 bar_unchanged=%d",
	     !differing(spy, 0x11, 64));
	ASSERT_EQ(0, differing(spy, 0x11, 64));
	/* Revoked, not gone: MAP_DMA over it fails, UNMAP_DMA takes it. */
	ASSERT_EQ(-EEXIST, map_dma(self->container[0], (void *)spy, IOVA_BAR,
				   PAGE));
	ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_BAR, PAGE));
	ASSERT_FALSE(tainted_user());
	ASSERT_EQ(0, kmsg_count(self, "WARNING:"));
	munmap((void *)spy, PAGE);
}

/*
 * A new owner claims the BAR (vfio-pci, for another container): that
 * revokes the old sysfs view, and with it the DMA mapping.  Its 4096
 * bytes stay intact, and a device read from the old IOVA does not see
 * them.
 */
TEST_F_TIMEOUT(vfio, revoke_new_owner, 120)
{
	uint8_t *ram = self->ram;
	volatile uint8_t *owner;
	int faults;

	revoke_map_view(_metadata, self, self->container[0]);
	ASSERT_EQ(1, dma_lands(self, &self->dev[0], IOVA_BAR, 0x11,
			       self->view));

	self->container[1] = new_container();
	ASSERT_LE(0, self->container[1]);
	ASSERT_EQ(0, claim_ivshmem(self, self->container[1], true));
	owner = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		     self->dev[2].fd, self->dev[2].bar[2]);
	ASSERT_NE(MAP_FAILED, owner);
	self->region = (void *)owner;
	memset((void *)owner, 0x5a, PAGE);
	ASSERT_TRUE(revoked(self->view));
	STEP("step=new_owner device=%s old_view=revoked(SIGBUS) revoked_lines=%d trace_clear=%d",
	     self->ivshmem, kmsg_count(self, REVOKED),
	     trace_count("event=clear"));
	ASSERT_EQ(1, kmsg_count(self, REVOKED));
	ASSERT_EQ(1, trace_count("event=clear"));

	/* The old IOVA, written: faults, the owner's page is intact. */
	ASSERT_EQ(0, edu_stage(self, &self->dev[0], 0xee, PAGE));
	faults = kmsg_count(self, DMAR_WRITE_FAULT);
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_BAR, PAGE, true));
	ASSERT_LE(1, kmsg_wait(self, DMAR_WRITE_FAULT, faults));
	STEP("step=stale_write owner_bytes_after=%d iommu_fault=1",
	     PAGE - differing(owner, 0x5a, PAGE));
	ASSERT_EQ(0, differing(owner, 0x5a, PAGE));

	/*
	 * The old IOVA, read into the edu's buffer (what a faulted read
	 * leaves there is QEMU's business), then that buffer into RAM.
	 */
	faults = kmsg_count(self, DMAR_READ_FAULT);
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_BAR, 64, false));
	ASSERT_LE(1, kmsg_wait(self, DMAR_READ_FAULT, faults));
	memset(ram + PAGE, 0x99, 64);
	ASSERT_EQ(0, edu_dma(&self->dev[0], IOVA_RAM + PAGE, 64, true));
	STEP("step=stale_read iommu_fault=1 ram_written=%d owner_bytes_leaked=%d",
	     !!differing(ram + PAGE, 0x99, 64),
	     64 - differing(ram + PAGE, 0x5a, 64));
	ASSERT_EQ(64, differing(ram + PAGE, 0x99, 64));
	ASSERT_EQ(64, differing(ram + PAGE, 0x5a, 64));
	ASSERT_FALSE(tainted_user());
}

/*
 * A DMA issued before the revocation and executed after it (edu runs a
 * transfer 100 ms after the command) faults.
 */
TEST_F_TIMEOUT(vfio, revoke_inflight, 120)
{
	volatile uint8_t *spy;
	int faults, running, tries;

	spy = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, spy);
	ASSERT_EQ(0, edu_stage(self, &self->dev[0], 0x33, 64));
	/*
	 * On a loaded host the guest can be held off for the edu's 100 ms
	 * between the command and the munmap: then the DMA ran before the
	 * revocation, and proves nothing.  Start again, a few times.
	 */
	for (tries = 1; ; tries++) {
		revoke_map_view(_metadata, self, self->container[0]);
		faults = kmsg_count(self, DMAR_WRITE_FAULT);
		ASSERT_EQ(0, edu_dma_start(&self->dev[0], IOVA_BAR, 64, true));
		ASSERT_EQ(0, munmap(self->view, PAGE));
		self->view = NULL;
		running = edu_dma_running(&self->dev[0]);
		if (running == 1 || tries == 5)
			break;
		ASSERT_EQ(0, edu_dma_wait(&self->dev[0]));
		ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_BAR, PAGE));
		memset((void *)spy, 0, 64);
		self->view = map_sysfs_bar(self->ivshmem, 2);
		ASSERT_NE(MAP_FAILED, self->view);
	}
	STEP("step=revoke_while_queued dma_running=%d tries=%d revoked_lines=%d",
	     running, tries, kmsg_count(self, REVOKED));
	ASSERT_EQ(1, running);
	ASSERT_EQ(tries, kmsg_count(self, REVOKED));
	ASSERT_EQ(0, edu_dma_wait(&self->dev[0]));
	ASSERT_LE(1, kmsg_wait(self, DMAR_WRITE_FAULT, faults));
	STEP("step=dma_after_revoke iommu_fault=1 bytes_in_bar=%d",
	     64 - differing(spy, 0x33, 64));
	ASSERT_EQ(64, differing(spy, 0x33, 64));
	munmap((void *)spy, PAGE);
}

/*
 * vfio-pci's own zap: the device's memory decoding disabled through its
 * config space revokes the DMA mapping of its BAR mapping; unmapping and
 * mapping it again, once decoding is back, recovers.
 */
TEST_F_TIMEOUT(vfio, revoke_memory_disable, 120)
{
	volatile uint8_t *bar;
	uint16_t cmd;
	int ret;

	ASSERT_EQ(0, claim_ivshmem(self, self->container[0], false));
	bar = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   self->dev[2].fd, self->dev[2].bar[2]);
	ASSERT_NE(MAP_FAILED, bar);
	self->region = (void *)bar;
	ASSERT_EQ(0, map_dma(self->container[0], (void *)bar, IOVA_REGION,
			     PAGE));
	ASSERT_EQ(1, dma_lands(self, &self->dev[0], IOVA_REGION, 0x44, bar));

	ASSERT_EQ(2, pread(self->dev[2].fd, &cmd, 2,
			   self->dev[2].cfg + PCI_COMMAND));
	cmd &= ~PCI_COMMAND_MEMORY;
	ASSERT_EQ(2, pwrite(self->dev[2].fd, &cmd, 2,
			    self->dev[2].cfg + PCI_COMMAND));
	STEP("step=memory_disable revoked_lines=%d trace_clear=%d",
	     kmsg_count(self, REVOKED), trace_count("event=clear"));
	ASSERT_EQ(1, kmsg_count(self, REVOKED));
	ASSERT_EQ(1, trace_count("event=clear"));
	cmd |= PCI_COMMAND_MEMORY;
	ASSERT_EQ(2, pwrite(self->dev[2].fd, &cmd, 2,
			    self->dev[2].cfg + PCI_COMMAND));
	ASSERT_EQ(1, dma_faults(self, &self->dev[0], IOVA_REGION, 0x55, bar));
	STEP("step=dma_after_revoke iommu_fault=1 bar_unchanged=1");

	/* The recovery: UNMAP_DMA, MAP_DMA again, the DMA lands. */
	ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_REGION, PAGE));
	ret = map_dma(self->container[0], (void *)bar, IOVA_REGION, PAGE);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(1, dma_lands(self, &self->dev[0], IOVA_REGION, 0x66, bar));
	STEP("step=remap ret=0 lands=1 taint_user=%d", tainted_user());
	ASSERT_FALSE(tainted_user());
}

/*
 * A group attached to the container before the revocation (it joins the
 * container's IOMMU domain) is revoked with the rest.
 */
TEST_F_TIMEOUT(vfio, revoke_attached_before, 120)
{
	volatile uint8_t *spy;

	revoke_map_view(_metadata, self, self->container[0]);
	ASSERT_EQ(0, open_device(&self->dev[1], self->container[0],
				 self->edu[1], false));
	ASSERT_EQ(0, enable_dma(&self->dev[1]));
	ASSERT_EQ(0, edu_dma(&self->dev[1], IOVA_RAM, 64, false));
	ASSERT_EQ(1, dma_lands(self, &self->dev[1], IOVA_BAR, 0x12,
			       self->view));
	ASSERT_EQ(0, munmap(self->view, PAGE));
	self->view = NULL;
	spy = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, spy);
	ASSERT_EQ(1, dma_faults(self, &self->dev[0], IOVA_BAR, 0x21, spy));
	ASSERT_EQ(1, dma_faults(self, &self->dev[1], IOVA_BAR, 0x21, spy));
	STEP("step=dma_after_revoke edu0_fault=1 edu1_fault=1 bar_unchanged=%d",
	     !differing(spy, 0x12, 64));
	ASSERT_EQ(0, differing(spy, 0x12, 64));
	munmap((void *)spy, PAGE);
}

/* A container with only an mdev group: MAP_DMA records the range. */
static void revoke_mdev_container(struct __test_metadata *_metadata,
				  FIXTURE_DATA(vfio) *self)
{
	ASSERT_EQ(0, mdev_container(self, MTTY_CREATE))
		TH_LOG("no mdev: is mtty.ko loaded?");
	ASSERT_EQ(0, map_dma(self->container[2], self->ram, IOVA_RAM, 2 * PAGE));
	ASSERT_EQ(0, map_dma(self->container[2], self->view, IOVA_BAR, PAGE));
	ASSERT_TRUE(info_has_revoke(self->container[2]));
}

/* edu1's group brings the container's first IOMMU domain: the replay. */
static void revoke_attach_edu1(struct __test_metadata *_metadata,
			       FIXTURE_DATA(vfio) *self)
{
	char devpath[PATH_MAX];
	int ret;

	snprintf(devpath, sizeof(devpath), "/sys/bus/pci/devices/%s",
		 self->edu[1]);
	ret = attach_group(self->container[2], devpath, false);
	STEP("step=attach_iommu_group ret=%d (%s) policy_lines=%d",
	     ret < 0 ? ret : 0, ret < 0 ? strerror(-ret) : "attached",
	     kmsg_count(self, ALLOWED) + kmsg_count(self, REFUSED));
	ASSERT_LE(0, ret);
	self->dev[1].group = ret;
	ASSERT_EQ(0, get_device(&self->dev[1], self->edu[1]));
	ASSERT_EQ(0, enable_dma(&self->dev[1]));
	ASSERT_EQ(0, kmsg_count(self, ALLOWED) + kmsg_count(self, REFUSED));
}

/* A recorded range revoked before the replay is not resurrected by it. */
TEST_F_TIMEOUT(vfio, revoke_replay_after, 120)
{
	volatile uint8_t *spy;

	revoke_mdev_container(_metadata, self);
	ASSERT_EQ(0, munmap(self->view, PAGE));
	self->view = NULL;
	STEP("step=munmap_recorded revoked_lines=%d",
	     kmsg_count(self, REVOKED));
	ASSERT_EQ(1, kmsg_count(self, REVOKED));
	revoke_attach_edu1(_metadata, self);
	spy = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, spy);
	memset((void *)spy, 0, 64);
	ASSERT_EQ(1, dma_faults(self, &self->dev[1], IOVA_BAR, 0x31, spy));
	STEP("step=dma_after_replay iommu_fault=1 bar_unchanged=1");
	ASSERT_EQ(PAGE, unmap_dma(self->container[2], IOVA_BAR, PAGE));
	munmap((void *)spy, PAGE);
}

/* A recorded range mapped by the replay is revoked after it. */
TEST_F_TIMEOUT(vfio, revoke_replay_then, 120)
{
	volatile uint8_t *spy;

	revoke_mdev_container(_metadata, self);
	revoke_attach_edu1(_metadata, self);
	ASSERT_EQ(1, dma_lands(self, &self->dev[1], IOVA_BAR, 0x41,
			       self->view));
	ASSERT_EQ(0, munmap(self->view, PAGE));
	self->view = NULL;
	ASSERT_EQ(1, kmsg_count(self, REVOKED));
	spy = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, spy);
	ASSERT_EQ(1, dma_faults(self, &self->dev[1], IOVA_BAR, 0x42, spy));
	STEP("step=dma_after_revoke lands_before=1 iommu_fault=1 bar_unchanged=%d",
	     !differing(spy, 0x41, 64));
	ASSERT_EQ(0, differing(spy, 0x41, 64));
	munmap((void *)spy, PAGE);
}

/* The exit of the process that mapped the range revokes it. */
TEST_F_TIMEOUT(vfio, revoke_exit, 120)
{
	volatile uint8_t *spy;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		void *view = map_sysfs_bar(self->ivshmem, 2);

		_exit(view == MAP_FAILED ||
		      map_dma(self->container[0], view, IOVA_BAR, PAGE));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	STEP("step=child_mapped_and_exited revoked_lines=%d trace_release=%d",
	     kmsg_count(self, REVOKED), trace_count("event=release"));
	ASSERT_EQ(1, kmsg_count(self, REVOKED));
	ASSERT_EQ(1, trace_count("event=release"));
	spy = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, spy);
	memset((void *)spy, 0, 64);
	ASSERT_EQ(1, dma_faults(self, &self->dev[0], IOVA_BAR, 0x51, spy));
	STEP("step=dma_after_exit iommu_fault=1 bar_unchanged=1");
	ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_BAR, PAGE));
	munmap((void *)spy, PAGE);
}

/*
 * mprotect() keeps the PFN: the mapping is not revoked, and stays as
 * MAP_DMA made it (the device may still write).
 */
TEST_F_TIMEOUT(vfio, revoke_mprotect, 120)
{
	revoke_map_view(_metadata, self, self->container[0]);
	ASSERT_EQ(0, mprotect(self->view, PAGE, PROT_READ));
	ASSERT_EQ(1, dma_lands(self, &self->dev[0], IOVA_BAR, 0x61,
			       self->view));
	STEP("step=mprotect_read_only revoked_lines=%d lands=1",
	     kmsg_count(self, REVOKED));
	ASSERT_EQ(0, kmsg_count(self, REVOKED));
}

/*
 * A 2 MiB PMD mapping of a vfio-pci BAR, mapped for DMA whole, split by
 * munmap() of its first page: the whole range is revoked, also the part
 * still mapped in the process.
 */
TEST_F_TIMEOUT(vfio, revoke_huge_split, 120)
{
	volatile uint8_t *bar;
	uint8_t *va;

	ASSERT_EQ(0, claim_ivshmem(self, self->container[0], false));
	ASSERT_LE(2 * HUGE, self->dev[2].bar_size[2]);
	/* 2 MiB aligned: vfio-pci maps it with one PMD on first fault. */
	va = mmap(NULL, 2 * HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	ASSERT_NE(MAP_FAILED, va);
	va = (uint8_t *)(((uintptr_t)va + HUGE - 1) & ~(HUGE - 1));
	bar = mmap(va, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		   self->dev[2].fd, self->dev[2].bar[2]);
	ASSERT_EQ((void *)va, (void *)bar);
	self->huge = va;
	self->huge_len = HUGE;
	ASSERT_EQ(0, map_dma(self->container[0], va, IOVA_HUGE, HUGE));
	ASSERT_EQ(1, dma_lands(self, &self->dev[0], IOVA_HUGE + HUGE / 2,
			       0x71, bar + HUGE / 2));
	ASSERT_EQ(0, munmap(va, PAGE));
	/*
	 * The mapping was one PMD: munmap() of its first page splits it
	 * first (__split_huge_pmd(), an MMU_NOTIFY_CLEAR over the whole
	 * 2 MiB), and that revokes.  A PTE mapping would revoke on the
	 * unmap of the page itself (event "unmap").
	 */
	STEP("step=split_munmap revoked_lines=%d trace=%d split_clear=%d",
	     kmsg_count(self, REVOKED),
	     trace_count("iova=0x800000 size=0x200000"),
	     trace_count("iova=0x800000 size=0x200000 event=clear"));
	ASSERT_EQ(1, kmsg_count(self, REVOKED));
	ASSERT_EQ(1, trace_count("iova=0x800000 size=0x200000 event=clear"));
	ASSERT_EQ(1, dma_faults(self, &self->dev[0], IOVA_HUGE + HUGE / 2,
				0x72, bar + HUGE / 2));
	STEP("step=dma_after_split iommu_fault=1 bar_unchanged=1");
	ASSERT_EQ(HUGE, unmap_dma(self->container[0], IOVA_HUGE, HUGE));
}

/*
 * What cannot be revoked safely is refused: a range that mixes the BAR
 * with RAM, either way round (EINVAL), and a vaddr update of a tracked
 * range (EBUSY).
 */
TEST_F_TIMEOUT(vfio, revoke_refusals, 120)
{
	uint8_t *two;
	int ret;

	two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, two);
	{
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/resource2", self->ivshmem);
		fd = open(path, O_RDWR | O_SYNC);
		ASSERT_LE(0, fd);
		/* The BAR, then RAM. */
		ASSERT_NE(MAP_FAILED, mmap(two, PAGE, PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_FIXED, fd, 0));
		ret = map_dma(self->container[0], two, IOVA_BAR, 2 * PAGE);
		STEP("step=map_bar_then_ram ret=%d (%s)", ret, strerror(-ret));
		ASSERT_EQ(-EINVAL, ret);
		/* RAM, then the BAR. */
		ASSERT_EQ(0, munmap(two, 2 * PAGE));
		two = mmap(two, 2 * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_FIXED,
			   -1, 0);
		ASSERT_NE(MAP_FAILED, two);
		ASSERT_NE(MAP_FAILED, mmap(two + PAGE, PAGE,
					   PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_FIXED, fd, 0));
		close(fd);
	}
	ret = map_dma(self->container[0], two, IOVA_BAR, 2 * PAGE);
	STEP("step=map_ram_then_bar ret=%d (%s)", ret, strerror(-ret));
	ASSERT_EQ(-EINVAL, ret);
	/* Nothing of either is left mapped. */
	ASSERT_EQ(0, unmap_dma(self->container[0], IOVA_BAR, 2 * PAGE));

	revoke_map_view(_metadata, self, self->container[0]);
	{
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u),
			.flags = VFIO_DMA_UNMAP_FLAG_VADDR,
			.iova = IOVA_BAR,
			.size = PAGE,
		};

		ret = ioctl(self->container[0], VFIO_IOMMU_UNMAP_DMA, &u) ?
			-errno : 0;
	}
	STEP("step=unmap_vaddr ret=%d (%s)", ret, strerror(-ret));
	ASSERT_EQ(-EBUSY, ret);
	/* Still mapped, and still reachable. */
	ASSERT_EQ(1, dma_lands(self, &self->dev[0], IOVA_BAR, 0x81,
			       self->view));
	ASSERT_EQ(PAGE, unmap_dma(self->container[0], IOVA_BAR, PAGE));
	ASSERT_FALSE(tainted_user());
	munmap(two, 2 * PAGE);
}

/* pfn_pin's driver pins the page at @iova: 8 (the write's length) or -errno. */
static int pin_iova(struct vdev *d, uint64_t iova)
{
	ssize_t n = pwrite(d->fd, &iova, sizeof(iova), 0);

	return n < 0 ? -errno : (int)n;
}

/*
 * An mdev driver's pin of a tracked PFN-mapped range is refused with
 * EFAULT: the revocation cannot make the driver let go of it.  The pin
 * goes through tests/modules/pfn_oot/pfn_pin.c, an mdev whose driver
 * pins the page at the IOVA written to its fd.  Its pin of RAM in the
 * same container succeeds: the refusal is the range's, not the device's.
 * Without the refusal the pin of the BAR would look the PFN up and fail
 * on it with EINVAL (not a page).
 */
TEST_F_TIMEOUT(vfio, revoke_mdev_pin, 120)
{
	int ret;

	ASSERT_EQ(0, insert_module("pfn_pin"));
	ASSERT_EQ(0, mdev_container(self,
		"/sys/class/mdev_bus/pfn_pin/mdev_supported_types/*pin/create"));
	self->dev[2].fd = ioctl(self->dev[2].group, VFIO_GROUP_GET_DEVICE_FD,
				MDEV_UUID);
	ASSERT_LE(0, self->dev[2].fd);
	ASSERT_EQ(0, map_dma(self->container[2], self->ram, IOVA_RAM, 2 * PAGE));
	ASSERT_EQ(0, map_dma(self->container[2], self->view, IOVA_BAR, PAGE));

	ret = pin_iova(&self->dev[2], IOVA_RAM);
	STEP("step=pin_ram iova=0x%lx ret=%d (%s)", IOVA_RAM, ret,
	     ret < 0 ? strerror(-ret) : "pinned");
	ASSERT_EQ((int)sizeof(uint64_t), ret);

	ret = pin_iova(&self->dev[2], IOVA_BAR);
	STEP("step=pin_bar iova=0x%lx ret=%d (%s) pin_lines=%d taint_user=%d policy_lines=%d revoked_lines=%d",
	     IOVA_BAR, ret, ret < 0 ? strerror(-ret) : "pinned",
	     kmsg_count(self, "pfn_pin: pin of IOVA 0x200000: -14"),
	     tainted_user(),
	     kmsg_count(self, ALLOWED) + kmsg_count(self, REFUSED),
	     kmsg_count(self, REVOKED));
	ASSERT_EQ(-EFAULT, ret);
	/* The pin's own error, not the write's. */
	ASSERT_EQ(1, kmsg_count(self, "pfn_pin: pin of IOVA 0x200000: -14"));
	ASSERT_FALSE(tainted_user());
	ASSERT_EQ(0, kmsg_count(self, ALLOWED) + kmsg_count(self, REFUSED));
	/* Still recorded, not revoked: UNMAP_DMA removes it. */
	ASSERT_EQ(0, kmsg_count(self, REVOKED));
	ASSERT_EQ(PAGE, unmap_dma(self->container[2], IOVA_BAR, PAGE));
}

struct stress {
	FIXTURE_DATA(vfio) *self;
	uint8_t *va;		/* where the viewer maps the BAR, or RAM */
	int bar_fd;
	volatile int stop;
	int maps, map_errors, views;
};

/* Thread A: MAP_DMA of whatever is at the VA, then UNMAP_DMA. */
static void *stress_mapper(void *arg)
{
	struct stress *st = arg;

	while (!st->stop) {
		if (map_dma(st->self->container[0], st->va, IOVA_BAR, PAGE))
			st->map_errors++;
		else
			st->maps++;
		unmap_dma(st->self->container[0], IOVA_BAR, PAGE);
	}
	return NULL;
}

/* Thread B: the BAR's page, then RAM, at the same VA. */
static void *stress_viewer(void *arg)
{
	struct stress *st = arg;

	while (!st->stop) {
		mmap(st->va, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		     st->bar_fd, 0);
		st->views++;
		usleep(1000);
		mmap(st->va, PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	}
	return NULL;
}

/*
 * Map and unmap (A), mmap and munmap (B) and the device's DMA through the
 * IOVA (this thread) at once, for the lock checkers of a debug kernel:
 * no WARNING, lockdep, KASAN or BUG report may come of it.  Afterwards
 * nothing is mapped at the IOVA: the device's write faults and the BAR,
 * refilled, stays as it is.
 */
TEST_F_TIMEOUT(vfio, revoke_stress, 300)
{
	struct stress st = { .self = self };
	volatile uint8_t *spy;
	pthread_t a, b;
	char path[PATH_MAX];
	int i, dmas = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource2",
		 self->ivshmem);
	st.bar_fd = open(path, O_RDWR | O_SYNC);
	ASSERT_LE(0, st.bar_fd);
	st.va = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, st.va);
	ASSERT_EQ(0, edu_stage(self, &self->dev[0], 0xee, 64));
	ASSERT_EQ(0, pthread_create(&a, NULL, stress_mapper, &st));
	ASSERT_EQ(0, pthread_create(&b, NULL, stress_viewer, &st));
	for (i = 0; i < 40; i++) {
		ASSERT_EQ(0, edu_dma_start(&self->dev[0], IOVA_BAR, 64, true));
		ASSERT_EQ(0, edu_dma_wait(&self->dev[0]));
		dmas++;
	}
	st.stop = 1;
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	STEP("step=stress dmas=%d maps=%d map_errors=%d views=%d revoked_lines=%d",
	     dmas, st.maps, st.map_errors, st.views, kmsg_count(self, REVOKED));
	ASSERT_LT(0, st.maps);
	ASSERT_LT(0, st.views);

	/* The kernel rate limits its DMAR lines (5 s): a new window. */
	sleep(6);
	spy = map_sysfs_bar(self->ivshmem, 2);
	ASSERT_NE(MAP_FAILED, spy);
	memset((void *)spy, 0x5a, 64);
	ASSERT_EQ(1, dma_faults(self, &self->dev[0], IOVA_BAR, 0xee, spy));
	STEP("step=after_stress iommu_fault=1 bar_unchanged=%d warnings=%d",
	     !differing(spy, 0x5a, 64), kmsg_count(self, "WARNING:"));
	ASSERT_EQ(0, differing(spy, 0x5a, 64));
	ASSERT_EQ(0, kmsg_count(self, "WARNING:"));
	ASSERT_EQ(0, kmsg_count(self, "BUG:"));
	munmap((void *)spy, PAGE);
	munmap(st.va, PAGE);
	close(st.bar_fd);
}

TEST_HARNESS_MAIN
