/* Word splitting and option parsing; see include/shell/args.h. */
#include <shell/args.h>
#include <zvm/errno.h>
#include <lib/ctype.h>
#include <lib/string.h>

/*
 * Copy one word starting at *rp to wp, removing quotes and escapes, and
 * NUL-terminate it. The write pointer never passes the read pointer, so
 * this works in place. Leaves *rp on the blank or NUL after the word.
 */
static int args_word(char **rp, char *wp)
{
	char *r = *rp;
	char quote = 0;

	for (; *r && (quote || !ch_isspace(*r)); r++) {
		if (quote == '\'' && *r != '\'')
			*wp++ = *r;
		else if (quote == '"' && *r == '\\' && (r[1] == '"' || r[1] == '\\'))
			*wp++ = *++r;
		else if (quote && *r == quote)
			quote = 0;
		else if (quote)
			*wp++ = *r;
		else if (*r == '\'' || *r == '"')
			quote = *r;
		else if (*r == '\\' && r[1])
			*wp++ = *++r;
		else
			*wp++ = *r;
	}
	if (quote)
		return -EINVAL;
	/* wp <= r: the terminator may land on the blank that ended the word,
	 * so step past that blank first. */
	*rp = *r ? r + 1 : r;
	*wp = '\0';
	return 0;
}

int args_split(char *line, char **argv, int argv_cap)
{
	int argc = 0;
	char *r = line;
	int err;

	if (argv_cap < 1)
		return -E2BIG;
	for (;;) {
		while (ch_isspace(*r))
			r++;
		if (!*r)
			break;
		if (argc == argv_cap - 1)
			return -E2BIG;
		argv[argc++] = r;
		err = args_word(&r, argv[argc - 1]);
		if (err)
			return err;
	}
	argv[argc] = NULL;
	return argc;
}

void args_opt_init(struct args_opt *st)
{
	st->index = 1;
	st->pos = 0;
	st->opt = 0;
	st->arg = NULL;
}

/* Is argv[st->index] the start of an option word? Consumes "--". */
static bool args_opt_next_word(struct args_opt *st, int argc, char *const argv[])
{
	const char *w;

	if (st->index >= argc)
		return false;
	w = argv[st->index];
	if (w[0] != '-' || w[1] == '\0')
		return false;
	if (w[1] == '-' && w[2] == '\0') {
		st->index++;
		return false;
	}
	st->pos = 1;
	return true;
}

/* Step past the current option character, to the next word if the
 * cluster is used up. */
static void args_opt_advance(struct args_opt *st, char *const argv[])
{
	if (argv[st->index][++st->pos] == '\0') {
		st->index++;
		st->pos = 0;
	}
}

/* The option takes an argument: the rest of this word, else the next. */
static int args_opt_take_arg(struct args_opt *st, int argc, char *const argv[])
{
	const char *rest = argv[st->index] + st->pos + 1;

	st->index++;
	st->pos = 0;
	if (*rest) {
		st->arg = rest;
		return st->opt;
	}
	if (st->index >= argc)
		return ARGS_OPT_NOARG;
	st->arg = argv[st->index++];
	return st->opt;
}

int args_getopt(struct args_opt *st, int argc, char *const argv[], const char *optstring)
{
	const char *spec;

	st->arg = NULL;
	if (st->pos == 0 && !args_opt_next_word(st, argc, argv))
		return ARGS_OPT_END;
	st->opt = argv[st->index][st->pos];
	spec = st->opt == ':' ? NULL : strchr(optstring, st->opt);
	if (!spec) {
		args_opt_advance(st, argv);
		return ARGS_OPT_UNKNOWN;
	}
	if (spec[1] == ':')
		return args_opt_take_arg(st, argc, argv);
	args_opt_advance(st, argv);
	return st->opt;
}
