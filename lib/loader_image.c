/*
 * Linux arm64 Image loader, per Documentation/arch/arm64/booting.rst: a
 * 64-byte little-endian header whose magic "ARM\x64" sits at 0x38, telling
 * the load offset from a 2 MiB-aligned base (text_offset) and how much
 * memory the kernel uses from there (image_size, bss included).
 */
#include "loader_priv.h"
#include <lib/byteorder_le.h>
#include <lib/string.h>
#include <zvm/compiler.h>

#define IMG_TEXT_OFFSET 0x08	/* u64 */
#define IMG_IMAGE_SIZE 0x10	/* u64 */
#define IMG_FLAGS 0x18		/* u64 */
#define IMG_MAGIC 0x38		/* "ARM\x64" */
#define IMG_HDR_SIZE 64
#define IMG_FLAG_BE 0x1		/* bit 0: kernel is big-endian */

#define img_bad(err, errlen, ...) errmsg_set(err, errlen, -ENOEXEC, __VA_ARGS__)

/* Load offset and memory footprint the kernel asks for. */
static int image_geometry(const struct loader_image *img, u64 *text_offset, u64 *footprint,
			  char *err, size_t errlen)
{
	const u8 *h = img->data;
	u64 image_size;

	if (img->size < IMG_HDR_SIZE)
		return img_bad(err, errlen, "arm64 Image header truncated: %zu bytes, need %u",
			       img->size, IMG_HDR_SIZE);
	if (memcmp(h + IMG_MAGIC, "ARM\x64", 4))
		return img_bad(err, errlen, "not an arm64 Image (no ARM\\x64 magic at 0x38)");
	image_size = ld_le64(h + IMG_IMAGE_SIZE);
	if (image_size == 0) {
		/* Before v3.17 text_offset had the kernel's endianness and no
		 * size was given: booting.rst says to assume 0x80000. */
		*text_offset = LOADER_IMAGE_TEXT_OFFSET_OLD;
		*footprint = img->size;
		return 0;
	}
	if (ld_le64(h + IMG_FLAGS) & IMG_FLAG_BE)
		return img_bad(err, errlen, "big-endian arm64 Image: guests run little-endian");
	*text_offset = ld_le64(h + IMG_TEXT_OFFSET);
	*footprint = MAX(image_size, (u64)img->size);
	if (*text_offset % 4)
		return img_bad(err, errlen, "text_offset 0x%llx is not 4-byte aligned",
			       (unsigned long long)*text_offset);
	return 0;
}

int loader_load_image(const struct loader_ram *ram, const struct loader_image *img,
		      struct loader_result *res, char *err, size_t errlen)
{
	u64 text_offset = 0, footprint = 0, base, load;
	int ret;

	errmsg_clear(err, errlen);
	ret = image_geometry(img, &text_offset, &footprint, err, errlen);
	if (ret)
		return ret;
	base = ALIGN_UP(ram->base, LOADER_IMAGE_ALIGN);
	load = base + text_offset;
	if (base < ram->base || load < base || !loader_in_ram(ram, load, footprint))
		return errmsg_set(err, errlen, -ERANGE,
				  "arm64 Image needs 0x%llx bytes at text_offset 0x%llx, more than guest RAM [0x%llx,0x%llx) holds",
				  (unsigned long long)footprint, (unsigned long long)text_offset,
				  (unsigned long long)ram->base,
				  (unsigned long long)(ram->base + ram->size));
	ret = loader_copy(ram, load, img->data, img->size, footprint, err, errlen);
	if (ret)
		return ret;
	res->fmt = LOADER_FMT_IMAGE;
	res->entry = res->start = load;
	res->end = load + footprint;
	return 0;
}
