// SPDX-License-Identifier: GPL-2.0
/*
 * storm: the blocked callers of the unplug storms (tools/testing/fuzz/
 * storm_*.sh), run in the QEMU guest.
 *
 *	storm block MAX_MS CMD SPEC...
 *		one child process per SPEC blocks in its reader; once all
 *		are asleep in the kernel, CMD runs (sh -c) and unplugs the
 *		reader(s); each child must then return as SPEC expects within
 *		MAX_MS, and its file must give ENODEV afterwards.
 *	storm vhci CYCLES MAX_MS
 *		the scard_vhci storm on its own: each cycle a control process
 *		creates an empty reader and one with a card (APDU level),
 *		callers block in both (IS_PRESENT, IS_ABSENT, poll() on each,
 *		TRANSMIT the control process never answers), then the control
 *		process closes /dev/scard_vhci, is killed (SIGKILL) or
 *		DESTROYs its readers first, in turn.
 *
 * SPEC is KIND:DEV[:EXPECT[:APDU]]; KIND one of present (IS_PRESENT),
 * absent (IS_ABSENT), poll (poll() for POLLIN | POLLPRI) and xfer (cold
 * reset, SET_PROTOCOL, then a TRANSMIT of APDU, in hex, by default
 * 8010000004, that the card does not answer); EXPECT a comma list of
 * errno names, "ok", or for poll "hup" (POLLHUP or POLLERR) and "event";
 * by default ENODEV, and hup for poll. After an ENODEV or a hangup the
 * caller's file must give ENODEV to GET_STATE within 2 s; a file that
 * still answered GET_STATE right after the ENODEV of a TRANSMIT (the
 * driver failed the request before the library marked the reader dead)
 * is counted as "window", not as a failure.
 *
 * Prints "# " diagnostics for every failure and one summary line, "# storm:
 * ..." with how long the oldest TRANSMIT had been out when the unplug
 * began (-1: none), or "# storm vhci: cycles=N failed=N ...", both ending
 * in "window N" (lib.sh's storm_add_window reads it); exits 0 when every
 * caller returned as expected, in time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/scard.h>
#include <linux/scard_vhci.h>

#define MAX_CALLERS	16
#define BLOCK_WAIT_MS	10000	/* bound for the callers to fall asleep */
#define CHILD_SECONDS	120	/* bound of a caller's life */
#define HDR		((unsigned int)sizeof(struct scard_vhci_msg))

struct caller {
	char kind[16];
	char dev[64];
	char expect[128];
	unsigned char apdu[64];
	size_t apdu_len;
	pid_t pid;
	long ready_ms;	/* when it said it was about to block */
	int done;
};

static struct caller callers[MAX_CALLERS];
static int ncallers;
static long slowest_ms;
static int window;	/* ENODEV while GET_STATE still worked */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll() rather than nanosleep(): see vhci_test's sleep_ms(). */
static void sleep_ms(long ms)
{
	long end = now_ms() + ms, left;

	/* Read once a round: a negative timeout would wait for ever. */
	while ((left = end - now_ms()) > 0)
		poll(NULL, 0, left);
}

static const char *ename(int err)
{
	const char *name;

	if (!err)
		return "ok";
	name = strerrorname_np(err);
	return name ? name : "unknown";
}

