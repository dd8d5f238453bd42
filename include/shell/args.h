/*
 * Command-line splitting and option parsing for shell commands. Nothing
 * here allocates or keeps global state, so commands on different consoles
 * (or nested in scripts) can parse at the same time.
 */
#ifndef SHELL_ARGS_H
#define SHELL_ARGS_H

#include <zvm/types.h>

/*
 * Split `line` in place into words separated by blanks (space, \t \n \v \f
 * \r). Quoting follows the POSIX shell in a reduced form:
 *   'single'  everything literal up to the closing quote;
 *   "double"  literal except \" and \\ which give " and \;
 *   \c        outside quotes, the character c taken literally;
 * quoted and unquoted parts next to each other form one word (a"b c"d is
 * `ab cd`), and "" or '' is an empty word. A trailing lone backslash is
 * kept as a backslash.
 *
 * argv has room for `argv_cap` pointers: at most argv_cap - 1 words are
 * stored and argv[argc] is always NULL, as for a C main().
 * Returns argc (>= 0), -E2BIG when there are more words than fit, or
 * -EINVAL for an unterminated quote. On error `line` is partly rewritten
 * and argv must not be used.
 */
int args_split(char *line, char **argv, int argv_cap);

/* Return values of args_getopt() besides an option character. */
#define ARGS_OPT_END     (-1)	/* no more options: st->index is the first operand */
#define ARGS_OPT_UNKNOWN (-2)	/* st->opt is not in optstring */
#define ARGS_OPT_NOARG   (-3)	/* st->opt needs an argument and none is left */

/* Option parser state. Initialise with args_opt_init() for every argv. */
struct args_opt {
	int index;		/* next argv element to look at (starts at 1) */
	int pos;		/* offset inside a cluster such as -abc; 0 if none */
	char opt;		/* option just returned, or the offending one */
	const char *arg;	/* argument of `opt` if it takes one, else NULL */
};

void args_opt_init(struct args_opt *st);

/*
 * getopt(3)-style scan of argv[st->index...]. optstring lists the option
 * characters; one followed by ':' takes an argument, given either attached
 * (-n3) or as the next word (-n 3). Options may be clustered (-ab). The
 * scan stops at the first non-option word, at "-" (an operand), or after
 * "--" (consumed). Returns the option character, ARGS_OPT_END,
 * ARGS_OPT_UNKNOWN or ARGS_OPT_NOARG (the last two with st->opt set).
 */
int args_getopt(struct args_opt *st, int argc, char *const argv[], const char *optstring);

#endif
