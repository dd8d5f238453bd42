/*
 * ivshmem tool: find ivshmem devices in sysfs, open one, map its BARs.
 * BAR0 (registers) and BAR2 (the region) are mapped through sysfs
 * resource0/resource2: Linux maps them as Device memory, hence only
 * aligned 32-bit accesses (as lib/ivc.c does).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ivshmem.h"

#define PCI_DEVS "/sys/bus/pci/devices"

static unsigned long sysfs_hex(const char *bdf, const char *attr)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), PCI_DEVS "/%s/%s", bdf, attr);
	if (ivs_read_file(path, buf, sizeof(buf)) <= 0)
		return ~0ul;
	return strtoul(buf, NULL, 0);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The PCI addresses of every ivshmem device, sorted; their count or -1. */
int ivs_scan(char bdfs[][32], int max)
{
	DIR *dir = opendir(PCI_DEVS);
	struct dirent *e;
	int n = 0;

	if (!dir)
		return ivs_err(PCI_DEVS ": %s (is sysfs mounted?)", strerror(errno));
	while ((e = readdir(dir)) && n < max) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= 32)
			continue;
		if (sysfs_hex(e->d_name, "vendor") == IVS_VENDOR &&
		    sysfs_hex(e->d_name, "device") == IVS_DEVICE)
			snprintf(bdfs[n++], 32, "%s", e->d_name);
	}
	closedir(dir);
	qsort(bdfs, (size_t)n, 32, by_name);
	return n;
}

/* Whether `sel` (a full or short PCI address, or uioN) names bdf. */
static bool selects(const char *sel, const char *bdf)
{
	char path[128];
	size_t n = strlen(sel), m = strlen(bdf);

	if (!strncmp(sel, "uio", 3)) {
		snprintf(path, sizeof(path), PCI_DEVS "/%s/uio/%s", bdf, sel);
		return n < 16 && !strchr(sel, '/') && access(path, F_OK) == 0;
	}
	return !strcmp(sel, bdf) || (n < m && !strcmp(sel, bdf + m - n) && bdf[m - n - 1] == ':');
}

static int pick(const char *sel, char *bdf)
{
	char bdfs[IVS_MAX_DEVS][32];
	int n = ivs_scan(bdfs, IVS_MAX_DEVS);

	if (n < 0)
		return -1;
	if (!n)
		return ivs_err("no ivshmem device (PCI %04x:%04x) in " PCI_DEVS, IVS_VENDOR,
			       IVS_DEVICE);
	if (!sel && n > 1)
		return ivs_err("%d ivshmem devices: choose one with -d (see 'ivshmem list')", n);
	for (int i = 0; i < n; i++) {
		if (sel && !selects(sel, bdfs[i]))
			continue;
		memcpy(bdf, bdfs[i], 32);
		return 0;
	}
	return ivs_err("-d %s: no such ivshmem device (see 'ivshmem list')", sel);
}

/* Map BAR `bar` from sysfs; returns its address (page offset included). */
static volatile void *map_bar(const char *bdf, int bar, u64 *size)
{
	char path[128], line[256];
	unsigned long long start = 0, end = 0, flags = 0;
	long page = sysconf(_SC_PAGESIZE);
	FILE *f;
	int fd, ok = 0;
	void *p;

	snprintf(path, sizeof(path), PCI_DEVS "/%s/resource", bdf);
	f = fopen(path, "re");
	for (int i = 0; f && i <= bar && fgets(line, sizeof(line), f); i++)
		ok = sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 && i == bar;
	if (f)
		fclose(f);
	if (!ok || !end || end < start)
		return ivs_err("%s: BAR%d is not assigned", bdf, bar), NULL;
	*size = end - start + 1;
	snprintf(path, sizeof(path), PCI_DEVS "/%s/resource%d", bdf, bar);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return ivs_err("%s: %s", path, strerror(errno)), NULL;
	/* The mapping starts at the page holding the BAR (a small BAR0 need
	 * not be page aligned). */
	p = mmap(NULL, (start & (page - 1)) + *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return ivs_err("mmap %s: %s", path, strerror(errno)), NULL;
	return (volatile u8 *)p + (start & (page - 1));
}

static int find_uio(struct ivs_dev *d)
{
	char path[128], dev[32];
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), PCI_DEVS "/%s/uio", d->bdf);
	dir = opendir(path);
	while (dir && (e = readdir(dir)))
		if (!strncmp(e->d_name, "uio", 3) && strlen(e->d_name) < sizeof(d->uio))
			snprintf(d->uio, sizeof(d->uio), "%s", e->d_name);
	if (dir)
		closedir(dir);
	if (!d->uio[0])
		return ivs_err("%s has no uio node (%s)", d->bdf, path);
	snprintf(dev, sizeof(dev), "/dev/%s", d->uio);
	d->uio_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (d->uio_fd < 0)
		return ivs_err("%s: %s", dev, strerror(errno));
	return 0;
}

/* Open the device `sel` names (NULL: the only one): bind, map, unmask. */
int ivs_open(struct ivs_dev *d, const char *sel)
{
	char cfg[128];
	u64 regs_size;

	*d = (struct ivs_dev){ .uio_fd = -1, .cfg_fd = -1 };
	if (pick(sel, d->bdf) || ivs_bind(d->bdf) || find_uio(d))
		return -1;
	d->irq = (int)sysfs_hex(d->bdf, "irq");
	snprintf(cfg, sizeof(cfg), PCI_DEVS "/%s/config", d->bdf);
	d->cfg_fd = open(cfg, O_RDWR | O_CLOEXEC);
	if (d->cfg_fd < 0)
		return ivs_err("%s: %s", cfg, strerror(errno));
	d->regs = map_bar(d->bdf, 0, &regs_size);
	if (!d->regs)
		return -1;
	if (regs_size < 16)
		return ivs_err("%s: BAR0 is %llu bytes, not ivshmem's registers", d->bdf,
			       (unsigned long long)regs_size);
	d->mem = map_bar(d->bdf, 2, &d->size);
	if (!d->mem)
		return -1;
	d->regs[IVS_INTR_MASK] = 0xffffffffu;	/* every vector interrupts */
	d->position = d->regs[IVS_IV_POSITION];
	return 0;
}

/* Our peer id: -p, else IVPosition (QEMU's ivshmem-plain has none: ~0). */
int ivs_self(const struct ivs_dev *d, const struct ivs_opts *o, u32 *self)
{
	*self = o->peer >= 0 ? (u32)o->peer : d->position;
	if (*self < IVC_MAX_PEERS)
		return 0;
	return ivs_err("%s: IVPosition is %u, not a peer id 0..%d: give one with -p", d->bdf,
		       d->position, IVC_MAX_PEERS - 1);
}
