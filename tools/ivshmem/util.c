/* ivshmem tool: messages, sysfs files, numbers, the per-device lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ivshmem.h"

int ivs_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ivshmem: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Read a small (sysfs) file as a string without its trailing newline;
 * returns its length or -1 with errno set. */
int ivs_read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return (int)n;
}

/* Write a string to a sysfs file in one write(); -1 with errno set. */
int ivs_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* A number (decimal, 0x hex) no larger than max, or a message naming `what`. */
int ivs_parse_u64(const char *s, const char *what, unsigned long long max,
		  unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (!*s || *end || errno || s[0] == '-')
		return ivs_err("%s: '%s' is not a number", what, s);
	if (*v > max)
		return ivs_err("%s: %s is out of range (at most %llu)", what, s, max);
	return 0;
}

/*
 * One process at a time sends and receives on a device: ivc_attach() resets
 * our slot, which would pull the rug from under another user (`serve` in
 * the background). The lock is released when the process exits.
 */
int ivs_lock(const struct ivs_dev *d)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/run/ivshmem-%s.lock", d->bdf);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return ivs_err("%s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	close(fd);
	if (errno == EWOULDBLOCK)
		return ivs_err("%s is in use by another ivshmem process (a 'serve'?)", d->bdf);
	return ivs_err("%s: flock: %s", path, strerror(errno));
}
