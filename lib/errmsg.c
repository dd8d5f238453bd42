/* Error message buffers: see <lib/errmsg.h>. */
#include <lib/errmsg.h>
#include <lib/fmt.h>

int errmsg_set(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		fmt_vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

void errmsg_clear(char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
}
