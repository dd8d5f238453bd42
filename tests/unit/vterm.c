/* Virtual terminal for host tests; see tests/unit/include/vterm.h. */
#include <string.h>

#include "vterm.h"

void vt_init(struct vterm *vt)
{
	memset(vt, 0, sizeof(*vt));
}

void vt_clear_raw(struct vterm *vt)
{
	vt->raw_len = 0;
	vt->raw[0] = '\0';
}

static char *vt_cur(struct vterm *vt)
{
	return vt->rows[vt->row];
}

static void vt_newline(struct vterm *vt)
{
	if (vt->row == VT_ROWS - 1) {
		memmove(vt->rows[0], vt->rows[1], sizeof(vt->rows[0]) * (VT_ROWS - 1));
		vt->rows[VT_ROWS - 1][0] = '\0';
	} else {
		vt->row++;
	}
}

static void vt_put(struct vterm *vt, char c)
{
	char *r = vt_cur(vt);
	size_t len = strlen(r);

	if (vt->col >= VT_COLS) {
		vt->bad = true;
		return;
	}
	while (len < (size_t)vt->col)
		r[len++] = ' ';
	r[vt->col] = c;
	if ((size_t)vt->col == len)
		r[len + 1] = '\0';
	vt->col++;
}

static void vt_csi_final(struct vterm *vt, char c)
{
	char *r = vt_cur(vt);

	if (c == 'K' && vt->param == 0) {
		if ((size_t)vt->col < strlen(r))
			r[vt->col] = '\0';
	} else if (c == 'D' && vt->param > 0) {
		vt->col = vt->col > vt->param ? vt->col - vt->param : 0;
	} else {
		vt->bad = true;
	}
}

static void vt_byte(struct vterm *vt, char c)
{
	if (vt->esc == 1) {
		vt->esc = c == '[' ? 2 : 0;
		vt->param = 0;
		if (c != '[')
			vt->bad = true;
	} else if (vt->esc == 2) {
		if (c >= '0' && c <= '9') {
			vt->param = vt->param * 10 + (c - '0');
		} else {
			vt->esc = 0;
			vt_csi_final(vt, c);
		}
	} else if (c == 0x1b) {
		vt->esc = 1;
	} else if (c == '\r') {
		vt->col = 0;
	} else if (c == '\n') {
		vt_newline(vt);
	} else if (c == '\b') {
		if (vt->col > 0)
			vt->col--;
	} else if (c == '\a') {
		vt->bells++;
	} else if (c >= 0x20 && c < 0x7f) {
		vt_put(vt, c);
	} else {
		vt->bad = true;
	}
}

void vt_write(void *ctx, const char *s, size_t n)
{
	struct vterm *vt = ctx;

	for (size_t i = 0; i < n; i++) {
		vt_byte(vt, s[i]);
		if (vt->raw_len + 1 < VT_RAW) {
			vt->raw[vt->raw_len++] = s[i];
			vt->raw[vt->raw_len] = '\0';
		}
	}
}

const char *vt_line(const struct vterm *vt)
{
	return vt->rows[vt->row];
}

const char *vt_line_above(const struct vterm *vt, int back)
{
	return vt->row >= back ? vt->rows[vt->row - back] : "";
}
