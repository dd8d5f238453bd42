/* Finding and validating the image pack at boot (/chosen initrd range). */
#include <kernel/init.h>
#include <kernel/platform.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <virt/images.h>

static struct pack host_pack;
static bool pack_ok;
static char pack_err[160] = "no image pack: boot with one as the initrd (see docs/image-pack.md)";

const struct pack *images_pack(void)
{
	return pack_ok ? &host_pack : NULL;
}

const char *images_error(void)
{
	return pack_err;
}

static int images_init(void)
{
	size_t size = plat.initrd_end - plat.initrd_start;

	if (!plat.initrd_start || !size) {
		pr_info("images: %s", pack_err);
		return 0;
	}
	if (pack_open(&host_pack, (const void *)plat.initrd_start, size, pack_err,
		      sizeof(pack_err))) {
		pr_err("images: pack at %#llx refused: %s", (unsigned long long)plat.initrd_start,
		       pack_err);
		return 0;	/* the host runs on; `zvm new` reports the error */
	}
	pack_ok = true;
	pr_info("images: pack with %u template(s), %u entries", pack_template_count(&host_pack),
		pack_entry_count(&host_pack));
	return 0;
}
INITCALL(images_init);
