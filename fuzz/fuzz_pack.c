/* libFuzzer target: the image pack reader (lib/pack.c, lib/pack_template.c,
 * lib/pack_shm.c).
 * pack_open() promises that, once it accepts a pack, no accessor can fail
 * or read outside it: every entry, template and shm region is read back,
 * every member a template of the pack, and every
 * byte of entry data touched. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lib/pack.h>

#include "fuzz.h"

static u32 touch(const u8 *p, u64 n)
{
	u32 sum = 0;

	for (u64 i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

static void walk(const struct pack *p)
{
	struct pack_entry e;
	struct pack_template t;
	struct pack_shm s;

	for (u32 i = 0; i < pack_entry_count(p); i++) {
		FUZZ_CHECK(pack_get_entry(p, i, &e) == 0);
		FUZZ_CHECK(pack_find_entry(p, e.name, &e) == 0);
		fuzz_sink += touch(e.data, e.size) + (u32)strlen(pack_kind_name(e.kind));
	}
	for (u32 i = 0; i < pack_template_count(p); i++) {
		FUZZ_CHECK(pack_get_template(p, i, &t) == 0);
		FUZZ_CHECK(pack_find_template(p, t.name, &t) == 0);
		FUZZ_CHECK(pack_find_entry(p, t.kernel, &e) == 0);
		fuzz_sink += (u32)(strlen(t.bootargs) + strlen(t.initrd) + strlen(t.dtb)) +
			     (u32)strlen(pack_os_name(t.os));
		FUZZ_CHECK(pack_template_shms(p, t.name, NULL) <= PACK_SHM_MAX_PER_TPL);
	}
	for (u32 i = 0; i < pack_shm_count(p); i++) {
		FUZZ_CHECK(pack_get_shm(p, i, &s) == 0);
		for (u32 m = 0; m < s.nmembers; m++)
			FUZZ_CHECK(pack_get_template(p, s.member[m], &t) == 0);
		fuzz_sink += (u32)strlen(s.name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan sees any read past the end. */
	u8 *blob = malloc(size ? size : 1);
	struct pack p;
	char err[160];
	int rc;

	if (!blob)
		return 0;
	memcpy(blob, data, size);
	rc = pack_open(&p, blob, size, err, sizeof(err));
	if (rc == 0)
		walk(&p);
	else
		FUZZ_CHECK(err[0] != 0 && memchr(err, 0, sizeof(err)));
	free(blob);
	return rc ? -1 : 0;	/* libFuzzer keeps only accepted inputs as seeds */
}
