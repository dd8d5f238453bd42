/* Error codes: functions return 0 or a negative value from this list. */
#ifndef ZVM_ERRNO_H
#define ZVM_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define ENOTSUP 95
#define ETIMEDOUT 110
#define EOVERFLOW 75
#define EBADMSG 74
#define EDEADLK 35

const char *zvm_strerror(int err);

#endif
