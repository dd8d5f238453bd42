/*
 * mkpack: build or inspect a ZVM image pack.
 *
 *   mkpack [-o OUT] MANIFEST   build OUT (default pack.bin) from MANIFEST
 *   mkpack --list PACK         check PACK and print what it holds
 *   mkpack --check PACK        check PACK only (exit status 0 when good)
 *   mkpack --dump-dtb TEMPLATE PACK OUT [--ram-at ADDR]
 *                              write the DTB ZVM generates for TEMPLATE's VM
 *                              (ADDR: where an identity = yes VM's RAM is)
 *
 * Exit status: 0 on success, 1 on a bad manifest or pack, 2 on bad usage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mkpack.h"

static int usage(void)
{
	fprintf(stderr, "usage: mkpack [-o OUT] MANIFEST\n"
			"       mkpack --list PACK\n"
			"       mkpack --check PACK\n"
			"       mkpack --dump-dtb TEMPLATE PACK OUT [--ram-at ADDR]\n");
	return 2;
}

static int write_file(const char *path, const u8 *data, size_t size)
{
	FILE *fp = fopen(path, "wb");
	int ok = fp && fwrite(data, 1, size, fp) == size;

	if (fp && fclose(fp))
		ok = 0;
	if (!ok)
		fprintf(stderr, "mkpack: %s: %s\n", path, strerror(errno));
	return ok ? 0 : 1;
}

static int build(const char *manifest, const char *out)
{
	static struct mk_pack mp;	/* ~30 KiB: not on the stack */
	char err[MK_ERR_LEN];
	u8 *blob = NULL;
	size_t size = 0;
	int ret;

	mk_init(&mp);
	ret = mk_parse_file(&mp, manifest, err, sizeof(err));
	if (!ret && mk_build(&mp, &blob, &size, err, sizeof(err)))
		ret = -1;
	if (ret) {
		fprintf(stderr, "mkpack: %s\n", err);
		ret = 1;
	} else {
		ret = write_file(out, blob, size);
	}
	free(blob);
	mk_free(&mp);
	return ret;
}

static int inspect(const char *path, bool list)
{
	char err[MK_ERR_LEN];
	u8 *blob;
	size_t size;
	int ret;

	if (mk_read_file(path, &blob, &size)) {
		fprintf(stderr, "mkpack: %s: %s\n", path, strerror(errno));
		return 1;
	}
	ret = list ? mk_list(stdout, blob, size, err, sizeof(err)) :
		     mk_check(blob, size, err, sizeof(err));
	if (ret)
		fprintf(stderr, "mkpack: %s: %s\n", path, err);
	free(blob);
	return ret ? 1 : 0;
}

static int dump_dtb_at(char **argv)
{
	char *end;
	unsigned long long at;

	errno = 0;
	at = strtoull(argv[6], &end, 0);
	if (errno || end == argv[6] || *end || !at) {
		fprintf(stderr, "mkpack: --ram-at '%s': not an address\n", argv[6]);
		return 2;
	}
	return mk_dump_dtb(argv[2], argv[3], argv[4], at);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--list"))
		return inspect(argv[2], true);
	if (argc == 3 && !strcmp(argv[1], "--check"))
		return inspect(argv[2], false);
	if (argc == 5 && !strcmp(argv[1], "--dump-dtb"))
		return mk_dump_dtb(argv[2], argv[3], argv[4], 0);
	if (argc == 7 && !strcmp(argv[1], "--dump-dtb") && !strcmp(argv[5], "--ram-at"))
		return dump_dtb_at(argv);
	if (argc == 2 && argv[1][0] != '-')
		return build(argv[1], "pack.bin");
	if (argc == 4 && !strcmp(argv[1], "-o"))
		return build(argv[3], argv[2]);
	return usage();
}
