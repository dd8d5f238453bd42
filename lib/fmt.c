/*
 * printf engine. A conversion is parsed into struct fmt_spec, then rendered
 * as: [spaces] [sign/prefix] [zeros] digits [spaces]. The va_list lives in
 * struct fmt_state so helpers can consume arguments through a pointer (a
 * va_list passed by value and then reused by the caller is undefined).
 */
#include <lib/fmt.h>
#include <lib/string.h>
#include <lib/ctype.h>

enum {
	FL_MINUS = 1 << 0,	/* left-justify */
	FL_ZERO = 1 << 1,	/* pad numbers with zeros */
	FL_PLUS = 1 << 2,	/* always print a sign */
	FL_SPACE = 1 << 3,	/* space in place of '+' */
	FL_HASH = 1 << 4,	/* alternate form: 0x / leading 0 */
};

enum fmt_len { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

struct fmt_spec {
	unsigned int flags;
	int width;
	int prec;		/* -1: not given */
	enum fmt_len len;
	char conv;
};

struct fmt_state {
	fmt_out_fn out;
	void *ctx;
	int count;
	va_list ap;
};

static void emit(struct fmt_state *st, char c)
{
	st->out(st->ctx, c);
	st->count++;
}

static void emit_n(struct fmt_state *st, char c, int n)
{
	while (n-- > 0)
		emit(st, c);
}

static void emit_str(struct fmt_state *st, const char *s, size_t n)
{
	while (n--)
		emit(st, *s++);
}

/* ---- parsing ----------------------------------------------------------- */

static unsigned int flag_bit(char c)
{
	switch (c) {
	case '-': return FL_MINUS;
	case '0': return FL_ZERO;
	case '+': return FL_PLUS;
	case ' ': return FL_SPACE;
	case '#': return FL_HASH;
	default: return 0;
	}
}

/* Decimal digits, saturating at INT_MAX instead of overflowing. */
static int parse_int(const char **pp)
{
	const char *p = *pp;
	int v = 0;

	for (; ch_isdigit(*p); p++)
		v = v > (INT32_MAX - 9) / 10 ? INT32_MAX : v * 10 + (*p - '0');
	*pp = p;
	return v;
}

static const char *parse_width(struct fmt_state *st, const char *p, struct fmt_spec *sp)
{
	if (*p != '*') {
		sp->width = parse_int(&p);
		return p;
	}
	sp->width = va_arg(st->ap, int);
	if (sp->width < 0) {	/* negative '*' width means '-' flag */
		sp->flags |= FL_MINUS;
		sp->width = sp->width == INT32_MIN ? INT32_MAX : -sp->width;
	}
	return p + 1;
}

static const char *parse_prec(struct fmt_state *st, const char *p, struct fmt_spec *sp)
{
	sp->prec = -1;
	if (*p != '.')
		return p;
	p++;
	if (*p != '*') {
		sp->prec = parse_int(&p);
		return p;
	}
	sp->prec = va_arg(st->ap, int);
	if (sp->prec < 0)
		sp->prec = -1;	/* negative '*' precision: as if omitted */
	return p + 1;
}

static const char *parse_len(const char *p, enum fmt_len *len)
{
	switch (*p) {
	case 'h':
		*len = p[1] == 'h' ? LEN_HH : LEN_H;
		return p + (p[1] == 'h' ? 2 : 1);
	case 'l':
		*len = p[1] == 'l' ? LEN_LL : LEN_L;
		return p + (p[1] == 'l' ? 2 : 1);
	case 'z': *len = LEN_Z; return p + 1;
	case 'j': *len = LEN_J; return p + 1;
	case 't': *len = LEN_T; return p + 1;
	default: *len = LEN_NONE; return p;
	}
}

/* Parse the conversion after '%'; returns where the format continues. */
static const char *parse_spec(struct fmt_state *st, const char *p, struct fmt_spec *sp)
{
	unsigned int bit;

	sp->flags = 0;
	while ((bit = flag_bit(*p)) != 0) {
		sp->flags |= bit;
		p++;
	}
	p = parse_width(st, p, sp);
	p = parse_prec(st, p, sp);
	p = parse_len(p, &sp->len);
	sp->conv = *p;
	return *p ? p + 1 : p;	/* never step over the terminating NUL */
}

/* ---- arguments --------------------------------------------------------- */

static u64 arg_unsigned(struct fmt_state *st, enum fmt_len len)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(st->ap, unsigned int);
	case LEN_H: return (unsigned short)va_arg(st->ap, unsigned int);
	case LEN_L: return va_arg(st->ap, unsigned long);
	case LEN_LL: return va_arg(st->ap, unsigned long long);
	case LEN_Z: return va_arg(st->ap, size_t);
	case LEN_J: return va_arg(st->ap, uintmax_t);
	case LEN_T: return (size_t)va_arg(st->ap, ptrdiff_t);
	default: return va_arg(st->ap, unsigned int);
	}
}

