/*
 * Caller-supplied error message buffers, for parsers that must say exactly
 * what is wrong with their input (image packs, kernel images): the caller
 * passes (char *err, size_t errlen), which may be (NULL, 0).
 */
#ifndef LIB_ERRMSG_H
#define LIB_ERRMSG_H

#include <zvm/compiler.h>

/* Format the message into err (when errlen > 0) and return code, so that a
 * check reads "return errmsg_set(err, len, -EBADMSG, "...", ...);". */
int errmsg_set(char *err, size_t errlen, int code, const char *fmt, ...) __printf(4, 5);

/* Empty the buffer (a successful call leaves ""). */
void errmsg_clear(char *err, size_t errlen);

#endif
