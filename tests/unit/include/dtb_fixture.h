/*
 * Host unit tests only: loading the QEMU DTB fixtures that tests/unit/fdt.mk
 * dumps into $(BUILD)/dtb. Include after <cmocka.h>, <stdio.h>, <stdlib.h>
 * and <string.h>.
 */
#ifndef TEST_DTB_FIXTURE_H
#define TEST_DTB_FIXTURE_H

/* Fixture directory: $ZVM_DTB_DIR, else ../dtb next to the test binary. */
static inline void dtb_fixture_dir(char *dir, size_t size, const char *argv0)
{
	const char *env = getenv("ZVM_DTB_DIR");
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (env)
		snprintf(dir, size, "%s", env);
	else if (slash)
		snprintf(dir, size, "%.*s/../dtb", (int)(slash - argv0), argv0);
	else
		snprintf(dir, size, "../dtb");
}

/* Whole file in a malloc'd (so 16-byte aligned) buffer, NUL-terminated. */
static inline unsigned char *read_whole_file(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data;

	if (!fp)
		fail_msg("cannot open %s (build it with make, or set ZVM_DTB_DIR)", path);
	fseek(fp, 0, SEEK_END);
	*size = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc(*size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, *size, fp), *size);
	data[*size] = '\0';
	fclose(fp);
	return data;
}

#endif
