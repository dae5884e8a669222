// SPDX-License-Identifier: GPL-2.0
/*
 * scard_bench - micro-benchmarks of the virtual reader, run in the QEMU
 * guest by "make bench" (tools/testing/bench).
 *
 *	scard_bench apdu NAME [DEV]
 *	scard_bench wakeup NAME
 *
 * apdu: APDU round trips per second, a TRANSMIT through /dev/scardN to
 * the card process behind scard_vhci and back, against the floor of such
 * an exchange: a pipe ping-pong between two processes (the client writes
 * the command and reads the response, the card process reads and writes;
 * the same process switches as a TRANSMIT). With DEV the card is another
 * program (scard-emu) serving reader DEV, whose card must answer the
 * command below; without it a child process plays an APDU-level card
 * that answers every command with a fixed response.
 *
 * wakeup: how long a process blocked in SCARD_IOC_IS_PRESENT takes to
 * return after the card process INSERTs a card (both timestamps taken with
 * CLOCK_MONOTONIC, the median over many insertions), against a process
 * blocked in read() on a pipe woken by a write().
 *
 * Each measurement alternates runs of ours and of the floor and keeps the
 * median. Prints "BENCH NAME ours=... floor=... ratio=..." (ratio > 1:
 * slower than the floor), "# " details and TAP "ok - " sanity lines (the
 * figures themselves are not judged). Exits 1 if a sanity check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/scard.h>
#include <linux/scard_vhci.h>

#include "tap.h"

#define VHCI_PATH	"/dev/scard_vhci"
#define HDR		((unsigned int)sizeof(struct scard_vhci_msg))
#define MSG_WAIT_MS	5000
#define RUN_SECONDS	200	/* bound of the whole program */
#define ROUNDS		3	/* runs of each side, the median is kept */
#define RUN_NS		1500000000LL	/* length of one throughput run */
#define WARMUP		200	/* round trips before each run */
#define WAKEUPS		400	/* wake-ups per latency run */
#define SLEEP_WAIT_MS	5000	/* bound of the wait for a sleeping waiter */

/* GET DATA; scard-emu answers it from the bench's script. */
static const unsigned char cmd[] = { 0x80, 0xca, 0x9f, 0x7f, 0x00 };
static const unsigned char rsp[] = { 0x01, 0x02, 0x03, 0x90, 0x00 };
/* T=1, no TA2: reset leaves the card NEGOTIABLE. */
static const unsigned char atr_t1[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };

struct msgbuf {
	struct scard_vhci_msg hdr;
	unsigned char data[SCARD_VHCI_MAX_PAYLOAD];
};

static struct msgbuf rbuf, wbuf;

