/* The image pack the boot loader handed us (initrd), if any. */
#ifndef VIRT_IMAGES_H
#define VIRT_IMAGES_H

#include <lib/pack.h>

/* NULL when there is no valid pack; images_error() then says why. */
const struct pack *images_pack(void);
const char *images_error(void);

#endif
