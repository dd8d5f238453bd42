/*
 * A tiny virtual terminal for host tests of console output: it replays
 * the byte stream a line editor or shell emits and keeps the screen rows
 * and cursor column, so tests check what the user would see rather than
 * the exact escape bytes. Understands printable ASCII, \r, \n, \b, \a,
 * ESC[K (erase to end of row) and ESC[nD (cursor left); anything else
 * sets `bad` so the test fails.
 */
#ifndef TESTS_VTERM_H
#define TESTS_VTERM_H

#include <stdbool.h>
#include <stddef.h>

#define VT_ROWS 64
#define VT_COLS 1024
#define VT_RAW 65536

struct vterm {
	char rows[VT_ROWS][VT_COLS + 1];	/* NUL-terminated row text */
	int row;				/* cursor row */
	int col;				/* cursor column */
	int bells;
	bool bad;				/* an unsupported byte was seen */
	int esc;				/* 0 none, 1 after ESC, 2 in CSI */
	int param;
	char raw[VT_RAW];			/* everything written, NUL-terminated */
	size_t raw_len;
};

void vt_init(struct vterm *vt);
/* Matches le_write_fn and shell_io.write; ctx is the struct vterm. */
void vt_write(void *ctx, const char *s, size_t n);
/* Text of the cursor row, and of the row `back` rows above it. */
const char *vt_line(const struct vterm *vt);
const char *vt_line_above(const struct vterm *vt, int back);
/* Forget the raw log (rows and cursor stay). */
void vt_clear_raw(struct vterm *vt);

#endif