/* @word is in the comma list @list */
static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (*p) {
		if (!strncmp(p, word, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return 0;
}

static int card_state(int fd)
{
	struct scard_state st;

	memset(&st, 0, sizeof(st));
	if (ioctl(fd, SCARD_IOC_GET_STATE, &st))
		return -errno;
	return st.state;
}

/* Cold reset and protocol; return the selected protocol or -errno. */
static int connect_card(int fd)
{
	struct scard_power pw;
	struct scard_protocol pr;

	memset(&pw, 0, sizeof(pw));
	pw.disposition = SCARD_COLD_RESET;
	if (ioctl(fd, SCARD_IOC_POWER, &pw))
		return -errno;
	memset(&pr, 0, sizeof(pr));
	pr.mask = SCARD_PROTO_TX;
	if (ioctl(fd, SCARD_IOC_SET_PROTOCOL, &pr))
		return -errno;
	return pr.selected;
}

/*
 * A caller, in the child: block as @c says, after writing its index in
 * callers[] (one byte) to @ready_fd. Exit 0 when the result is expected, 1 when not, 2 when the
 * setup failed.
 */
static void caller_run(const struct caller *c, int ready_fd)
{
	struct pollfd pfd = { .events = POLLIN | POLLPRI };
	unsigned char rsp[64];
	struct scard_transmit tx;
	const char *res;
	int fd, n, err = 0;
	unsigned char b;

	alarm(CHILD_SECONDS);
	fd = open(c->dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("# %s %s: open: %s\n", c->kind, c->dev, ename(errno));
		exit(2);
	}
	n = card_state(fd);	/* poll() reports events after this */
	if (n < 0) {
		printf("# %s %s: GET_STATE: %s\n", c->kind, c->dev,
		       ename(-n));
		exit(2);
	}
	memset(&tx, 0, sizeof(tx));
	if (!strcmp(c->kind, "xfer")) {
		n = connect_card(fd);
		if (n < 0) {
			printf("# xfer %s: connect: %s\n", c->dev, ename(-n));
			exit(2);
		}
		tx.protocol = n;
		tx.send_buf = (unsigned long)c->apdu;
		tx.send_len = c->apdu_len;
		tx.recv_buf = (unsigned long)rsp;
		tx.recv_len = sizeof(rsp);
	}
	b = c - callers;
	if (write(ready_fd, &b, 1) != 1)
		exit(2);

	if (!strcmp(c->kind, "present")) {
		err = ioctl(fd, SCARD_IOC_IS_PRESENT) ? errno : 0;
		res = ename(err);
	} else if (!strcmp(c->kind, "absent")) {
		err = ioctl(fd, SCARD_IOC_IS_ABSENT) ? errno : 0;
		res = ename(err);
	} else if (!strcmp(c->kind, "xfer")) {
		err = ioctl(fd, SCARD_IOC_TRANSMIT, &tx) ? errno : 0;
		res = ename(err);
	} else {
		pfd.fd = fd;
		n = poll(&pfd, 1, -1);
		if (n < 0)
			res = ename(errno);
		else if (pfd.revents & (POLLHUP | POLLERR))
			res = "hup";
		else
			res = "event";
	}
	if (!in_list(c->expect, res)) {
		printf("# %s %s: %s (want %s)\n", c->kind, c->dev, res,
		       c->expect);
		exit(1);
	}
	/* The reader is gone for an open file too. */
	err = 0;
	if ((in_list(c->expect, "ENODEV") || in_list(c->expect, "hup")) &&
	    strcmp(res, "ok") && strcmp(res, "event")) {
		long end = now_ms() + 2000;

		/*
		 * A TRANSMIT may get ENODEV from the driver before the
		 * library marked the reader dead: exit 3 says the file
		 * still worked right after it (counted, not a failure, if
		 * it gives ENODEV soon). After another error (the card
		 * went first: EIO, ENOMEDIUM) the reader is still there
		 * for a while, and that is no window.
		 */
		while ((n = card_state(fd)) != -ENODEV && now_ms() < end) {
			if (!strcmp(res, "ENODEV") || !strcmp(res, "hup"))
				err = 3;
			sleep_ms(1);
		}
		if (n != -ENODEV) {
			printf("# %s %s: GET_STATE 2 s after the unplug: %s\n",
			       c->kind, c->dev, n < 0 ? ename(-n) : "a state");
			exit(1);
		}
	}
	close(fd);
	exit(err);
}

static int parse_spec(struct caller *c, const char *spec)
{
	static const unsigned char apdu[] = { 0x80, 0x10, 0x00, 0x00, 0x04 };
	char *f[4] = { NULL }, buf[256], *p;
	unsigned int x;
	int i;

	memset(c, 0, sizeof(*c));
	snprintf(buf, sizeof(buf), "%s", spec);
	p = buf;
	for (i = 0; i < 4 && p; i++) {
		f[i] = p;
		p = strchr(p, ':');
		if (p)
			*p++ = 0;
	}
	if (!f[1] || strlen(f[0]) >= sizeof(c->kind) ||
	    strlen(f[1]) >= sizeof(c->dev))
		return -1;
	snprintf(c->kind, sizeof(c->kind), "%s", f[0]);
	snprintf(c->dev, sizeof(c->dev), "%s", f[1]);
	snprintf(c->expect, sizeof(c->expect), "%s",
		 f[2] && *f[2] ? f[2] :
		 strcmp(c->kind, "poll") ? "ENODEV" : "hup");
	memcpy(c->apdu, apdu, sizeof(apdu));
	c->apdu_len = sizeof(apdu);
	if (f[3]) {
		for (c->apdu_len = 0; f[3][0] && f[3][1] &&
		     c->apdu_len < sizeof(c->apdu); f[3] += 2) {
			if (sscanf(f[3], "%2x", &x) != 1)
				return -1;
			c->apdu[c->apdu_len++] = x;
		}
		if (!c->apdu_len)
			return -1;
	}
	if (strcmp(c->kind, "present") && strcmp(c->kind, "absent") &&
	    strcmp(c->kind, "poll") && strcmp(c->kind, "xfer"))
		return -1;
	return 0;
}

/* The process is asleep (S or D) in the kernel. */
static int asleep(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'S' || p[2] == 'D');
}

/* Fork the callers; return 0 once every one is asleep, -1 if not. */
static int callers_start(void)
{
	int pfd[2], i, got = 0;
	unsigned char b;
	long end;

	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	fflush(stdout);
	for (i = 0; i < ncallers; i++) {
		callers[i].done = 0;
		callers[i].pid = fork();
		if (callers[i].pid < 0) {
			printf("# fork: %s\n", ename(errno));
			callers[i].done = 1;
			continue;
		}
		if (!callers[i].pid) {
			close(pfd[0]);
			caller_run(&callers[i], pfd[1]);
		}
	}
	close(pfd[1]);
	end = now_ms() + BLOCK_WAIT_MS;
	/* A caller that failed its setup closes the pipe without a byte. */
	while (got < ncallers) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		long left = end - now_ms();

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		if (read(pfd[0], &b, 1) != 1 || b >= ncallers)
			break;
		callers[b].ready_ms = now_ms();
		got++;
	}
	close(pfd[0]);
	if (got < ncallers) {
		printf("# %d of %d callers ready\n", got, ncallers);
		return -1;
	}
	for (i = 0; i < ncallers; i++) {
		while (!asleep(callers[i].pid) && now_ms() < end)
			sleep_ms(1);
		if (!asleep(callers[i].pid)) {
			printf("# %s %s: not asleep\n", callers[i].kind,
			       callers[i].dev);
			return -1;
		}
	}
	return 0;
}

