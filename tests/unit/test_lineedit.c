/* Host tests of the line editor (shell/lineedit.c), replayed through a
 * virtual terminal so that what the user sees is checked, not bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <shell/lineedit.h>
#include <zvm/errno.h>
#include "vterm.h"

#define PROMPT "zvm> "
#define LEFT "\x1b[D"
#define RIGHT "\x1b[C"
#define UP "\x1b[A"
#define DOWN "\x1b[B"
#define HOME "\x1b[H"
#define END "\x1b[F"
#define DEL "\x1b[3~"
#define CTRL(k) ((k) & 0x1f)
/* Control keys as strings, to paste into key sequences. */
#define C_A "\x01"
#define C_B "\x02"
#define C_C "\x03"
#define C_E "\x05"
#define C_F "\x06"
#define C_K "\x0b"
#define C_L "\x0c"
#define C_N "\x0e"
#define C_P "\x10"
#define C_U "\x15"
#define C_W "\x17"

struct fx {
	struct le le;
	struct vterm vt;
	/* completion callback recording */
	char comp_seen[LE_LINE_MAX];
	size_t comp_cursor;
	int comp_calls;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	vt_init(&f->vt);
	le_init(&f->le, PROMPT, vt_write, &f->vt);
	le_begin(&f->le);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* Feed a string; returns the last event other than LE_NONE (or LE_NONE). */
static enum le_event feed(struct fx *f, const char *s)
{
	enum le_event last = LE_NONE, ev;

