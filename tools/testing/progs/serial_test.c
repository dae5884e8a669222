// SPDX-License-Identifier: GPL-2.0
/*
 * serial_test - checks of the serial CCID line discipline
 * (scard_ccid_serial.ko) in the QEMU guest, beside "scardctl attach".
 *
 *	serial_test TTY attach LDISC MODEL
 *	    the ATTACH ioctl's bad input (flags, reserved field, models 0
 *	    and 99: EINVAL), a good ATTACH, a second one (EBUSY), then
 *	    closes the tty: the readers go away with the discipline
 *	serial_test TTY attach-user LDISC
 *	    TIOCSETD as an unprivileged user: EPERM
 *	serial_test TTY hangup
 *	    TIOCVHANGUP (as a USB serial adapter's unplug would): the
 *	    discipline fails its exchanges and closes
 *
 * Prints "ok - text" / "not ok - text" lines and "# text" diagnostics;
 * exits 1 if a check failed, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <linux/scard_serial.h>

#include "tap.h"

static int open_tty(const char *tty)
{
	char path[64];
	int fd;

	if (tty[0] != '/') {
		snprintf(path, sizeof(path), "/dev/%s", tty);
		tty = path;
	}
	fd = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		diag("open %s: %s", tty, strerror(errno));
	return fd;
}

/* 115200 8N2, raw: the line of the twin readers. */
static void set_line(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return;
	cfmakeraw(&t);
	t.c_cflag |= CSTOPB | CREAD | CLOCAL;
	cfsetispeed(&t, B115200);
	cfsetospeed(&t, B115200);
	tcsetattr(fd, TCSANOW, &t);
}

static const char *err_name(int ret)
{
	return ret ? strerrorname_np(errno) : "ok";
}

static int do_attach(int fd, unsigned int model, unsigned int flags,
		     unsigned long long reserved)
{
	struct scard_serial_attach a = {
		.model = model,
		.flags = flags,
		.reserved = reserved,
	};

	return ioctl(fd, SCARD_SERIAL_IOC_ATTACH, &a);
}

static int test_attach(const char *tty, int ldisc, unsigned int model)
{
	int fd = open_tty(tty), ret;

	if (fd < 0)
		return 1;
	set_line(fd);
	ret = ioctl(fd, TIOCSETD, &ldisc);
	ok(!ret, "TIOCSETD %d: %s", ldisc, err_name(ret));
	if (ret)
		return 1;

	ret = do_attach(fd, model, 1, 0);
	ok(ret && errno == EINVAL, "ATTACH with a flag: %s", err_name(ret));
	ret = do_attach(fd, model, 0, 1);
	ok(ret && errno == EINVAL, "ATTACH with a reserved field: %s",
	   err_name(ret));
	ret = do_attach(fd, 0, 0, 0);
	ok(ret && errno == EINVAL, "ATTACH of model 0: %s", err_name(ret));
	ret = do_attach(fd, 99, 0, 0);
	ok(ret && errno == EINVAL, "ATTACH of model 99: %s", err_name(ret));
	ret = ioctl(fd, SCARD_SERIAL_IOC_ATTACH, NULL);
	ok(ret && errno == EFAULT, "ATTACH with a NULL argument: %s",
	   err_name(ret));
	ret = do_attach(fd, model, 0, 0);
	ok(!ret, "ATTACH of model %u: %s", model, err_name(ret));
	ret = do_attach(fd, model, 0, 0);
	ok(ret && errno == EBUSY, "ATTACH again: %s", err_name(ret));

	close(fd);
	return failures ? 1 : 0;
}

static int test_attach_user(const char *tty, int ldisc)
{
	int fd = open_tty(tty), ret;

	if (fd < 0)
		return 1;
	if (setgid(65534) || setuid(65534)) {
		diag("setuid: %s", strerror(errno));
		return 1;
	}
	ret = ioctl(fd, TIOCSETD, &ldisc);
	ok(ret && errno == EPERM, "TIOCSETD %d as nobody: %s", ldisc,
	   err_name(ret));
	close(fd);
	return failures ? 1 : 0;
}

static int test_hangup(const char *tty)
{
	int fd = open_tty(tty), ret;

	if (fd < 0)
		return 1;
	ret = ioctl(fd, TIOCVHANGUP);
	ok(!ret, "TIOCVHANGUP: %s", err_name(ret));
	close(fd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[2], "attach"))
		return test_attach(argv[1], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[2], "attach-user"))
		return test_attach_user(argv[1], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[2], "hangup"))
		return test_hangup(argv[1]);

	fprintf(stderr,
		"usage: serial_test TTY attach LDISC MODEL | attach-user LDISC | hangup\n");
	return 2;
}