/*
 * Reap the callers within @max_ms from now; kill the stuck ones. Return
 * the number of failures.
 */
static int callers_reap(long max_ms)
{
	long t0 = now_ms(), end = t0 + max_ms;
	int left = 0, failed = 0, i, st;
	pid_t pid;

	for (i = 0; i < ncallers; i++)
		left += !callers[i].done;
	while (left) {
		for (i = 0; i < ncallers; i++) {
			if (callers[i].done)
				continue;
			pid = waitpid(callers[i].pid, &st, WNOHANG);
			if (!pid)
				continue;
			callers[i].done = 1;
			left--;
			if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 3)
				window++;
			else if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
				failed++;
			if (now_ms() - t0 > slowest_ms)
				slowest_ms = now_ms() - t0;
		}
		if (!left || now_ms() > end)
			break;
		sleep_ms(2);
	}
	for (i = 0; i < ncallers; i++) {
		if (callers[i].done)
			continue;
		printf("# %s %s: still blocked %ld ms after the unplug\n",
		       callers[i].kind, callers[i].dev, max_ms);
		failed++;
		kill(callers[i].pid, SIGKILL);
		waitpid(callers[i].pid, &st, 0);
		callers[i].done = 1;
	}
	return failed;
}

static int cmd_block(int argc, char **argv)
{
	long max_ms, t, age = -1;
	int i, failed, rc;

	if (argc < 3 || argc - 2 > MAX_CALLERS)
		return 2;
	max_ms = atol(argv[0]);
	for (i = 2; i < argc; i++) {
		if (parse_spec(&callers[ncallers++], argv[i])) {
			fprintf(stderr, "storm: bad SPEC %s\n", argv[i]);
			return 2;
		}
	}
	if (callers_start()) {
		callers_reap(0);
		printf("# storm: the callers did not block\n");
		return 1;
	}
	t = now_ms();
	/* How long the oldest TRANSMIT was out when the unplug began. */
	for (i = 0; i < ncallers; i++)
		if (!strcmp(callers[i].kind, "xfer") &&
		    t - callers[i].ready_ms > age)
			age = t - callers[i].ready_ms;
	rc = system(argv[1]);
	t = now_ms() - t;
	failed = callers_reap(max_ms);
	if (rc)
		printf("# storm: \"%s\" exits %d\n", argv[1], rc);
	printf("# storm: %d callers, %d failed, transmit out %ld ms, ",
	       ncallers, failed, age);
	printf("unplug %ld ms, slowest %ld ms, window %d\n", t, slowest_ms,
	       window);
	return failed || rc ? 1 : 0;
}

