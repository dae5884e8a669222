/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation failures during ioctl() only. Included by one file of a
 * test program, which build-progs.sh then links with -Wl,--wrap=ioctl.
 *
 * With SCARD_FAIL_IOCTL set in the environment, each ioctl() of the
 * program runs with /proc/thread-self/make-it-fail set to 1: fault
 * injection with the task filter on (failslab, fail_page_alloc:
 * tools/testing/fuzz/faults.sh) then fails the kernel allocations made for
 * the request, and none of the program's own setup (exec, fork, page
 * faults outside ioctl()).
 */
#ifndef FAIL_IOCTL_H
#define FAIL_IOCTL_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

int __real_ioctl(int fd, unsigned long request, ...);

int __wrap_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...)
{
	static __thread int mif = -1;
	static __thread pid_t owner;
	pid_t tid = (pid_t)syscall(SYS_gettid);
	va_list ap;
	void *arg;
	int ret, err;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!getenv("SCARD_FAIL_IOCTL"))
		return __real_ioctl(fd, request, arg);
	/* A forked child inherits the descriptor of its parent's thread. */
	if (owner != tid) {
		if (mif >= 0)
			close(mif);
		mif = open("/proc/thread-self/make-it-fail",
			   O_WRONLY | O_CLOEXEC);
		owner = tid;
	}
	if (mif < 0 || pwrite(mif, "1", 1, 0) != 1)
		return __real_ioctl(fd, request, arg);
	ret = __real_ioctl(fd, request, arg);
	err = errno;
	if (pwrite(mif, "0", 1, 0) != 1)
		abort();
	errno = err;
	return ret;
}

#endif /* FAIL_IOCTL_H */