static s64 arg_signed(struct fmt_state *st, enum fmt_len len)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(st->ap, int);
	case LEN_H: return (short)va_arg(st->ap, int);
	case LEN_L: return va_arg(st->ap, long);
	case LEN_LL: return va_arg(st->ap, long long);
	case LEN_Z: return va_arg(st->ap, ptrdiff_t);	/* signed size_t */
	case LEN_J: return va_arg(st->ap, intmax_t);
	case LEN_T: return va_arg(st->ap, ptrdiff_t);
	default: return va_arg(st->ap, int);
	}
}

/* ---- rendering --------------------------------------------------------- */

/* A number split into the parts that padding goes between. */
struct fmt_num {
	char digits[24];	/* reversed; 22 octal digits hold 64 bits */
	int ndigits;
	const char *prefix;	/* sign and/or 0x */
	int nprefix;
};

static void to_digits(struct fmt_num *num, u64 v, unsigned int base, bool upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	num->ndigits = 0;
	do {
		num->digits[num->ndigits++] = set[v % base];
		v /= base;
	} while (v);
}

/* Zeros between prefix and digits, from precision, '#' (octal) and '0'. */
static int zero_count(const struct fmt_spec *sp, const struct fmt_num *num)
{
	int zeros = sp->prec > num->ndigits ? sp->prec - num->ndigits : 0;
	int room = sp->width - num->nprefix - num->ndigits;

	if (sp->conv == 'o' && (sp->flags & FL_HASH) && zeros == 0 &&
	    (num->ndigits == 0 || num->digits[num->ndigits - 1] != '0'))
		zeros = 1;	/* alternate octal form starts with 0 */
	if (sp->prec < 0 && (sp->flags & (FL_ZERO | FL_MINUS)) == FL_ZERO && room > zeros)
		zeros = room;
	return zeros;
}

static void emit_num(struct fmt_state *st, const struct fmt_spec *sp, struct fmt_num *num)
{
	int zeros = zero_count(sp, num);
	int pad = sp->width - num->nprefix - zeros - num->ndigits;

	if (!(sp->flags & FL_MINUS))
		emit_n(st, ' ', pad);
	emit_str(st, num->prefix, (size_t)num->nprefix);
	emit_n(st, '0', zeros);
	while (num->ndigits)
		emit(st, num->digits[--num->ndigits]);
	if (sp->flags & FL_MINUS)
		emit_n(st, ' ', pad);
}

static void render_int(struct fmt_state *st, const struct fmt_spec *sp, u64 mag,
		       unsigned int base, const char *prefix)
{
	struct fmt_num num = { .prefix = prefix, .nprefix = (int)strlen(prefix) };

	to_digits(&num, mag, base, sp->conv == 'X');
	if (sp->prec == 0 && mag == 0)
		num.ndigits = 0;	/* "%.0d" of 0 prints no digits */
	emit_num(st, sp, &num);
}