/* ---- scard_vhci ---- */

struct msgbuf {
	struct scard_vhci_msg hdr;
	unsigned char data[SCARD_VHCI_MAX_PAYLOAD];
};

static struct msgbuf mbuf;

static int vhci_send(int fd, __u32 type, __u32 reader, __u32 id,
		     const void *data, __u32 len)
{
	struct msgbuf *m = &mbuf;

	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.type = type;
	m->hdr.reader = reader;
	m->hdr.id = id;
	m->hdr.len = len;
	if (len)
		memcpy(m->data, data, len);
	return write(fd, m, HDR + len) == (ssize_t)(HDR + len) ? 0 : -1;
}

static int vhci_recv(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, ms) != 1)
		return -1;
	n = read(fd, &mbuf, sizeof(mbuf));
	if (n < (ssize_t)HDR || (size_t)n != HDR + mbuf.hdr.len)
		return -1;
	return 0;
}

static int vhci_create(int fd, unsigned int idx)
{
	struct scard_vhci_create c;

	memset(&c, 0, sizeof(c));
	snprintf(c.vendor_name, sizeof(c.vendor_name), "scard");
	snprintf(c.ifd_type, sizeof(c.ifd_type), "storm");
	c.level = SCARD_VHCI_LEVEL_APDU;
	c.protocols = SCARD_PROTO_T0 | SCARD_PROTO_T1;
	if (vhci_send(fd, SCARD_VHCI_CREATE, idx, 0, &c, sizeof(c)) ||
	    vhci_recv(fd, 5000) || mbuf.hdr.type != SCARD_VHCI_EV_CREATED)
		return -1;
	return mbuf.hdr.arg;
}

/*
 * The control process: creates the readers, tells their numbers on
 * @out, answers POWER and PROTOCOL, leaves XFER unanswered (and says so
 * on @out), and on a byte from @in closes its file ('c') or DESTROYs its
 * readers first ('d').
 */
static void control_run(int in, int out)
{
	static const unsigned char atr[] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };
	struct pollfd p[2];
	int fd, n[2];
	char b;

	alarm(CHILD_SECONDS);
	fd = open("/dev/scard_vhci", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("# open /dev/scard_vhci: %s\n", ename(errno));
		exit(2);
	}
	n[0] = vhci_create(fd, 0);
	n[1] = vhci_create(fd, 1);
	if (n[0] < 0 || n[1] < 0 ||
	    vhci_send(fd, SCARD_VHCI_INSERT, 1, 0, atr, sizeof(atr))) {
		printf("# vhci: CREATE or INSERT failed: %s\n", ename(errno));
		exit(2);
	}
	if (write(out, n, sizeof(n)) != sizeof(n))
		exit(2);
	p[0].fd = fd;
	p[0].events = POLLIN;
	p[1].fd = in;
	p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0)
			exit(2);
		if (p[1].revents) {
			if (read(in, &b, 1) != 1)
				b = 'c';
			if (b == 'd' &&
			    (vhci_send(fd, SCARD_VHCI_DESTROY, 0, 0, NULL, 0) ||
			     vhci_send(fd, SCARD_VHCI_DESTROY, 1, 0, NULL, 0))) {
				printf("# vhci: DESTROY: %s\n", ename(errno));
				exit(1);
			}
			close(fd);
			exit(0);
		}
		if (!p[0].revents)
			continue;
		if (vhci_recv(fd, 0))
			exit(2);
		switch (mbuf.hdr.type) {
		case SCARD_VHCI_REQ_POWER:
		case SCARD_VHCI_REQ_PROTOCOL:
			if (vhci_send(fd, SCARD_VHCI_ANSWER, mbuf.hdr.reader,
				      mbuf.hdr.id, NULL, 0))
				exit(2);
			break;
		case SCARD_VHCI_REQ_XFER:
			if (write(out, &mbuf.hdr.reader, 4) != 4)
				exit(2);
			break;
		default:
			break;
		}
	}
}

