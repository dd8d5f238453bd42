/* Messages for the error codes of include/zvm/errno.h. */
#include <zvm/errno.h>
#include <zvm/compiler.h>

static const char *const messages[] = {
	[0] = "success",
	[EPERM] = "operation not permitted",
	[ENOENT] = "no such entry",
	[EINTR] = "interrupted",
	[EIO] = "I/O error",
	[E2BIG] = "argument list too long",
	[ENOEXEC] = "bad executable format",
	[EAGAIN] = "try again",
	[ENOMEM] = "out of memory",
	[EFAULT] = "bad address",
	[EBUSY] = "busy",
	[EEXIST] = "already exists",
	[ENODEV] = "no such device",
	[EINVAL] = "invalid argument",
	[ENOSPC] = "no space left",
	[ERANGE] = "out of range",
	[EDEADLK] = "deadlock avoided",
	[ENOSYS] = "not implemented",
	[EBADMSG] = "malformed data",
	[EOVERFLOW] = "value too large",
	[ENOTSUP] = "not supported",
	[ETIMEDOUT] = "timed out",
};

/* Accepts -E... or E...; anything not in the table is "unknown error". */
const char *zvm_strerror(int err)
{
	/* Negate in unsigned arithmetic: -INT_MIN would overflow. */
	unsigned int code = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;

	if (code < ARRAY_SIZE(messages) && messages[code])
		return messages[code];
	return "unknown error";
}