static void fmt_signed(struct fmt_state *st, const struct fmt_spec *sp)
{
	s64 v = arg_signed(st, sp->len);
	const char *sign = "";

	if (v < 0)
		sign = "-";
	else if (sp->flags & FL_PLUS)
		sign = "+";
	else if (sp->flags & FL_SPACE)
		sign = " ";
	render_int(st, sp, v < 0 ? 0 - (u64)v : (u64)v, 10, sign);
}

static void fmt_unsigned(struct fmt_state *st, const struct fmt_spec *sp)
{
	u64 v = arg_unsigned(st, sp->len);
	const char *prefix = "";

	if ((sp->flags & FL_HASH) && v && sp->conv != 'u' && sp->conv != 'o')
		prefix = sp->conv == 'X' ? "0X" : "0x";
	render_int(st, sp, v, sp->conv == 'u' ? 10 : sp->conv == 'o' ? 8 : 16, prefix);
}

static void fmt_pointer(struct fmt_state *st, const struct fmt_spec *sp)
{
	uintptr_t v = (uintptr_t)va_arg(st->ap, void *);

	render_int(st, sp, v, 16, "0x");
}

/* Text (%s, %c) padded to the width; zero flag does not apply. */
static void render_text(struct fmt_state *st, const struct fmt_spec *sp, const char *s, size_t n)
{
	int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;

	if (!(sp->flags & FL_MINUS))
		emit_n(st, ' ', pad);
	emit_str(st, s, n);
	if (sp->flags & FL_MINUS)
		emit_n(st, ' ', pad);
}

static void fmt_string(struct fmt_state *st, const struct fmt_spec *sp)
{
	const char *s = va_arg(st->ap, const char *);

	if (!s)
		s = "(null)";
	/* With a precision s need not be terminated: never read past it. */
	render_text(st, sp, s, strnlen(s, sp->prec < 0 ? SIZE_MAX : (size_t)sp->prec));
}

static void fmt_char(struct fmt_state *st, const struct fmt_spec *sp)
{
	char c = (char)va_arg(st->ap, int);

	render_text(st, sp, &c, 1);
}

/* Dispatch one parsed conversion; start..end is its text, for unknowns. */
static void convert(struct fmt_state *st, const struct fmt_spec *sp, const char *start,
		    const char *end)
{
	switch (sp->conv) {
	case 'd': case 'i': fmt_signed(st, sp); break;
	case 'u': case 'x': case 'X': case 'o': fmt_unsigned(st, sp); break;
	case 'p': fmt_pointer(st, sp); break;
	case 's': fmt_string(st, sp); break;
	case 'c': fmt_char(st, sp); break;
	case '%': emit(st, '%'); break;
	default: emit_str(st, start, (size_t)(end - start)); break;
	}
}

int fmt_vformat(fmt_out_fn out, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_state st = { .out = out, .ctx = ctx };
	struct fmt_spec spec;
	const char *start;

	va_copy(st.ap, ap);
	while (*fmt) {
		if (*fmt != '%') {
			emit(&st, *fmt++);
			continue;
		}
		start = fmt;
		fmt = parse_spec(&st, fmt + 1, &spec);
		convert(&st, &spec, start, fmt);
	}
	va_end(st.ap);
	return st.count;
}

int fmt_format(fmt_out_fn out, void *ctx, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(out, ctx, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- snprintf ---------------------------------------------------------- */

struct sn_buf {
	char *buf;
	size_t size;
	size_t pos;
};

/* Store while there is room for the character and the final NUL. */
static void sn_out(void *ctx, char c)
{
	struct sn_buf *sb = ctx;

	if (sb->pos + 1 < sb->size)
		sb->buf[sb->pos] = c;
	sb->pos++;
}

int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sn_buf sb = { .buf = buf, .size = n };
	int len = fmt_vformat(sn_out, &sb, fmt, ap);

	if (n)
		buf[MIN(sb.pos, n - 1)] = '\0';
	return len;
}

int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len;
}
