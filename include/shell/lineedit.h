/*
 * Line editor: a terminal-agnostic state machine fed one input byte at a
 * time. It owns the line buffer, the history ring and the escape-sequence
 * parser; every byte it wants on the terminal goes through the write
 * callback, so it runs unchanged on a UART and in host unit tests.
 *
 * Terminal model: only basic VT100 is emitted while editing (printable
 * characters, "\b", ESC[K, ESC[nD, "\r", "\r\n", "\a"). The editor assumes
 * prompt + line fit on one terminal row: a backspace does not travel back
 * across an auto-wrapped row on most terminals. Input is 7-bit ASCII; bytes
 * >= 0x80 and unbound control characters are ignored.
 *
 * Long lines: the buffer holds LE_LINE_MAX - 1 characters. A key that
 * would make the line longer is refused with a bell ("\a") and the line is
 * left as it was, so a line handed to the caller is never truncated.
 *
 * Not thread-safe: one struct le is driven by one thread (the console).
 */
#ifndef SHELL_LINEEDIT_H
#define SHELL_LINEEDIT_H

#include <zvm/types.h>

#ifndef LE_LINE_MAX
#define LE_LINE_MAX 256		/* buffer size, including the NUL */
#endif
#ifndef LE_HISTORY_LEN
#define LE_HISTORY_LEN 16	/* entries kept in the history ring */
#endif

/* What le_feed() tells the caller after each byte. */
enum le_event {
	LE_NONE = 0,	/* byte consumed, nothing to do */
	LE_LINE,	/* Enter: the finished line is le_line() */
	LE_CANCEL,	/* Ctrl-C: line discarded ("^C" was echoed) */
	LE_EOF,		/* Ctrl-D on an empty line */
};

struct le;

typedef void (*le_write_fn)(void *ctx, const char *s, size_t n);

/*
 * Tab completion. `line` is the edit buffer and `cursor` the cursor index:
 * only line[0..cursor) is meaningful to the callback (it is not NUL
 * terminated there). The callback may call le_insert() to insert text at
 * the cursor. If it printed anything itself (e.g. a candidate list, which
 * should start with "\r\n" and end with a newline) it returns true and the
 * editor redraws the prompt and line below that output.
 */
typedef bool (*le_complete_fn)(void *ctx, struct le *le, const char *line, size_t cursor);

/* Escape-sequence parser state; internal. */
enum le_esc_state {
	LE_ESC_NONE,
	LE_ESC_START,	/* got ESC */
	LE_ESC_CSI,	/* got ESC [ */
	LE_ESC_SS3,	/* got ESC O */
};

struct le_history {
	char entry[LE_HISTORY_LEN][LE_LINE_MAX];
	unsigned int head;	/* slot the next entry goes to */
	unsigned int count;	/* valid entries, <= LE_HISTORY_LEN */
};

struct le {
	char buf[LE_LINE_MAX];	/* current line, always NUL-terminated */
	size_t len;		/* characters in buf */
	size_t cur;		/* cursor index, 0..len */
	/* What the terminal shows, so redraws emit only the difference. */
	size_t shown_len;
	size_t shown_cur;

	const char *prompt;
	le_write_fn write;
	void *write_ctx;
	le_complete_fn complete;
	void *complete_ctx;

	enum le_esc_state esc;
	unsigned int esc_param;	/* first CSI parameter, e.g. 3 in ESC[3~ */
	bool esc_sep;		/* past the first parameter (";" seen) */
	bool after_cr;		/* swallow the LF of a CRLF pair */
	bool done;		/* line returned; reset before editing again */

	struct le_history hist;
	int hist_pos;			/* -1: the line being typed; i: i-th newest entry */
	char saved[LE_LINE_MAX];	/* the line being typed while browsing history */
};

/* Set up an editor; `prompt` must outlive it. Prints nothing. */
void le_init(struct le *le, const char *prompt, le_write_fn write, void *ctx);

/* Install (or with fn == NULL remove) the Tab completion callback. */
void le_set_completion(struct le *le, le_complete_fn fn, void *ctx);

/* Start a new, empty line: prints the prompt. Call after le_init() and
 * after handling LE_LINE or LE_CANCEL (LE_EOF leaves the line as it was;
 * the caller decides whether it ends anything). Feeding a byte after
 * LE_LINE/LE_CANCEL without le_begin() starts an empty line silently. */
void le_begin(struct le *le);

/* Process one input byte. */
enum le_event le_feed(struct le *le, char c);

/* The finished line after LE_LINE; valid until le_begin(). */
const char *le_line(const struct le *le);

/* Insert n bytes at the cursor and echo them. Returns 0, or -ENOSPC (and
 * rings the bell, inserting nothing) when the line would not fit. */
int le_insert(struct le *le, const char *s, size_t n);

/* Redraw prompt and line on the current terminal row, e.g. after other
 * output (a log message) has garbled it. */
void le_redraw(struct le *le);

/* History access for a `history` command: index 0 is the newest entry.
 * le_history_get() returns NULL for an index out of range. */
size_t le_history_count(const struct le *le);
const char *le_history_get(const struct le *le, size_t i);

#endif