static const char *ename(int err)
{
	const char *name;

	if (!err)
		return "success";
	name = strerrorname_np(err);
	return name ? name : "unknown error";
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * poll() rather than nanosleep(): 32-bit nanosleep() needs the kernel's
 * COMPAT_32BIT_TIME.
 */
static void sleep_ms(int ms)
{
	long long end = now_ns() + ms * 1000000LL, left;

	/* Read once a round: a negative timeout would wait for ever. */
	while ((left = end - now_ns()) > 0)
		poll(NULL, 0, left / 1000000 + 1);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (sorts them). */
static long long median(long long *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	return v[n / 2];
}

static void put_byte(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

static char get_byte(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(3);
	return c;
}

/* Exit status of child @pid after SIGKILL if @kill_it, -1 if killed. */
static int reap(pid_t pid, int kill_it)
{
	int status;

	if (pid <= 0)
		return -1;
	if (kill_it)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Wait until process @pid sleeps; 0 if it does. */
static int wait_sleeping(pid_t pid)
{
	long long end = now_ns() + SLEEP_WAIT_MS * 1000000LL;
	char path[32], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (now_ns() < end) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			break;
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S') {
			close(fd);
			return 0;
		}
		sleep_ms(1);
	}
	close(fd);
	return -1;
}

/* ---- /dev/scard_vhci ---- */

static int send_msg(int vfd, struct msgbuf *m, __u32 type, __u32 id,
		    const void *data, __u32 len)
{
	ssize_t n;

	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.type = type;
	m->hdr.id = id;
	m->hdr.len = len;
	if (len)
		memcpy(m->data, data, len);
	n = write(vfd, m, HDR + len);
	if (n < 0)
		return errno;
	return (size_t)n == HDR + len ? 0 : EIO;
}

/* Open /dev/scard_vhci and create reader 0; return its N, or -1. */
static int vhci_reader(int *vfd)
{
	struct scard_vhci_create c;
	struct pollfd p;
	ssize_t n;
	int err;

	*vfd = open(VHCI_PATH, O_RDWR | O_CLOEXEC);
	if (*vfd < 0) {
		ok(0, "open %s: %s", VHCI_PATH, strerror(errno));
		return -1;
	}
	memset(&c, 0, sizeof(c));
	strcpy(c.vendor_name, "scard");
	strcpy(c.ifd_type, "bench");
	c.level = SCARD_VHCI_LEVEL_APDU;
	c.protocols = SCARD_PROTO_T0 | SCARD_PROTO_T1;
	err = send_msg(*vfd, &wbuf, SCARD_VHCI_CREATE, 0, &c, sizeof(c));
	if (!err) {
		p.fd = *vfd;
		p.events = POLLIN;
		err = ETIME;
		if (poll(&p, 1, MSG_WAIT_MS) == 1) {
			n = read(*vfd, &rbuf, sizeof(rbuf));
			err = n < 0 ? errno : 0;
			if (!err && (n != HDR || rbuf.hdr.type !=
				     SCARD_VHCI_EV_CREATED))
				err = EPROTO;
		}
	}
	if (err) {
		ok(0, "create a vhci reader: %s", ename(err));
		return -1;
	}
	return rbuf.hdr.arg;
}

/* The in-program card: answer every request until killed. */
static void play_card(int vfd)
{
	static struct msgbuf in, out;
	const void *data;
	__u32 len;
	ssize_t n;

	for (;;) {
		n = read(vfd, &in, sizeof(in));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)HDR)
			_exit(2);
		data = NULL;
		len = 0;
		if (in.hdr.type == SCARD_VHCI_REQ_XFER) {
			data = rsp;
			len = sizeof(rsp);
		}
		/* POWER: the inserted ATR; PROTOCOL: accepted. */
		if (send_msg(vfd, &out, SCARD_VHCI_ANSWER, in.hdr.id, data, len))
			_exit(2);
	}
}

static int open_reader(int n)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/dev/scard%d", n);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		ok(0, "open %s: %s", path, strerror(errno));
	return fd;
}

/* ---- APDU round trips ---- */

/* One TRANSMIT of the command; 0 if the response is the expected one. */
static int transmit(int fd)
{
	unsigned char buf[64];
	struct scard_transmit t;

	memset(&t, 0, sizeof(t));
	t.protocol = SCARD_PROTO_T1;
	t.send_buf = (uintptr_t)cmd;
	t.send_len = sizeof(cmd);
	t.recv_buf = (uintptr_t)buf;
	t.recv_len = sizeof(buf);
	if (ioctl(fd, SCARD_IOC_TRANSMIT, &t) < 0)
		return errno;
	if (t.recv_len != sizeof(rsp) || memcmp(buf, rsp, sizeof(rsp))) {
		errno = EBADMSG;
		return errno;
	}
	return 0;
}

/* Round trips per second of a RUN_NS run of TRANSMITs; -1 on an error. */
static long long transmit_run(int fd)
{
	long long t0, t, n = 0;
	int i, err;

	for (i = 0; i < WARMUP; i++) {
		err = transmit(fd);
		if (err) {
			ok(0, "TRANSMIT: %s", ename(err));
			return -1;
		}
	}
	t0 = now_ns();
	do {
		for (i = 0; i < 64; i++) {
			err = transmit(fd);
			if (err) {
				ok(0, "TRANSMIT: %s", ename(err));
				return -1;
			}
		}
		n += 64;
		t = now_ns();
	} while (t - t0 < RUN_NS);
	return n * 1000000000LL / (t - t0);
}

/* The pipe card: read a command, write the response, until EOF. */
static void pipe_card(int in, int out)
{
	unsigned char buf[64];
	ssize_t n;

	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n <= 0)
			_exit(n < 0 ? 2 : 0);
		if (write(out, rsp, sizeof(rsp)) != sizeof(rsp))
			_exit(2);
	}
}

static int pipe_trip(int out, int in)
{
	unsigned char buf[64];

	if (write(out, cmd, sizeof(cmd)) != sizeof(cmd))
		return -1;
	if (read(in, buf, sizeof(buf)) != sizeof(rsp) ||
	    memcmp(buf, rsp, sizeof(rsp)))
		return -1;
	return 0;
}

