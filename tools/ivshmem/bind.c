/*
 * ivshmem tool: hand an ivshmem device to uio_pci_generic. Debian's kernel
 * has no ivshmem driver; uio_pci_generic takes any PCI device by id
 * (new_id) and gives user space its interrupt as /dev/uioN.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ivshmem.h"

#define DRV "/sys/bus/pci/drivers/uio_pci_generic"
#define PCI_DEVS "/sys/bus/pci/devices"

/* Load one module file of the running kernel (finit_module: no kmod needed). */
static int load_module(const char *name)
{
	struct utsname u;
	char path[256];
	int fd, r;

	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/kernel/drivers/uio/%s.ko", u.release, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ivs_err("%s is not loaded and %s: %s (try: modprobe uio_pci_generic)",
			       name, path, strerror(errno));
	r = (int)syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	if (r && errno != EEXIST)
		return ivs_err("loading %s: %s", path, strerror(errno));
	return 0;
}

static int load_driver(void)
{
	if (access(DRV, F_OK) == 0)
		return 0;
	if (load_module("uio") || load_module("uio_pci_generic"))
		return -1;
	if (access(DRV, F_OK))
		return ivs_err("uio_pci_generic loaded but %s is missing", DRV);
	return 0;
}

/* The name of the driver bound to bdf ("" if none). */
static void bound_driver(const char *bdf, char *name, size_t cap)
{
	char link[128], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), PCI_DEVS "/%s/driver", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	name[0] = 0;
	if (n > 0) {
		const char *base;

		target[n] = 0;
		base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
		if (strlen(base) < cap)
			memcpy(name, base, strlen(base) + 1);
	}
}

/*
 * Bind bdf to uio_pci_generic. new_id makes the driver probe every unbound
 * device with our id (EEXIST once the id is known); a device unbound since
 * is bound by address.
 */
int ivs_bind(const char *bdf)
{
	char id[16], drv[64];

	if (load_driver())
		return -1;
	bound_driver(bdf, drv, sizeof(drv));
	if (!strcmp(drv, "uio_pci_generic"))
		return 0;
	if (drv[0])
		return ivs_err("%s is bound to driver %s, not uio_pci_generic", bdf, drv);
	snprintf(id, sizeof(id), "%04x %04x", IVS_VENDOR, IVS_DEVICE);
	if (ivs_write_file(DRV "/new_id", id) && errno != EEXIST)
		return ivs_err(DRV "/new_id: %s", strerror(errno));
	bound_driver(bdf, drv, sizeof(drv));
	if (!drv[0] && ivs_write_file(DRV "/bind", bdf))
		return ivs_err("uio_pci_generic refused %s: %s (dmesg says why)", bdf,
			       strerror(errno));
	return 0;
}
