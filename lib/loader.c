/*
 * Guest kernel loader: RAM access, raw binaries, format detection and the
 * placement of the DTB and initrd. ELF and Image live in their own files.
 */
#include "loader_priv.h"
#include <lib/byteorder_le.h>
#include <lib/string.h>
#include <zvm/compiler.h>

#define SZ_2M 0x200000ULL
#define SZ_4K 0x1000ULL

bool loader_in_ram(const struct loader_ram *ram, u64 addr, u64 len)
{
	return addr >= ram->base && addr - ram->base <= ram->size &&
	       len <= ram->size - (addr - ram->base);
}

int loader_check_in_ram(const struct loader_ram *ram, const char *what, u64 addr, u64 len,
			char *err, size_t errlen)
{
	if (loader_in_ram(ram, addr, len))
		return 0;
	return errmsg_set(err, errlen, -ERANGE,
			  "%s [0x%llx,+0x%llx) is outside guest RAM [0x%llx,0x%llx)", what,
			  (unsigned long long)addr, (unsigned long long)len,
			  (unsigned long long)ram->base,
			  (unsigned long long)(ram->base + ram->size));
}

int loader_write(const struct loader_ram *ram, u64 ipa, const void *src, u64 len)
{
	u8 *dst;

	if (!loader_in_ram(ram, ipa, len))
		return -ERANGE;
	if (!len)
		return 0;
	if (ram->host) {
		dst = ram->host + (ipa - ram->base);
		if (src)
			memcpy(dst, src, (size_t)len);
		else
			memset(dst, 0, (size_t)len);
		return 0;
	}
	return ram->write ? ram->write(ram->ctx, ipa, src, len) : 0;
}

int loader_copy(const struct loader_ram *ram, u64 ipa, const void *src, u64 filesz, u64 memsz,
		char *err, size_t errlen)
{
	int ret = loader_write(ram, ipa, src, filesz);

	if (!ret)
		ret = loader_write(ram, ipa + filesz, NULL, memsz - filesz);
	if (ret)
		return errmsg_set(err, errlen, ret, "writing guest RAM at 0x%llx failed (%d)",
				  (unsigned long long)ipa, ret);
	return 0;
}

/* ---- formats ----------------------------------------------------------- */

enum loader_format loader_detect(const void *data, size_t size)
{
	const u8 *b = data;

	if (size >= 4 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F')
		return LOADER_FMT_ELF;
	if (size >= 64 && !memcmp(b + 0x38, "ARM\x64", 4))
		return LOADER_FMT_IMAGE;
	return LOADER_FMT_RAW;
}

const char *loader_format_name(enum loader_format fmt)
{
	static const char *const names[] = { "auto", "elf", "image", "raw" };

	return (unsigned int)fmt < ARRAY_SIZE(names) ? names[fmt] : "?";
}

int loader_load_raw(const struct loader_ram *ram, const struct loader_image *img,
		    struct loader_result *res, char *err, size_t errlen)
{
	int ret;

	errmsg_clear(err, errlen);
	if (!img->size)
		return errmsg_set(err, errlen, -ENOEXEC, "raw image is empty");
	if (img->load_addr % 4)
		return errmsg_set(err, errlen, -ENOEXEC,
				  "raw load address 0x%llx is not 4-byte aligned",
				  (unsigned long long)img->load_addr);
	ret = loader_check_in_ram(ram, "raw image", img->load_addr, img->size, err, errlen);
	if (!ret)
		ret = loader_copy(ram, img->load_addr, img->data, img->size, img->size, err,
				  errlen);
	if (ret)
		return ret;
	res->fmt = LOADER_FMT_RAW;
	res->entry = res->start = img->load_addr;
	res->end = img->load_addr + img->size;
	return 0;
}

int loader_load(const struct loader_ram *ram, const struct loader_image *img,
		struct loader_result *res, char *err, size_t errlen)
{
	struct loader_image im = *img;