/* Round trips per second of a RUN_NS pipe ping-pong; -1 on an error. */
static long long pipe_run(void)
{
	long long t0, t, n = 0, rate = -1;
	int c2s[2], s2c[2], i;
	pid_t pid;

	if (pipe2(c2s, O_CLOEXEC) || pipe2(s2c, O_CLOEXEC)) {
		ok(0, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (!pid) {
		close(c2s[1]);
		close(s2c[0]);
		pipe_card(c2s[0], s2c[1]);
	}
	close(c2s[0]);
	close(s2c[1]);
	if (pid < 0)
		goto out;
	for (i = 0; i < WARMUP; i++)
		if (pipe_trip(c2s[1], s2c[0]))
			goto out;
	t0 = now_ns();
	do {
		for (i = 0; i < 64; i++)
			if (pipe_trip(c2s[1], s2c[0]))
				goto out;
		n += 64;
		t = now_ns();
	} while (t - t0 < RUN_NS);
	rate = n * 1000000000LL / (t - t0);
out:
	close(c2s[1]);
	close(s2c[0]);
	if (reap(pid, 0) != 0 || rate < 0) {
		ok(0, "pipe ping-pong");
		rate = -1;
	}
	return rate;
}

static int bench_apdu(const char *name, const char *dev)
{
	long long ours[ROUNDS], pipes[ROUNDS], o, f;
	struct scard_protocol proto;
	struct scard_power pw;
	int vfd = -1, fd, n, r;
	pid_t card = 0;

	if (dev) {
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			ok(0, "open %s: %s", dev, strerror(errno));
			return 1;
		}
	} else {
		n = vhci_reader(&vfd);
		if (n < 0)
			return 1;
		fd = open_reader(n);
		if (fd < 0)
			return 1;
		if (send_msg(vfd, &wbuf, SCARD_VHCI_INSERT, 0, atr_t1,
			     sizeof(atr_t1))) {
			ok(0, "INSERT: %s", strerror(errno));
			return 1;
		}
		fflush(NULL);
		card = fork();
		if (!card)
			play_card(vfd);
		if (card < 0) {
			ok(0, "fork: %s", strerror(errno));
			return 1;
		}
	}

	memset(&pw, 0, sizeof(pw));
	pw.disposition = SCARD_COLD_RESET;
	memset(&proto, 0, sizeof(proto));
	proto.mask = SCARD_PROTO_T1;
	if (ioctl(fd, SCARD_IOC_POWER, &pw) < 0 ||
	    ioctl(fd, SCARD_IOC_SET_PROTOCOL, &proto) < 0) {
		ok(0, "%s: power and select T=1: %s", name, ename(errno));
		reap(card, 1);
		return 1;
	}

	for (r = 0; r < ROUNDS; r++) {
		ours[r] = transmit_run(fd);
		pipes[r] = pipe_run();
		if (ours[r] < 0 || pipes[r] < 0)
			break;
		diag("%s run %d: ours %lld/s, floor %lld/s", name, r + 1,
		     ours[r], pipes[r]);
	}
	if (card)
		reap(card, 1);
	close(fd);
	if (vfd >= 0)
		close(vfd);
	if (r < ROUNDS)
		return 1;

	o = median(ours, ROUNDS);
	f = median(pipes, ROUNDS);
	diag("%s: card %s; %d runs of %lld ms each, medians", name,
	     dev ? "scard-emu (another process)" : "in-program child, fixed response",
	     ROUNDS, RUN_NS / 1000000);
	printf("BENCH %s ours=%lld floor=%lld ratio=%.2f\n", name, o, f,
	       (double)f / o);
	ok(o > 0 && f > 0, "%s: TRANSMITs answered correctly, pipe ping-pong ran",
	   name);
	return 0;
}

/* ---- card insertion wake-up ---- */

/*
 * Latency of @WAKEUPS wake-ups, in ns, into @lat. The waiter (a child)
 * blocks in SCARD_IOC_IS_PRESENT on reader @n, or in read() on a pipe if
 * @n < 0; the parent waits until it sleeps, takes the time and INSERTs (or
 * writes), then REMOVEs once the waiter reported back.
 */
static int wakeup_run(int vfd, int n, long long *lat)
{
	long long *t_wake;
	int w2c[2], c2w[2], wp[2] = { -1, -1 }, fd = -1, i, err = 0;
	long long t0;
	pid_t pid;

	t_wake = mmap(NULL, WAKEUPS * sizeof(*t_wake), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t_wake == MAP_FAILED) {
		ok(0, "mmap: %s", strerror(errno));
		return -1;
	}
	if (pipe2(w2c, O_CLOEXEC) || pipe2(c2w, O_CLOEXEC) ||
	    (n < 0 && pipe2(wp, O_CLOEXEC))) {
		ok(0, "pipe: %s", strerror(errno));
		return -1;
	}
	if (n >= 0) {
		fd = open_reader(n);
		if (fd < 0)
			return -1;
	}
	fflush(NULL);
	pid = fork();
	if (!pid) {
		char c;

		for (i = 0; i < WAKEUPS; i++) {
			put_byte(w2c[1], 'r');
			if (fd >= 0) {
				if (ioctl(fd, SCARD_IOC_IS_PRESENT) < 0)
					_exit(4);
			} else if (read(wp[0], &c, 1) != 1) {
				_exit(4);
			}
			t_wake[i] = now_ns();
			put_byte(w2c[1], 'd');
			get_byte(c2w[0]);
		}
		_exit(0);
	}
	if (pid < 0) {
		ok(0, "fork: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < WAKEUPS && !err; i++) {
		if (get_byte(w2c[0]) != 'r' || wait_sleeping(pid)) {
			err = ETIME;
			break;
		}
		t0 = now_ns();
		if (n >= 0)
			err = send_msg(vfd, &wbuf, SCARD_VHCI_INSERT, 0,
				       atr_t1, sizeof(atr_t1));
		else
			put_byte(wp[1], 'x');
		if (err || get_byte(w2c[0]) != 'd') {
			err = err ? err : EPROTO;
			break;
		}
		lat[i] = t_wake[i] - t0;
		if (n >= 0)
			err = send_msg(vfd, &wbuf, SCARD_VHCI_REMOVE, 0,
				       NULL, 0);
		put_byte(c2w[1], 'k');
	}
	if (reap(pid, err != 0) != 0 && !err)
		err = EPROTO;
	close(w2c[0]);
	close(w2c[1]);
	close(c2w[0]);
	close(c2w[1]);
	if (n < 0) {
		close(wp[0]);
		close(wp[1]);
	}
	if (fd >= 0)
		close(fd);
	munmap(t_wake, WAKEUPS * sizeof(*t_wake));
	if (err) {
		ok(0, "%s wake-up %d: %s", n >= 0 ? "IS_PRESENT" : "pipe", i,
		   ename(err));
		return -1;
	}
	return 0;
}

static int bench_wakeup(const char *name)
{
	static long long lat[WAKEUPS];
	long long ours[ROUNDS], pipes[ROUNDS], o, f;
	long long o90[ROUNDS], f90[ROUNDS];
	int vfd, n, r;

	n = vhci_reader(&vfd);
	if (n < 0)
		return 1;
	for (r = 0; r < ROUNDS; r++) {
		if (wakeup_run(vfd, n, lat))
			return 1;
		ours[r] = median(lat, WAKEUPS);
		o90[r] = lat[WAKEUPS * 9 / 10];
		if (wakeup_run(vfd, -1, lat))
			return 1;
		pipes[r] = median(lat, WAKEUPS);
		f90[r] = lat[WAKEUPS * 9 / 10];
		diag("%s run %d: ours p50 %lld ns p90 %lld ns, floor p50 %lld ns p90 %lld ns",
		     name, r + 1, ours[r], o90[r], pipes[r], f90[r]);
	}
	close(vfd);
	o = median(ours, ROUNDS);
	f = median(pipes, ROUNDS);
	diag("%s: %d runs of %d wake-ups each, median of the p50s", name,
	     ROUNDS, WAKEUPS);
	printf("BENCH %s ours=%.1f floor=%.1f ratio=%.2f\n", name, o / 1000.0,
	       f / 1000.0, (double)o / f);
	ok(o > 0 && f > 0, "%s: %d IS_PRESENT and %d pipe wake-ups", name,
	   ROUNDS * WAKEUPS, ROUNDS * WAKEUPS);
	return 0;
}

static int help(void)
{
	fprintf(stderr, "usage: scard_bench apdu NAME [DEV]\n"
		"       scard_bench wakeup NAME\n");
	return 2;
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(RUN_SECONDS);
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "apdu"))
		ret = bench_apdu(argv[2], argc == 4 ? argv[3] : NULL);
	else if (argc == 3 && !strcmp(argv[1], "wakeup"))
		ret = bench_wakeup(argv[2]);
	else
		return help();
	return ret || failures ? 1 : 0;
}
