/*
 * A main() for the fuzz targets without libFuzzer (any C compiler): runs
 * LLVMFuzzerTestOneInput once on each file named on the command line, so
 * the seed corpus and saved crashes are a regression test (make fuzz-regress),
 * and on VARIANTS truncations and VARIANTS one-byte corruptions of each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define VARIANTS 32

/* Returns whether the input itself was accepted by the parser. */
static int run_variants(uint8_t *buf, size_t n)
{
	int rc = LLVMFuzzerTestOneInput(buf, n);

	for (size_t k = 0; k < VARIANTS && n; k++) {
		size_t at = (n * k / VARIANTS + k * 7) % n;

		LLVMFuzzerTestOneInput(buf, n * k / VARIANTS);
		buf[at] ^= (uint8_t)(0x5a + k);
		LLVMFuzzerTestOneInput(buf, n);
		buf[at] ^= (uint8_t)(0x5a + k);
	}
	return rc == 0;
}

/* 0 for an input the parser accepts, 1 if rejected or unreadable. */
static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!fp || fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET))
		goto bad;
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n)
		goto bad;
	fclose(fp);
	n = !run_variants(buf, (size_t)n);
	free(buf);
	return (int)n;
bad:
	perror(path);
	free(buf);
	if (fp)
		fclose(fp);
	return 1;
}

/* driver SEED... [--may-reject FILE...]: seeds must be accepted, files
 * after --may-reject (saved crash reproducers) only must not crash. */
int main(int argc, char **argv)
{
	int rejected = 0, may_reject = 0, n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--may-reject")) {
			may_reject = 1;
			continue;
		}
		n++;
		if (run_file(argv[i]) && !may_reject) {
			fprintf(stderr, "%s: seed rejected\n", argv[i]);
			rejected++;
		}
	}
	printf("%s: %d inputs, %d seeds rejected\n", argv[0], n, rejected);
	return rejected != 0;
}