	for (; *s; s++) {
		ev = le_feed(&f->le, *s);
		if (ev != LE_NONE)
			last = ev;
	}
	return last;
}

static enum le_event feed_byte(struct fx *f, char c)
{
	return le_feed(&f->le, c);
}

static int count_events(struct fx *f, const char *s, enum le_event want)
{
	int n = 0;

	for (; *s; s++)
		if (le_feed(&f->le, *s) == want)
			n++;
	return n;
}

/* The editor's state and the terminal agree on `line` with the cursor at
 * index `cur`. */
static void check_screen(struct fx *f, const char *line, size_t cur)
{
	char want[LE_LINE_MAX + 16];

	snprintf(want, sizeof(want), "%s%s", PROMPT, line);
	assert_false(f->vt.bad);
	assert_string_equal(le_line(&f->le), line);
	assert_int_equal(f->le.cur, cur);
	assert_string_equal(vt_line(&f->vt), want);
	assert_int_equal(f->vt.col, strlen(PROMPT) + cur);
}

/* Type `keys`, then expect `line` with the cursor at `cur`. */
static void step(struct fx *f, const char *keys, const char *line, size_t cur)
{
	feed(f, keys);
	check_screen(f, line, cur);
}

/* Enter a line and start the next one, as the shell does. */
static void enter_line(struct fx *f, const char *s)
{
	feed(f, s);
	assert_int_equal(feed_byte(f, '\r'), LE_LINE);
	le_begin(&f->le);
}

static void test_prompt(void **state)
{
	struct fx *f = *state;

	check_screen(f, "", 0);
}

static void test_insert_and_enter(void **state)
{
	struct fx *f = *state;

	assert_int_equal(feed(f, "hello"), LE_NONE);
	check_screen(f, "hello", 5);
	assert_int_equal(feed_byte(f, '\r'), LE_LINE);
	assert_string_equal(le_line(&f->le), "hello");
	assert_string_equal(vt_line_above(&f->vt, 1), PROMPT "hello");
	assert_int_equal(f->vt.col, 0);
	le_begin(&f->le);
	check_screen(f, "", 0);
}

static void test_enter_variants(void **state)
{
	struct fx *f = *state;

	/* CRLF is one Enter; the LF after a CR is swallowed even after le_begin. */
	assert_int_equal(feed_byte(f, 'a'), LE_NONE);
	assert_int_equal(feed_byte(f, '\r'), LE_LINE);
	le_begin(&f->le);
	assert_int_equal(feed_byte(f, '\n'), LE_NONE);
	check_screen(f, "", 0);
	/* a lone LF is an Enter */
	assert_int_equal(feed(f, "b\n"), LE_LINE);
	assert_string_equal(le_line(&f->le), "b");
	le_begin(&f->le);
	/* CR CR is two lines, LF LF too */
	assert_int_equal(count_events(f, "\r\r", LE_LINE), 2);
	assert_int_equal(count_events(f, "\n", LE_LINE), 0);	/* CR LF */
	assert_int_equal(count_events(f, "\n\n", LE_LINE), 2);
	/* after a CR anything but LF is a normal key */
	le_begin(&f->le);
	assert_int_equal(count_events(f, "\rx", LE_LINE), 1);
	assert_string_equal(le_line(&f->le), "x");
}

static void test_feed_without_begin(void **state)
{
	struct fx *f = *state;

	feed(f, "abc\r");
	/* the caller forgot le_begin(): the next key starts an empty line */
	feed(f, "x");
	assert_string_equal(le_line(&f->le), "x");
	assert_int_equal(f->le.cur, 1);
}

static void test_backspace(void **state)
{
	struct fx *f = *state;

	step(f, "abcd" LEFT LEFT "\x7f", "acd", 1);
	step(f, "\b", "cd", 0);
	step(f, "\b\b\b", "cd", 0);
	step(f, END "\x7f", "c", 1);
}

static void test_delete_key(void **state)
{
	struct fx *f = *state;

	step(f, "abc" HOME DEL, "bc", 0);
	step(f, RIGHT DEL, "b", 1);
	step(f, DEL, "b", 1);
}

static void test_left_right(void **state)
{
	struct fx *f = *state;

	step(f, "abc" LEFT, "abc", 2);
	step(f, "\x1bOD", "abc", 1);
	step(f, "\x1bOC", "abc", 2);
	step(f, RIGHT RIGHT RIGHT, "abc", 3);
	step(f, LEFT LEFT LEFT LEFT LEFT, "abc", 0);
	step(f, "X", "Xabc", 1);
	step(f, RIGHT "Y", "XaYbc", 3);
}

static void test_ctrl_b_f(void **state)
{
	struct fx *f = *state;

	step(f, "ab" C_B C_B C_F "Z", "aZb", 2);
}

static void test_home_end_variants(void **state)
{
	struct fx *f = *state;
	static const char *const homes[] = { HOME, "\x1b[1~", "\x1b[7~", "\x01", "\x1bOH" };
	static const char *const ends[] = { END, "\x1b[4~", "\x1b[8~", "\x05", "\x1bOF" };

	feed(f, "hello");
	for (size_t i = 0; i < sizeof(homes) / sizeof(homes[0]); i++) {
		feed(f, homes[i]);
		check_screen(f, "hello", 0);
		feed(f, ends[i]);
		check_screen(f, "hello", 5);
	}
}

static void test_long_cursor_move(void **state)
{
	struct fx *f = *state;
	char line[121];

	memset(line, 'q', 120);
	line[120] = '\0';
	feed(f, line);
	vt_clear_raw(&f->vt);
	step(f, HOME, line, 0);
	assert_string_equal(f->vt.raw, "\x1b[120D");
}

static void test_kill_to_end_and_start(void **state)
{
	struct fx *f = *state;

	feed(f, "hello world" LEFT LEFT LEFT LEFT LEFT);
	step(f, C_K, "hello ", 6);
	feed(f, "there" LEFT LEFT);
	step(f, C_U, "re", 0);
	step(f, C_U, "re", 0);
}

static void test_delete_word(void **state)
{
	struct fx *f = *state;

	feed(f, "one two  three");
	step(f, C_W, "one two  ", 9);
	step(f, C_W, "one ", 4);
	feed(f, "alpha beta" LEFT LEFT);
	step(f, C_W, "one alpha ta", 10);
	step(f, C_W, "one ta", 4);
	step(f, C_W, "ta", 0);
	step(f, C_W, "ta", 0);
}

static void test_ctrl_l_redraws(void **state)
{
	struct fx *f = *state;

	feed(f, "abc" LEFT);
	vt_write(&f->vt, "kernel: some long log message", 29);
	step(f, C_L, "abc", 2);
	/* le_redraw() is the same for callers that printed over the line */
	vt_write(&f->vt, "\r\nlog\r\n", 7);
	le_redraw(&f->le);
	check_screen(f, "abc", 2);
}

static void test_ctrl_c_cancels(void **state)
{
	struct fx *f = *state;

	feed(f, "abc");
	vt_clear_raw(&f->vt);
	assert_int_equal(feed_byte(f, CTRL('C')), LE_CANCEL);
	assert_string_equal(f->vt.raw, "^C\r\n");
	assert_string_equal(le_line(&f->le), "");
	assert_int_equal(le_history_count(&f->le), 0);
	le_begin(&f->le);
	check_screen(f, "", 0);
	assert_string_equal(vt_line_above(&f->vt, 1), PROMPT "abc^C");
}

static void test_ctrl_d(void **state)
{
	struct fx *f = *state;

	assert_int_equal(feed_byte(f, CTRL('D')), LE_EOF);
	check_screen(f, "", 0);
	feed(f, "ab" LEFT);
	assert_int_equal(feed_byte(f, CTRL('D')), LE_NONE);
	check_screen(f, "a", 1);
}

static void test_history_navigation(void **state)
{
	struct fx *f = *state;

	enter_line(f, "one");
	enter_line(f, "two");
	enter_line(f, "two");	/* duplicate of the previous: not stored */
	enter_line(f, "");	/* empty and blank: not stored */
	enter_line(f, "   ");
	enter_line(f, "three");
	assert_int_equal(le_history_count(&f->le), 3);
	assert_string_equal(le_history_get(&f->le, 0), "three");
	assert_string_equal(le_history_get(&f->le, 2), "one");
	assert_null(le_history_get(&f->le, 3));

	step(f, UP, "three", 5);
	step(f, C_P, "two", 3);
	step(f, UP, "one", 3);
	feed(f, UP);	/* nothing older: bell, line kept */
	assert_int_equal(f->vt.bells, 1);
	check_screen(f, "one", 3);
	step(f, DOWN, "two", 3);
	step(f, C_N, "three", 5);
	step(f, DOWN, "", 0);
	feed(f, DOWN);	/* already at the line being typed */
	assert_int_equal(f->vt.bells, 2);
	check_screen(f, "", 0);
}

static void test_history_keeps_typed_line(void **state)
{
	struct fx *f = *state;

	enter_line(f, "a much longer previous command");
	feed(f, "draft" LEFT);
	step(f, UP, "a much longer previous command", 30);
	step(f, DOWN, "draft", 5);
}

static void test_history_edit_does_not_corrupt(void **state)
{
	struct fx *f = *state;

	enter_line(f, "first");
	enter_line(f, "second");
	step(f, UP "\x7f" "X", "seconX", 6);
	step(f, UP, "first", 5);
	feed(f, DOWN);	/* edits of a recalled line are dropped on leaving it */
	check_screen(f, "second", 6);
	feed(f, "\x7f" "Y");
	assert_int_equal(feed_byte(f, '\r'), LE_LINE);
	assert_string_equal(le_line(&f->le), "seconY");
	le_begin(&f->le);
	assert_int_equal(le_history_count(&f->le), 3);
	assert_string_equal(le_history_get(&f->le, 0), "seconY");
	assert_string_equal(le_history_get(&f->le, 1), "second");
	assert_string_equal(le_history_get(&f->le, 2), "first");
}

static void test_history_ring_wraps(void **state)
{
	struct fx *f = *state;
	char line[32];
	int total = LE_HISTORY_LEN + 3;

	for (int i = 0; i < total; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		enter_line(f, line);
	}
	assert_int_equal(le_history_count(&f->le), LE_HISTORY_LEN);
	snprintf(line, sizeof(line), "cmd%d", total - 1);
	assert_string_equal(le_history_get(&f->le, 0), line);
	assert_string_equal(le_history_get(&f->le, LE_HISTORY_LEN - 1), "cmd3");
	for (int i = 0; i < LE_HISTORY_LEN; i++)
		feed(f, UP);
	check_screen(f, "cmd3", 4);
	assert_int_equal(f->vt.bells, 0);
	feed(f, UP);
	assert_int_equal(f->vt.bells, 1);
}

static void test_ctrl_c_leaves_history_browsing(void **state)
{
	struct fx *f = *state;

	enter_line(f, "old");
	feed(f, UP);
	feed(f, C_C);
	le_begin(&f->le);
	step(f, UP, "old", 3);
}

/* Completion callback: records its input; completes "ex" to "example". */
static bool complete_insert(void *ctx, struct le *le, const char *line, size_t cursor)
{
	struct fx *f = ctx;

	memcpy(f->comp_seen, line, cursor);
	f->comp_seen[cursor] = '\0';
	f->comp_cursor = cursor;
	f->comp_calls++;
	if (strcmp(f->comp_seen, "ex") == 0)
		assert_int_equal(le_insert(le, "ample", 5), 0);
	return false;
}

/* Completion callback that lists candidates on its own lines. */
static bool complete_list(void *ctx, struct le *le, const char *line, size_t cursor)
{
	struct fx *f = ctx;

	vt_write(&f->vt, "\r\nexit  example\r\n", 17);
	return true;
}

static void test_tab_inserts(void **state)
{
	struct fx *f = *state;

	le_set_completion(&f->le, complete_insert, f);
	feed(f, "ex rest" LEFT LEFT LEFT LEFT LEFT "\t");
	assert_int_equal(f->comp_calls, 1);
	assert_string_equal(f->comp_seen, "ex");
	assert_int_equal(f->comp_cursor, 2);
	check_screen(f, "example rest", 7);
}

static void test_tab_lists_and_redraws(void **state)
{
	struct fx *f = *state;

	le_set_completion(&f->le, complete_list, f);
	feed(f, "ex" "\t");
	assert_string_equal(vt_line_above(&f->vt, 2), PROMPT "ex");
	assert_string_equal(vt_line_above(&f->vt, 1), "exit  example");
	check_screen(f, "ex", 2);
}

static void test_tab_without_completion(void **state)
{
	struct fx *f = *state;

	step(f, "a\tb", "ab", 2);
	assert_int_equal(f->vt.bells, 1);
}

static void test_overflow_refused(void **state)
{
	struct fx *f = *state;
	char big[LE_LINE_MAX + 50];
	char full[LE_LINE_MAX];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(full, big, LE_LINE_MAX - 1);
	full[LE_LINE_MAX - 1] = '\0';

	step(f, big, full, LE_LINE_MAX - 1);
	assert_int_equal(f->vt.bells, (int)sizeof(big) - 1 - (LE_LINE_MAX - 1));
	/* mid-line insertion is refused too, and the line is intact */
	step(f, HOME "b", full, 0);
	assert_int_equal(le_insert(&f->le, "x", 1), -ENOSPC);
	/* deleting makes room again */
	feed(f, DEL "b");
	full[0] = 'b';
	check_screen(f, full, 1);
	assert_int_equal(feed_byte(f, '\r'), LE_LINE);
	assert_int_equal(strlen(le_line(&f->le)), LE_LINE_MAX - 1);
}

static void test_le_insert_too_long(void **state)
{
	struct fx *f = *state;
	char big[LE_LINE_MAX];

	memset(big, 'z', sizeof(big));
	assert_int_equal(le_insert(&f->le, big, sizeof(big)), -ENOSPC);
	check_screen(f, "", 0);
	assert_int_equal(le_insert(&f->le, big, sizeof(big) - 1), 0);
	assert_int_equal(f->le.len, LE_LINE_MAX - 1);
}

static void test_escape_split_across_feeds(void **state)
{
	struct fx *f = *state;

	feed(f, "abc");
	feed_byte(f, 0x1b);
	check_screen(f, "abc", 3);
	feed_byte(f, '[');
	check_screen(f, "abc", 3);
	feed_byte(f, 'D');
	check_screen(f, "abc", 2);
	step(f, "\x1b[", "abc", 2);
	step(f, "3", "abc", 2);
	step(f, "~", "ab", 2);
	feed_byte(f, 0x1b);
	feed_byte(f, 'O');
	feed_byte(f, 'H');
	check_screen(f, "ab", 0);
}

static void test_unknown_escapes_swallowed(void **state)
{
	struct fx *f = *state;

	feed(f, "ab");
	step(f, "\x1b[Z" "\x1b[99~" "\x1b[2~" "\x1bx" "\x1bOP" "\x1b[?25h" "\x1b[123456789~", "ab", 2);
	assert_int_equal(f->vt.bells, 0);
	/* modified arrows keep their meaning: only the first parameter counts */
	feed(f, "\x1b[1;5D");
	check_screen(f, "ab", 1);
	feed(f, "\x1b[3;5~");
	check_screen(f, "a", 1);
	/* ESC ESC [ D: the second ESC restarts the sequence */
	step(f, "\x1b\x1b[D", "a", 0);
}

static void test_escape_aborted_by_control(void **state)
{
	struct fx *f = *state;

	feed(f, "ab\x1b");
	assert_int_equal(feed_byte(f, '\r'), LE_LINE);
	assert_string_equal(le_line(&f->le), "ab");
	le_begin(&f->le);
	feed(f, "cd\x1b[1");
	feed_byte(f, 0x7f);	/* not C0 and not a final byte: ends the CSI, swallowed */
	feed_byte(f, CTRL('B'));
	check_screen(f, "cd", 1);
}

static void test_non_ascii_and_controls_ignored(void **state)
{
	struct fx *f = *state;

	step(f, "a\xc3\xa9" "\x07\x14\x1c" "b", "ab", 2);
}

/* Deterministic random key mashing: after every key the terminal must show
 * exactly the editor's line with the cursor in the right column. */
static void test_random_edits_match_terminal(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = {
		"a", "b", "z", " ", "0", LEFT, RIGHT, HOME, END, DEL, "\x7f", "\b",
		C_W, C_U, C_K, C_A, C_E, C_B, C_F, UP, DOWN,
		C_P, C_N, C_L, "\x04", "\x1bOD", "\x1b[1~", "\x1b[4~",
		"hello world", "\r",
	};
	uint32_t seed = 12345;
	enum le_event ev;

	enter_line(f, "short");
	enter_line(f, "a considerably longer history line with words");
	enter_line(f, "mid length line");
	for (int step = 0; step < 20000; step++) {
		seed = seed * 1103515245u + 12345u;
		ev = feed(f, keys[(seed >> 16) % (sizeof(keys) / sizeof(keys[0]))]);
		if (ev == LE_LINE)
			le_begin(&f->le);
		check_screen(f, le_line(&f->le), f->le.cur);
		assert_true(f->le.len < LE_LINE_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_prompt),
		T(test_insert_and_enter),
		T(test_enter_variants),
		T(test_feed_without_begin),
		T(test_backspace),
		T(test_delete_key),
		T(test_left_right),
		T(test_ctrl_b_f),
		T(test_home_end_variants),
		T(test_long_cursor_move),
		T(test_kill_to_end_and_start),
		T(test_delete_word),
		T(test_ctrl_l_redraws),
		T(test_ctrl_c_cancels),
		T(test_ctrl_d),
		T(test_history_navigation),
		T(test_history_keeps_typed_line),
		T(test_history_edit_does_not_corrupt),
		T(test_history_ring_wraps),
		T(test_ctrl_c_leaves_history_browsing),
		T(test_tab_inserts),
		T(test_tab_lists_and_redraws),
		T(test_tab_without_completion),
		T(test_overflow_refused),
		T(test_le_insert_too_long),
		T(test_escape_split_across_feeds),
		T(test_unknown_escapes_swallowed),
		T(test_escape_aborted_by_control),
		T(test_non_ascii_and_controls_ignored),
		T(test_random_edits_match_terminal),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
