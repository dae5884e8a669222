// SPDX-License-Identifier: GPL-2.0
/*
 * ccid_reset - a USB reset of a CCID reader by another program (usbfs
 * USBDEVFS_RESET, as fwupd or a libusb program does), seen by a session
 * of scard_ccid_usb that keeps its file open throughout. Against the card
 * of tools/testing/ccid/vsc-card behind QEMU's usb-ccid.
 *
 *	ccid_reset DEV USBDEV idle      the reset between two exchanges
 *	ccid_reset DEV USBDEV transfer  the reset while an exchange waits for
 *	                                the card (80 1E: 2 s)
 *
 * DEV is /dev/scardN, USBDEV the reader's /dev/bus/usb/BBB/DDD. Checks:
 * the session works before; the reset succeeds; in "transfer" mode the
 * exchange in flight fails at once with EIO (not ENODEV, no hang); the
 * file stays valid; the card is reported reset (SWALLOWED: in the reader,
 * unpowered, no removal counted) and TRANSMIT fails with EBADFD; POWER,
 * SET_PROTOCOL and TRANSMIT on the same file work again. Prints "ok -" /
 * "not ok -" lines; exits 1 if a check failed, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/scard.h>
#include <linux/usbdevice_fs.h>

#include "tap.h"

static int fd = -1;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ename(int err)
{
	const char *n = err ? strerrorname_np(err) : "ok";

	return n ? n : "?";
}

/* One TRANSMIT; 0 or the errno. */
static int xfer(const unsigned char *cmd, size_t len, unsigned char *rsp,
		size_t *rsp_len)
{
	struct scard_transmit t = {
		.protocol = SCARD_PROTO_T0,
		.send_buf = (unsigned long)cmd,
		.recv_buf = (unsigned long)rsp,
		.send_len = len,
		.recv_len = *rsp_len,
	};

	if (ioctl(fd, SCARD_IOC_TRANSMIT, &t))
		return errno;
	*rsp_len = t.recv_len;
	return 0;
}

/* 80 10 00 00 04: 00 01 02 03 90 00 */
static int read4(void)
{
	static const unsigned char cmd[] = { 0x80, 0x10, 0x00, 0x00, 0x04 };
	static const unsigned char want[] = { 0, 1, 2, 3, 0x90, 0x00 };
	unsigned char rsp[16];
	size_t len = sizeof(rsp);
	int err;

	err = xfer(cmd, sizeof(cmd), rsp, &len);
	if (err)
		return err;
	/* A wrong answer: EBADMSG. */
	errno = len != sizeof(want) || memcmp(rsp, want, len) ? EBADMSG : 0;
	return errno;
}

static int connect_card(void)
{
	struct scard_protocol sp = { .mask = SCARD_PROTO_T0 };
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };

	if (ioctl(fd, SCARD_IOC_POWER, &pw))
		return errno;
	/* No ATR: EIO. */
	errno = pw.atr_len ? 0 : EIO;
	if (errno)
		return errno;
	if (ioctl(fd, SCARD_IOC_SET_PROTOCOL, &sp))
		return errno;
	return sp.selected == SCARD_PROTO_T0 ? 0 : EPROTO;
}

static int get_state(struct scard_state *st)
{
	memset(st, 0, sizeof(*st));
	return ioctl(fd, SCARD_IOC_GET_STATE, st) ? errno : 0;
}

static int usb_reset(const char *usbdev)
{
	int ufd, ret = 0;

	ufd = open(usbdev, O_RDWR);
	if (ufd < 0)
		return errno;
	if (ioctl(ufd, USBDEVFS_RESET, 0))
		ret = errno;
	close(ufd);
	return ret;
}

/*
 * The exchange that the reset interrupts, in a child sharing the file:
 * its errno and its duration go back through @pipefd.
 */
static void slow_xfer(int pipefd)
{
	/* 80 1E 14 00: 90 00 after 2 s */
	static const unsigned char cmd[] = { 0x80, 0x1e, 0x14, 0x00, 0x00 };
	unsigned char rsp[16];
	size_t len = sizeof(rsp);
	long res[2], t0 = now_ms();

	res[0] = xfer(cmd, sizeof(cmd), rsp, &len);
	res[1] = now_ms() - t0;
	if (write(pipefd, res, sizeof(res)) != sizeof(res))
		_exit(1);
	_exit(0);
}

static void reset_in_transfer(const char *usbdev)
{
	long res[2] = { -1, -1 };
	int pfd[2], err, status;
	pid_t pid;

	if (pipe(pfd)) {
		ok(0, "pipe: %s", ename(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		ok(0, "fork: %s", ename(errno));
		return;
	}
	if (!pid) {
		close(pfd[0]);
		alarm(20);
		slow_xfer(pfd[1]);
	}
	close(pfd[1]);

	usleep(500 * 1000);
	err = usb_reset(usbdev);
	ok(!err, "USBDEVFS_RESET during the exchange: %s", ename(err));

	alarm(20);
	if (read(pfd[0], res, sizeof(res)) != sizeof(res))
		diag("no result from the exchange");
	alarm(0);
	close(pfd[0]);
	waitpid(pid, &status, 0);
	ok(res[0] == EIO, "the exchange in flight fails with EIO: %s",
	   res[0] < 0 ? "no result" : ename(res[0]));
	ok(res[1] >= 0 && res[1] < 1800,
	   "and at once, not when the card answers (%ld ms)", res[1]);
}

int main(int argc, char **argv)
{
	struct scard_state st0, st;
	int transfer, err;

	if (argc != 4 || (strcmp(argv[3], "idle") &&
			  strcmp(argv[3], "transfer"))) {
		fprintf(stderr, "usage: ccid_reset DEV USBDEV idle|transfer\n");
		return 2;
	}
	transfer = !strcmp(argv[3], "transfer");
	alarm(60);

	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		ok(0, "open %s: %s", argv[1], ename(errno));
		return 1;
	}
	err = connect_card();
	ok(!err, "power cold, T=0: %s", ename(err));
	err = read4();
	ok(!err, "TRANSMIT before the reset: %s", ename(err));
	err = get_state(&st0);
	ok(!err && st0.state == SCARD_CARD_SPECIFIC,
	   "state before the reset: %s, %u", ename(err), st0.state);

	if (transfer) {
		reset_in_transfer(argv[2]);
	} else {
		err = usb_reset(argv[2]);
		ok(!err, "USBDEVFS_RESET of an idle session: %s", ename(err));
	}

	err = get_state(&st);
	ok(!err, "the file stays valid: GET_STATE %s", ename(err));
	ok(st.state == SCARD_CARD_SWALLOWED,
	   "the card is reported reset: state %u, want %u (swallowed)",
	   st.state, SCARD_CARD_SWALLOWED);
	ok(st.events == st0.events, "no removal counted: events %llu, were %llu",
	   (unsigned long long)st.events, (unsigned long long)st0.events);
	err = read4();
	ok(err == EBADFD, "TRANSMIT before a new POWER: %s, want EBADFD",
	   ename(err));

	err = connect_card();
	ok(!err, "power cold, T=0 again on the same file: %s", ename(err));
	err = read4();
	ok(!err, "TRANSMIT after the reset: %s", ename(err));
	err = read4();
	ok(!err, "and again: %s", ename(err));

	close(fd);
	return failures ? 1 : 0;
}