	if (!ram || !img || !res || (!img->data && img->size))
		return errmsg_set(err, errlen, -EINVAL, "bad loader arguments");
	if (im.fmt == LOADER_FMT_AUTO)
		im.fmt = loader_detect(im.data, im.size);
	switch (im.fmt) {
	case LOADER_FMT_ELF:
		return loader_load_elf(ram, &im, res, err, errlen);
	case LOADER_FMT_IMAGE:
		return loader_load_image(ram, &im, res, err, errlen);
	case LOADER_FMT_RAW:
		return loader_load_raw(ram, &im, res, err, errlen);
	default:
		return errmsg_set(err, errlen, -EINVAL, "unknown image format %d", (int)im.fmt);
	}
}

/* ---- DTB and initrd placement ----------------------------------------- */

static int no_room(const char *what, u64 size, u64 lo, u64 hi, char *err, size_t errlen)
{
	return errmsg_set(err, errlen, -ERANGE,
			  "no room for a 0x%llx-byte %s between the kernel end 0x%llx and 0x%llx",
			  (unsigned long long)size, what, (unsigned long long)lo,
			  (unsigned long long)hi);
}

/* Initrd at the top of RAM, inside the kernel's 32 GiB window. */
static int place_initrd(const struct loader_ram *ram, const struct loader_result *k, u64 size,
			struct loader_layout *out, char *err, size_t errlen)
{
	u64 top = ram->base + ram->size;
	u64 window = ALIGN_DOWN(k->start, LOADER_INITRD_WINDOW_ALIGN) + LOADER_INITRD_WINDOW;
	u64 start;

	top = MIN(top, window);
	if (!size)
		return 0;
	if (top < k->end || size > top - k->end)
		return no_room("initrd", size, k->end, top, err, errlen);
	start = ALIGN_DOWN(top - size, SZ_4K);
	if (start < k->end)
		return no_room("initrd", size, k->end, top, err, errlen);
	out->initrd_start = start;
	out->initrd_end = start + size;
	return 0;
}

/*
 * DTB below the initrd (or the top of RAM) and inside the first 512 MiB
 * from the kernel's 2 MiB base, 8-byte aligned, moved down when it would
 * straddle a 2 MiB boundary (older kernels map it with one 2 MiB block).
 */
static int place_dtb(const struct loader_ram *ram, const struct loader_result *k, u64 size,
		     struct loader_layout *out, char *err, size_t errlen)
{
	u64 top = out->initrd_start ? out->initrd_start : ram->base + ram->size;
	u64 addr, boundary;

	if (!size)
		return 0;
	top = MIN(top, ALIGN_DOWN(k->start, SZ_2M) + LOADER_DTB_WINDOW);
	if (top < k->end || size > top - k->end)
		return no_room("DTB", size, k->end, top, err, errlen);
	addr = ALIGN_DOWN(top - size, 8);
	boundary = ALIGN_DOWN(addr + size - 1, SZ_2M);
	if (boundary > addr) {
		if (boundary < k->end || size > boundary - k->end)
			return no_room("DTB", size, k->end, top, err, errlen);
		addr = ALIGN_DOWN(boundary - size, 8);
	}
	if (addr < k->end)
		return no_room("DTB", size, k->end, top, err, errlen);
	out->dtb = addr;
	return 0;
}

int loader_place_boot_data(const struct loader_ram *ram, const struct loader_result *kernel,
			   u64 dtb_size, u64 initrd_size, struct loader_layout *out,
			   char *err, size_t errlen)
{
	int ret;

	errmsg_clear(err, errlen);
	memset(out, 0, sizeof(*out));
	if (dtb_size > LOADER_DTB_MAX)
		return errmsg_set(err, errlen, -EINVAL, "DTB of 0x%llx bytes exceeds 2 MiB",
				  (unsigned long long)dtb_size);
	if (!loader_in_ram(ram, kernel->start, kernel->end - kernel->start) ||
	    kernel->end < kernel->start)
		return errmsg_set(err, errlen, -EINVAL, "kernel range is not inside guest RAM");
	ret = place_initrd(ram, kernel, initrd_size, out, err, errlen);
	if (!ret)
		ret = place_dtb(ram, kernel, dtb_size, out, err, errlen);
	return ret;
}
