/*
 * Line editor state machine; see include/shell/lineedit.h for the contract.
 *
 * Rendering works by difference: `shown_len`/`shown_cur` record what the
 * terminal displays, every edit changes buf and then calls le_sync() with
 * the first index that changed, which rewrites only the tail from there.
 */
#include <shell/lineedit.h>
#include <zvm/errno.h>
#include <lib/ctype.h>
#include <lib/string.h>

#define CTRL(k) ((k) & 0x1f)
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f
#define LE_CSI_PARAM_MAX 1000	/* clamp: only small parameters mean anything */

/* ---- output ----------------------------------------------------------- */

static void le_out(struct le *le, const char *s, size_t n)
{
	if (n)
		le->write(le->write_ctx, s, n);
}

static void le_puts(struct le *le, const char *s)
{
	le_out(le, s, strlen(s));
}

static void le_bell(struct le *le)
{
	le_puts(le, "\a");
}

/* Cursor left by n columns: "\b" for one (shortest), ESC[nD otherwise. */
static void le_cursor_left(struct le *le, size_t n)
{
	char seq[24];
	char digits[20];
	size_t nd = 0, i = 0;

	if (n == 0)
		return;
	if (n == 1) {
		le_puts(le, "\b");
		return;
	}
	for (; n; n /= 10)
		digits[nd++] = (char)('0' + n % 10);
	seq[i++] = KEY_ESC;
	seq[i++] = '[';
	while (nd)
		seq[i++] = digits[--nd];
	seq[i++] = 'D';
	le_out(le, seq, i);
}

/* Move the terminal cursor to line index pos. Moving right rewrites the
 * characters in between instead of ESC[nC: they are unchanged on screen. */
static void le_goto(struct le *le, size_t pos)
{
	if (pos < le->shown_cur)
		le_cursor_left(le, le->shown_cur - pos);
	else
		le_out(le, le->buf + le->shown_cur, pos - le->shown_cur);
	le->shown_cur = pos;
}

/* Bring the terminal in line with buf, given that buf[0..from) is what
 * the terminal already shows. Ends with the terminal cursor at cur. */
static void le_sync(struct le *le, size_t from)
{
	le_goto(le, from);
	le_out(le, le->buf + from, le->len - from);
	if (le->shown_len > le->len)
		le_puts(le, "\x1b[K");
	le->shown_cur = le->len;
	le->shown_len = le->len;
	le_goto(le, le->cur);
}

/* ---- buffer edits ----------------------------------------------------- */

static void le_clear(struct le *le)
{
	le->len = 0;
	le->cur = 0;
	le->buf[0] = '\0';
}

/* Fresh empty line with the terminal cursor right after the prompt. */
static void le_reset(struct le *le)
{
	le_clear(le);
	le->shown_len = 0;
	le->shown_cur = 0;
	le->hist_pos = -1;
	le->done = false;
}

int le_insert(struct le *le, const char *s, size_t n)
{
	size_t from = le->cur;

	if (n > LE_LINE_MAX - 1 - le->len) {
		le_bell(le);
		return -ENOSPC;
	}
	memmove(le->buf + from + n, le->buf + from, le->len - from + 1);
	memcpy(le->buf + from, s, n);
	le->len += n;
	le->cur += n;
	le_sync(le, from);
	return 0;
}

/* Remove buf[start..end) and leave the cursor at start. */
static void le_delete_range(struct le *le, size_t start, size_t end)
{
	if (start >= end)
		return;
	memmove(le->buf + start, le->buf + end, le->len - end + 1);
	le->len -= end - start;
	le->cur = start;
	le_sync(le, start);
}

/* Replace the whole line (history recall), cursor at the end. */
static void le_set_line(struct le *le, const char *s)
{
	le->len = strlen(s);
	memcpy(le->buf, s, le->len + 1);
	le->cur = le->len;
	le_sync(le, 0);
}

static void le_move_to(struct le *le, size_t pos)
{
	le->cur = pos;
	le_goto(le, pos);
}

/* ---- key actions ------------------------------------------------------ */

static void le_left(struct le *le)
{
	if (le->cur > 0)
		le_move_to(le, le->cur - 1);
}

static void le_right(struct le *le)
{
	if (le->cur < le->len)
		le_move_to(le, le->cur + 1);
}

static void le_backspace(struct le *le)
{
	if (le->cur > 0)
		le_delete_range(le, le->cur - 1, le->cur);
}

