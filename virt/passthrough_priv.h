/* Shared by the passthrough checks (virt/passthrough_check.c, _dt.c). */
#ifndef VIRT_PASSTHROUGH_PRIV_H
#define VIRT_PASSTHROUGH_PRIV_H

#include <virt/passthrough.h>

#define PT_PAGE 0x1000ULL

/* The prefix of every message: "device 0x9010000+0x1000". */
#define DEV_FMT "device %#llx+%#llx"
#define DEV_ARGS(d) (unsigned long long)(d)->base, (unsigned long long)(d)->size

/* The host device tree's part of pt_check_dev() (virt/passthrough_dt.c). */
int pt_check_dt(const struct pt_rules *r, const struct pack_dev *d, char *err, size_t errlen);

#endif
