/* Number parsing: decimal or 0x-hex, optional sign, optional size suffix;
 * command-line words. */
#include <lib/parse.h>
#include <lib/ctype.h>
#include <lib/string.h>
#include <zvm/errno.h>

/* Value of digit c in base (10 or 16), or -1. */
static int digit_in_base(char c, unsigned int base)
{
	int v = ch_hexval(c);

	return (v >= 0 && (unsigned int)v < base) ? v : -1;
}

static bool has_hex_prefix(const char *s)
{
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

int str_parse_u64(const char *s, const char **end, u64 *out)
{
	unsigned int base = 10;
	u64 v = 0;
	int d;
	const char *p;

	if (!s)
		return -EINVAL;
	if (has_hex_prefix(s)) {
		base = 16;
		s += 2;
	}
	for (p = s; (d = digit_in_base(*p, base)) >= 0; p++) {
		if (v > (UINT64_MAX - (u64)d) / base)
			return -ERANGE;
		v = v * base + (u64)d;
	}
	if (p == s)
		return -EINVAL;	/* no digits, or "0x" alone */
	if (end)
		*end = p;
	*out = v;
	return 0;
}

int str_to_u64(const char *s, u64 *out)
{
	const char *end;
	u64 v;
	int err = str_parse_u64(s, &end, &v);

	if (err)
		return err;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int str_to_s64(const char *s, s64 *out)
{
	bool neg = false;
	u64 v;
	int err;

	if (s && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	err = str_to_u64(s, &v);
	if (err)
		return err;
	/* The magnitude of INT64_MIN is one more than INT64_MAX. */
	if (v > (u64)INT64_MAX + neg)
		return -ERANGE;
	*out = neg ? (s64)(0 - v) : (s64)v;
	return 0;
}

/* Shift for a size suffix letter, or -1 when c is not one. */
static int suffix_shift(char c)
{
	switch (ch_tolower(c)) {
	case 'k': return 10;
	case 'm': return 20;
	case 'g': return 30;
	case 't': return 40;
	default: return -1;
	}
}

int str_to_size(const char *s, u64 *out)
{
	const char *end;
	u64 v;
	int shift = 0;
	int err = str_parse_u64(s, &end, &v);

	if (err)
		return err;
	if (*end) {
		shift = suffix_shift(*end);
		if (shift < 0 || end[1])
			return -EINVAL;
	}
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

bool cmdline_find(const char *args, const char *name, const char **val, size_t *len)
{
	size_t n = strlen(name);

	for (const char *p = args; *p; p++) {
		if ((p != args && p[-1] != ' ') || strncmp(p, name, n))
			continue;
		if (p[n] == ' ' || !p[n]) {
			*val = NULL;
			*len = 0;
			return true;
		}
		if (p[n] != '=')
			continue;
		*val = p + n + 1;
		for (*len = 0; (*val)[*len] && (*val)[*len] != ' '; (*len)++)
			;
		return true;
	}
	return false;
}