static void le_delete_fwd(struct le *le)
{
	if (le->cur < le->len)
		le_delete_range(le, le->cur, le->cur + 1);
}

/* Ctrl-W: the blanks before the cursor, then the word before them. */
static void le_delete_word(struct le *le)
{
	size_t start = le->cur;

	while (start > 0 && ch_isspace(le->buf[start - 1]))
		start--;
	while (start > 0 && !ch_isspace(le->buf[start - 1]))
		start--;
	le_delete_range(le, start, le->cur);
}

static void le_tab(struct le *le)
{
	if (!le->complete) {
		le_bell(le);
		return;
	}
	if (le->complete(le->complete_ctx, le, le->buf, le->cur))
		le_redraw(le);
}

/* ---- history ---------------------------------------------------------- */

static const char *le_hist_entry(const struct le_history *h, size_t i)
{
	return h->entry[(h->head + LE_HISTORY_LEN - 1 - i) % LE_HISTORY_LEN];
}

static bool le_is_blank(const char *s)
{
	for (; *s; s++)
		if (!ch_isspace(*s))
			return false;
	return true;
}

static void le_hist_add(struct le *le)
{
	struct le_history *h = &le->hist;

	if (le_is_blank(le->buf))
		return;
	if (h->count && strcmp(le_hist_entry(h, 0), le->buf) == 0)
		return;
	memcpy(h->entry[h->head], le->buf, le->len + 1);
	h->head = (h->head + 1) % LE_HISTORY_LEN;
	if (h->count < LE_HISTORY_LEN)
		h->count++;
}

/* Recalled lines are copied into buf, so editing them never touches the
 * ring; the line being typed is parked in `saved` while browsing. */
static void le_hist_up(struct le *le)
{
	if (le->hist_pos + 1 >= (int)le->hist.count) {
		le_bell(le);
		return;
	}
	if (le->hist_pos < 0)
		memcpy(le->saved, le->buf, le->len + 1);
	le->hist_pos++;
	le_set_line(le, le_hist_entry(&le->hist, (size_t)le->hist_pos));
}

static void le_hist_down(struct le *le)
{
	if (le->hist_pos < 0) {
		le_bell(le);
		return;
	}
	le->hist_pos--;
	if (le->hist_pos < 0)
		le_set_line(le, le->saved);
	else
		le_set_line(le, le_hist_entry(&le->hist, (size_t)le->hist_pos));
}

size_t le_history_count(const struct le *le)
{
	return le->hist.count;
}

const char *le_history_get(const struct le *le, size_t i)
{
	if (i >= le->hist.count)
		return NULL;
	return le_hist_entry(&le->hist, i);
}

/* ---- end of line ------------------------------------------------------ */

/* The line is handed to the caller; le_begin() (or the next key) resets. */
static enum le_event le_finish(struct le *le, enum le_event ev)
{
	le->hist_pos = -1;
	le->done = true;
	return ev;
}

static enum le_event le_accept(struct le *le)
{
	le_puts(le, "\r\n");
	le_hist_add(le);
	return le_finish(le, LE_LINE);
}

static enum le_event le_cancel(struct le *le)
{
	le_puts(le, "^C\r\n");
	le_clear(le);
	return le_finish(le, LE_CANCEL);
}

static enum le_event le_ctrl_d(struct le *le)
{
	if (le->len == 0)
		return LE_EOF;
	le_delete_fwd(le);
	return LE_NONE;
}

/* ---- input decoding --------------------------------------------------- */

/* Control keys that map straight to an action without a result. */
static bool le_simple_ctrl(struct le *le, char c)
{
	switch (c) {
	case CTRL('A'): le_move_to(le, 0); break;
	case CTRL('E'): le_move_to(le, le->len); break;
	case CTRL('B'): le_left(le); break;
	case CTRL('F'): le_right(le); break;
	case CTRL('H'):
	case KEY_DEL: le_backspace(le); break;
	case CTRL('K'): le_delete_range(le, le->cur, le->len); break;
	case CTRL('U'): le_delete_range(le, 0, le->cur); break;
	case CTRL('W'): le_delete_word(le); break;
	case CTRL('L'): le_redraw(le); break;
	case CTRL('P'): le_hist_up(le); break;
	case CTRL('N'): le_hist_down(le); break;
	case '\t': le_tab(le); break;
	default: return false;
	}
	return true;
}

