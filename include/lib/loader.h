/*
 * Guest kernel loader (lib/loader.c, lib/loader_elf.c, lib/loader_image.c):
 * copies an ELF64 AArch64 executable, a Linux arm64 Image or a raw binary
 * from a buffer (typically a pack entry) into guest RAM, and chooses where
 * the DTB and initrd go. Pure: guest RAM is reached only through struct
 * loader_ram, so the same code runs in the hypervisor, in mkpack (as a dry
 * run that only validates) and in host tests.
 *
 * Every image is validated completely before the first byte is written, so
 * a rejected image leaves guest RAM untouched. Errors: -ENOEXEC (not a
 * loadable image of that format, or malformed), -ERANGE (it does not fit
 * guest RAM), -EINVAL (bad arguments), or what ram->write returned; err
 * (may be NULL) receives a message saying exactly what is wrong.
 */
#ifndef LIB_LOADER_H
#define LIB_LOADER_H

#include <zvm/types.h>

#define LOADER_IMAGE_TEXT_OFFSET_OLD 0x80000ULL	/* image_size == 0 kernels */
#define LOADER_IMAGE_ALIGN 0x200000ULL		/* Image base: 2 MiB aligned */
#define LOADER_DTB_MAX 0x200000ULL		/* booting.rst: DTB <= 2 MiB */
#define LOADER_DTB_WINDOW 0x20000000ULL	/* DTB within 512 MiB of the kernel */
#define LOADER_INITRD_WINDOW (32ULL << 30)	/* initrd and kernel in 32 GiB... */
#define LOADER_INITRD_WINDOW_ALIGN (1ULL << 30)	/* ...that starts 1 GiB aligned */
#define LOADER_MAX_PHDRS 64

/* Guest RAM: [base, base + size) in IPA space. */
struct loader_ram {
	u64 base;
	u64 size;
	/* Host mapping of the whole RAM (base maps to host[0]), or NULL. */
	u8 *host;
	/*
	 * Used when host is NULL: copy len bytes from src, or zeros when src is
	 * NULL, to guest address ipa. [ipa, ipa + len) is always inside RAM.
	 * Returns 0 or a negative errno, which aborts the load.
	 * With neither host nor write, loading only validates (dry run).
	 */
	int (*write)(void *ctx, u64 ipa, const void *src, u64 len);
	void *ctx;
};

enum loader_format {
	LOADER_FMT_AUTO = 0,	/* loader_load(): detect ELF or Image, else raw */
	LOADER_FMT_ELF,
	LOADER_FMT_IMAGE,
	LOADER_FMT_RAW,
};

struct loader_image {
	enum loader_format fmt;
	const void *data;	/* any alignment */
	size_t size;
	u64 load_addr;		/* raw binaries only: IPA of the first byte */
};

struct loader_result {
	enum loader_format fmt;	/* what was loaded */
	u64 entry;		/* IPA where the boot vCPU starts */
	u64 start, end;		/* [start, end): what the kernel occupies, including
				 * ELF bss and an Image's whole image_size */
};

/* Copy len bytes of src (NULL: zeros) to guest address ipa, through
 * ram->host or ram->write (a dry run writes nothing). -ERANGE when
 * [ipa, ipa + len) is not inside RAM. For callers placing a DTB/initrd. */
int loader_write(const struct loader_ram *ram, u64 ipa, const void *src, u64 len);

/* ELF magic -> ELF, "ARM\x64" at 0x38 -> IMAGE, anything else -> RAW. */
enum loader_format loader_detect(const void *data, size_t size);
const char *loader_format_name(enum loader_format fmt);

/*
 * ELF64, little-endian, EM_AARCH64, ET_EXEC. PT_LOAD segments are placed
 * at their p_paddr (the guest starts with its MMU off), p_filesz bytes
 * copied and the rest of p_memsz zeroed. Refused: truncated headers or
 * segments, p_filesz > p_memsz, a segment outside RAM, overlapping
 * segments, no loadable segment, an entry point outside every segment
 * (e_entry is translated from p_vaddr to p_paddr of its segment).
 */
int loader_load_elf(const struct loader_ram *ram, const struct loader_image *img,
		    struct loader_result *res, char *err, size_t errlen);

/*
 * Linux arm64 Image (Documentation/arch/arm64/booting.rst): placed at
 * text_offset above the lowest 2 MiB-aligned address of RAM, entry = load
 * address. image_size 0 (kernels before 3.17) means text_offset 0x80000
 * and a footprint of the file size. Refused: truncated header, bad magic,
 * a big-endian kernel, image_size (or the file) exceeding RAM.
 */
int loader_load_image(const struct loader_ram *ram, const struct loader_image *img,
		      struct loader_result *res, char *err, size_t errlen);

/* Raw binary at img->load_addr (4-byte aligned, inside RAM); entry = it. */
int loader_load_raw(const struct loader_ram *ram, const struct loader_image *img,
		    struct loader_result *res, char *err, size_t errlen);

/* By img->fmt, detecting it first for LOADER_FMT_AUTO. */
int loader_load(const struct loader_ram *ram, const struct loader_image *img,
		struct loader_result *res, char *err, size_t errlen);

/*
 * Where the DTB and initrd go, following booting.rst (docs/image-pack.md):
 *  - the initrd at the top of RAM, page aligned, but inside the 1 GiB-aligned
 *    32 GiB window that starts below the kernel;
 *  - the DTB just below the initrd (or at the top of RAM), 8-byte aligned,
 *    not crossing a 2 MiB boundary, and within 512 MiB of the kernel's
 *    2 MiB-aligned base (older kernels map only that much early on);
 *  - neither may overlap the kernel's [start, end) or each other.
 * The top keeps them clear of whatever the kernel uses past its image.
 * A size of 0 means "none" (address 0). dtb_size must be <= 2 MiB.
 * Returns 0 or -ERANGE / -EINVAL with a message.
 */
struct loader_layout {
	u64 dtb;
	u64 initrd_start, initrd_end;
};

int loader_place_boot_data(const struct loader_ram *ram, const struct loader_result *kernel,
			   u64 dtb_size, u64 initrd_size, struct loader_layout *out,
			   char *err, size_t errlen);

#endif