static int vhci_cycle(int cycle, long max_ms)
{
	static const char *const mode[] = { "close", "SIGKILL", "DESTROY" };
	int to_ctl[2], from_ctl[2], n[2], failed = 0, st, i;
	struct pollfd p;
	__u32 r;
	pid_t ctl;

	if (pipe2(to_ctl, O_CLOEXEC) || pipe2(from_ctl, O_CLOEXEC))
		return 1;
	fflush(stdout);
	ctl = fork();
	if (ctl < 0)
		return 1;
	if (!ctl) {
		close(to_ctl[1]);
		close(from_ctl[0]);
		control_run(to_ctl[0], from_ctl[1]);
	}
	close(to_ctl[0]);
	close(from_ctl[1]);
	p.fd = from_ctl[0];
	p.events = POLLIN;
	if (poll(&p, 1, 10000) != 1 ||
	    read(from_ctl[0], n, sizeof(n)) != sizeof(n)) {
		printf("# cycle %d: no readers\n", cycle);
		failed = 1;
		goto out;
	}
	for (i = 0; i < 5; i++) {
		static const char *const kind[] = {
			"present", "poll", "absent", "poll", "xfer",
		};
		char spec[64];

		snprintf(spec, sizeof(spec), "%s:/dev/scard%d", kind[i],
			 n[i < 2 ? 0 : 1]);
		if (parse_spec(&callers[i], spec))
			return 1;
	}
	ncallers = 5;
	if (callers_start()) {
		failed = 1;
		kill(ctl, SIGKILL);
		callers_reap(max_ms);
		goto out;
	}
	/* The TRANSMIT is with the control process. */
	if (poll(&p, 1, 10000) != 1 || read(from_ctl[0], &r, 4) != 4) {
		printf("# cycle %d: no XFER request\n", cycle);
		failed = 1;
	}
	switch (cycle % 3) {
	case 0:
		if (write(to_ctl[1], "c", 1) != 1)
			failed = 1;
		break;
	case 1:
		kill(ctl, SIGKILL);
		break;
	default:
		if (write(to_ctl[1], "d", 1) != 1)
			failed = 1;
		break;
	}
	i = callers_reap(max_ms);
	if (i)
		printf("# cycle %d (%s): %d callers failed\n", cycle,
		       mode[cycle % 3], i);
	failed += i;
out:
	close(to_ctl[1]);
	close(from_ctl[0]);
	if (waitpid(ctl, &st, 0) == ctl && cycle % 3 != 1 &&
	    (!WIFEXITED(st) || WEXITSTATUS(st))) {
		printf("# cycle %d: the control process failed\n", cycle);
		failed++;
	}
	return failed;
}

static int cmd_vhci(int argc, char **argv)
{
	int cycles, i, failed = 0, bad = 0;
	long max_ms, t0;

	if (argc < 2)
		return 2;
	cycles = atoi(argv[0]);
	max_ms = atol(argv[1]);
	t0 = now_ms();
	for (i = 0; i < cycles; i++) {
		int f = vhci_cycle(i, max_ms);

		failed += f;
		bad += !!f;
		if (bad > 20) {
			printf("# storm vhci: too many failures, stopping\n");
			i++;
			break;
		}
	}
	printf("# storm vhci: cycles=%d failed=%d slowest=%ld ms time=%ld ms window %d\n",
	       i, bad, slowest_ms, now_ms() - t0, window);
	printf("storm-cycles %d\n", i - bad);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "block"))
		return cmd_block(argc - 2, argv + 2);
	if (argc > 1 && !strcmp(argv[1], "vhci"))
		return cmd_vhci(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: storm block MAX_MS CMD KIND:DEV[:EXPECT[:APDU]]...\n"
		"       storm vhci CYCLES MAX_MS\n");
	return 2;
}