static enum le_event le_key(struct le *le, char c)
{
	switch (c) {
	case '\r':
		le->after_cr = true;
		return le_accept(le);
	case '\n':
		return le_accept(le);
	case CTRL('C'):
		return le_cancel(le);
	case CTRL('D'):
		return le_ctrl_d(le);
	case KEY_ESC:
		le->esc = LE_ESC_START;
		return LE_NONE;
	}
	if (!le_simple_ctrl(le, c) && ch_isprint(c))
		le_insert(le, &c, 1);
	return LE_NONE;
}

/* Final byte of ESC[ (with its first numeric parameter) or ESC O. Anything
 * unknown is swallowed so it never lands in the line. */
static void le_csi_final(struct le *le, char c, unsigned int param)
{
	switch (c) {
	case 'A': le_hist_up(le); break;
	case 'B': le_hist_down(le); break;
	case 'C': le_right(le); break;
	case 'D': le_left(le); break;
	case 'H': le_move_to(le, 0); break;
	case 'F': le_move_to(le, le->len); break;
	case '~':
		if (param == 1 || param == 7)
			le_move_to(le, 0);
		else if (param == 4 || param == 8)
			le_move_to(le, le->len);
		else if (param == 3)
			le_delete_fwd(le);
		break;
	}
}

static bool le_is_c0(char c)
{
	return (unsigned char)c < 0x20;
}

static bool le_is_final(char c)
{
	return c >= 0x40 && c <= 0x7e;
}

/* Inside ESC[: parameters and intermediates until a final byte. Only the
 * first parameter is kept (ESC[3;5~ is still Delete). */
static void le_csi_byte(struct le *le, char c)
{
	if (ch_isdigit(c)) {
		if (!le->esc_sep && le->esc_param < LE_CSI_PARAM_MAX)
			le->esc_param = le->esc_param * 10 + (unsigned int)(c - '0');
		return;
	}
	if (c >= 0x20 && c <= 0x3f) {
		le->esc_sep = true;
		return;
	}
	le->esc = LE_ESC_NONE;
	if (le_is_final(c))
		le_csi_final(le, c, le->esc_param);
}

/* A byte while an escape sequence is open. A C0 control byte aborts the
 * sequence and is then handled as a key, so a stray ESC cannot eat Enter. */
static enum le_event le_esc_byte(struct le *le, char c)
{
	enum le_esc_state st = le->esc;

	if (le_is_c0(c) && c != KEY_ESC) {
		le->esc = LE_ESC_NONE;
		return le_key(le, c);
	}
	if (st == LE_ESC_CSI) {
		le_csi_byte(le, c);
		return LE_NONE;
	}
	le->esc = LE_ESC_NONE;
	if (st == LE_ESC_SS3 && le_is_final(c))
		le_csi_final(le, c, 0);
	else if (st == LE_ESC_START && c == KEY_ESC)
		le->esc = LE_ESC_START;
	else if (st == LE_ESC_START && (c == '[' || c == 'O')) {
		le->esc = c == '[' ? LE_ESC_CSI : LE_ESC_SS3;
		le->esc_param = 0;
		le->esc_sep = false;
	}
	return LE_NONE;
}

enum le_event le_feed(struct le *le, char c)
{
	bool after_cr = le->after_cr;

	le->after_cr = false;
	if (after_cr && c == '\n')
		return LE_NONE;
	if (le->done)
		le_reset(le);	/* the caller skipped le_begin(): no prompt */
	if (le->esc != LE_ESC_NONE)
		return le_esc_byte(le, c);
	return le_key(le, c);
}

/* ---- setup ------------------------------------------------------------ */

void le_redraw(struct le *le)
{
	le_puts(le, "\r\x1b[K");
	le_puts(le, le->prompt);
	le_out(le, le->buf, le->len);
	le->shown_cur = le->len;
	le->shown_len = le->len;
	le_goto(le, le->cur);
}

void le_begin(struct le *le)
{
	le_reset(le);
	le_puts(le, le->prompt);
}

const char *le_line(const struct le *le)
{
	return le->buf;
}

void le_set_completion(struct le *le, le_complete_fn fn, void *ctx)
{
	le->complete = fn;
	le->complete_ctx = ctx;
}

void le_init(struct le *le, const char *prompt, le_write_fn write, void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->prompt = prompt;
	le->write = write;
	le->write_ctx = ctx;
	le->esc = LE_ESC_NONE;
	le->hist_pos = -1;
}
