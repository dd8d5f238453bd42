/*
 * mkpack: builds a ZVM image pack (docs/image-pack.md) from a manifest, and
 * lists/validates one. Host-only code (libc), split so that the unit tests
 * (tests/tools/test_mkpack.py drives the tool) stay small:
 *   manifest.c  manifest text -> struct mk_pack (files read, kinds detected)
 *   build.c     struct mk_pack -> pack blob, re-read with lib/pack.c and
 *               every template dry-run booted (virt/loader_vm.c)
 *   list.c      human-readable listing of a pack, after the same checks
 *   main.c      command line
 */
#ifndef TOOLS_MKPACK_H
#define TOOLS_MKPACK_H

#include <stdio.h>
#include <lib/pack.h>

#define MK_ERR_LEN 512
#define MK_DEFAULT_PRIORITY 15

struct mk_entry {
	char name[PACK_NAME_LEN];
	u32 kind;		/* 0 until known */
	char *path;		/* as resolved against the manifest's folder */
	u8 *data;
	size_t size;
	int line;		/* where it was declared or first used */
	bool from_path;		/* made for a template's "kernel = path": shared
				 * by templates naming the same file and role */
};

/* The entries a template refers to. */
enum mk_role { MK_KERNEL, MK_INITRD, MK_DTB, MK_ROLES };

struct mk_template {
	char name[PACK_NAME_LEN];
	u32 os;
	u32 flags;
	char ref[MK_ROLES][PACK_NAME_LEN];	/* entry names, "" when none */
	char *src[MK_ROLES];	/* manifest value: a path or @entry */
	int src_line[MK_ROLES];
	u64 mem_size, ram_base, load_addr, pcpu_mask;
	u32 vcpus, priority;
	u8 pin[PACK_MAX_VCPUS];
	u32 npins;
	u32 ndevs;
	struct pack_dev devs[PACK_MAX_DEVS];
	char bootargs[PACK_BOOTARGS_LEN];
	int line;		/* of its [template] header, for messages */
	unsigned int seen;	/* keys given so far (bit per key) */
};

/* A [shm NAME] section: members by template name until finish() resolves
 * them to template indices (the templates may come later in the text). */
struct mk_shm {
	char name[PACK_NAME_LEN];
	u64 size;
	u32 nmembers;
	char member_name[PACK_SHM_MAX_PEERS][PACK_NAME_LEN];
	u8 member[PACK_SHM_MAX_PEERS];
	int line;
	int members_line;
	unsigned int seen;	/* keys given so far (bit per key) */
};

struct mk_pack {
	const char *fname;	/* the manifest, for "fname:line: what" */
	struct mk_entry entries[PACK_MAX_ENTRIES];
	u32 nentries;
	struct mk_template tmpl[PACK_MAX_TEMPLATES];
	u32 ntemplates;
	struct mk_shm shm[PACK_MAX_SHM];
	u32 nshm;
};

void mk_init(struct mk_pack *mp);
void mk_free(struct mk_pack *mp);

/*
 * Parse manifest text; fname is used in "fname:line: what" messages and
 * relative file paths are taken from basedir. Returns 0 or -1 with err set.
 */
int mk_parse_text(struct mk_pack *mp, const char *fname, const char *basedir, const char *text,
		  char *err, size_t errlen);
/* Read the manifest file at path and mk_parse_text() it (basedir: its folder). */
int mk_parse_file(struct mk_pack *mp, const char *path, char *err, size_t errlen);

/* Serialise mp into a malloc'd pack (*out, *size) and check it with
 * mk_check(). Returns 0 or -1 with err set. */
int mk_build(const struct mk_pack *mp, u8 **out, size_t *size, char *err, size_t errlen);

/* pack_open() the blob and dry-run boot every template. 0 or -1. */
int mk_check(const void *blob, size_t size, char *err, size_t errlen);

/* Check the pack, then print its entries and templates to out. 0 or -1. */
int mk_list(FILE *out, const void *blob, size_t size, char *err, size_t errlen);

/* Write the DTB ZVM builds for template tmpl of the pack at pack_path to
 * out_path (tools/mkpack/dump_dtb.c). Exit status: 0 or 1. */
/* ram_at: where an identity = yes template's RAM was placed, or 0 (none given). */
int mk_dump_dtb(const char *tmpl, const char *pack_path, const char *out_path, u64 ram_at);

/* Whole file into a malloc'd buffer (8-byte aligned). 0 or -1 (errno). */
int mk_read_file(const char *path, u8 **data, size_t *size);

#endif
