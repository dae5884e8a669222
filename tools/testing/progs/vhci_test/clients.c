// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: child processes using /dev/scardN.
 */
#include "vhci_test.h"

/*
 * Fork a child running @fn, which returns its number of failures; *@done
 * is the parent's end of a pipe the child may write sync bytes to and
 * that reads EOF when the child has exited.
 */
pid_t spawn(int (*fn)(struct client *cl), struct client *cl, int *done)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		ok(0, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (!pid) {
		close(p[0]);
		sync_fd = p[1];
		failures = 0;
		alarm(CHILD_SECONDS);
		fn(cl);
		fflush(NULL);
		_exit(failures ? 1 : 0);
	}
	close(p[1]);
	if (pid < 0) {
		ok(0, "fork: %s", strerror(errno));
		close(p[0]);
		return -1;
	}
	*done = p[0];
	return pid;
}

/* In a child: tell the parent we got here. */
/*
 * Fork the control process @control(out), which creates readers and writes
 * their numbers, @count ints, to @out. Returns its pid with the read end
 * of the pipe in *@rfd (for the bytes it writes later), or -1 (the child
 * reaped) if the numbers did not come in time.
 */
pid_t start_control(void (*control)(int out), int *n, size_t count,
		    int *rfd)
{
	struct pollfd pf;
	size_t i;
	pid_t pid;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid = fork();
	if (!pid) {
		close(p[0]);
		control(p[1]);
		_exit(0);
	}
	close(p[1]);
	pf.fd = p[0];
	pf.events = POLLIN;
	if (pid > 0 && poll(&pf, 1, MSG_WAIT_MS) == 1 &&
	    read(p[0], n, count * sizeof(*n)) == (ssize_t)(count * sizeof(*n))) {
		for (i = 0; i < count && n[i] >= 0; i++)
			;
		if (i == count) {
			*rfd = p[0];
			return pid;
		}
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		reap(pid, 5);
	}
	close(p[0]);
	return -1;
}

void child_sync(void)
{
	char byte = 's';

	if (write(sync_fd, &byte, 1) != 1)
		diag("sync: %s", strerror(errno));
}

/* Wait for a sync byte; 0 if it came. */
int wait_sync(int done, int ms)
{
	struct pollfd p = { .fd = done, .events = POLLIN };
	char byte;

	if (poll(&p, 1, ms) != 1 || read(done, &byte, 1) != 1)
		return -1;
	return 0;
}

/* Wait until child @pid sleeps (in the request after its sync); 0 if so. */
int wait_sleeping(pid_t pid, int ms)
{
	long end = now_ms() + ms;
	char path[32], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	while (now_ms() < end) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			return -1;
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return 0;
		sleep_ms(10);
	}
	return -1;
}

/* Exit status of child @pid, -1 if it was killed or had to be. */
int reap(pid_t pid, int seconds)
{
	long end = now_ms() + seconds * 1000L;
	int status;

	if (pid <= 0)
		return -1;
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		sleep_ms(10);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run @fn in a child while the card serves; the child's checks passed. */
void run_client(struct card *c, int (*fn)(struct client *cl),
		struct client *cl, const char *what)
{
	int done, ret;
	pid_t pid;

	pid = spawn(fn, cl, &done);
	if (pid < 0)
		return;
	while ((ret = card_serve(c, done, CHILD_SECONDS * 1000)) > 0)
		;
	close(done);
	ok(reap(pid, 5) == 0 && !c->errors, "%s", what);
}

/* ---- clients (children) ---- */

/* IS_PRESENT / IS_ABSENT: not yet, then block until the parent acts. */
/* The time a request took is within the client's bounds. */
void check_time(struct client *cl, long t0, const char *what)
{
	long ms = now_ms() - t0;

	if (cl->max_ms)
		ok(ms >= cl->min_ms && ms <= cl->max_ms,
		   "child: %s took %ld ms (%ld..%ld)", what, ms, cl->min_ms,
		   cl->max_ms);
	else
		ok(ms >= cl->min_ms, "child: %s took %ld ms (at least %ld)",
		   what, ms, cl->min_ms);
}

/* IS_PRESENT / IS_ABSENT: not yet, then block until the parent acts. */
int client_track(struct client *cl)
{
	unsigned long req = cl->present ? SCARD_IOC_IS_PRESENT :
		SCARD_IOC_IS_ABSENT;
	int fd = open_dev(cl->n, O_NONBLOCK);
	long t0;
	int ret;

	if (fd < 0)
		return 1;
	ok_err(ioctl(fd, req, 0), EAGAIN, "child: not yet, under O_NONBLOCK");
	fcntl(fd, F_SETFL, 0);
	child_sync();
	t0 = now_ms();
	ret = ioctl(fd, req, 0);
	ok_err(ret, cl->expect, "child: %s ends with %s",
	       cl->present ? "IS_PRESENT" : "IS_ABSENT", ename(cl->expect));
	check_time(cl, t0, "the wait");
	close(fd);
	return 0;
}

/* Everything a card process answers, through /dev/scardN. */
int client_roundtrip(struct client *cl)
{
	unsigned char in[16], out[64], rsp[4];
	struct scard_vendor v;
	struct scard_power pw;
	__u32 sel = 0, rlen;
	int fd, err, i;

	fd = open_dev(cl->n, 0);
	if (fd < 0)
		return 1;

	ok_err(power(fd, SCARD_COLD_RESET, &pw), 0, "child: POWER cold reset");
	ok(pw.atr_len == sizeof(atr_t1) &&
	   !memcmp(pw.atr, atr_t1, sizeof(atr_t1)),
	   "child: an empty answer gives the ATR of INSERT");
	ok_err(set_protocol(fd, SCARD_PROTO_TX, &sel), 0,
	       "child: SET_PROTOCOL");
	ok_eq(sel, SCARD_PROTO_T1, "child: T=1 selected");
	ok(!echo(fd, sizeof(apdu), &err), "child: TRANSMIT round trip (%s)",
	   ename(err));
	ok(!echo(fd, 4096, &err), "child: TRANSMIT of 4096 bytes (%s)",
	   ename(err));
	ok(!echo(fd, SCARD_MAX_RECV - 2, &err),
	   "child: TRANSMIT with a SCARD_MAX_RECV answer (%s)", ename(err));
	echo(fd, SCARD_MAX_SEND, &err);
	ok_errno(err, EIO, "child: an answer over SCARD_MAX_RECV fails");
	rlen = sizeof(rsp);
	ok_err(transmit(fd, apdu, sizeof(apdu), rsp, &rlen), ENOSPC,
	       "child: TRANSMIT with a short buffer");
	ok_eq(rlen, sizeof(apdu) + 2, "child: ... says the size needed");

	for (i = 0; i < (int)sizeof(in); i++)
		in[i] = 0xa0 + i;
	memset(&v, 0, sizeof(v));
	v.code = SCARD_VENDOR_CODE_MIN + 5;
	v.in_buf = uptr(in);
	v.in_len = sizeof(in);
	v.out_buf = uptr(out);
	v.out_len = sizeof(out);
	ok_err(ioctl(fd, SCARD_IOC_VENDOR, &v), 0, "child: VENDOR");
	ok(v.out_len == sizeof(in) && !memcmp(in, out, sizeof(in)),
	   "child: VENDOR answer");

	ok_err(power(fd, SCARD_WARM_RESET, &pw), 0, "child: POWER warm reset");
	ok(pw.atr_len == sizeof(atr_warm) &&
	   !memcmp(pw.atr, atr_warm, sizeof(atr_warm)),
	   "child: the ATR of the answer");
	ok_err(power(fd, SCARD_POWER_DOWN, &pw), 0, "child: POWER down");
	ok_err(ioctl(fd, SCARD_IOC_SWALLOW, 0), EOPNOTSUPP,
	       "child: SWALLOW not offered");
	ok_err(ioctl(fd, SCARD_IOC_CONFISCATE, 0), EOPNOTSUPP,
	       "child: CONFISCATE not offered");
	ok_err(ioctl(fd, SCARD_IOC_EJECT, 0), 0, "child: EJECT");
	ok_eq(get_state(fd), SCARD_CARD_ABSENT, "child: card gone after EJECT");
	ok_err(power(fd, SCARD_COLD_RESET, &pw), ENOMEDIUM,
	       "child: POWER without a card");
	close(fd);
	return 0;
}

/* POWER, SET_PROTOCOL and one TRANSMIT with the expected result. */
int client_transmit(struct client *cl)
{
	long t0;
	int fd, err;

	fd = open_dev(cl->n, 0);
	if (fd < 0 || card_ready(fd))
		return 1;
	child_sync();
	t0 = now_ms();
	if (!echo(fd, sizeof(apdu), &err) || err)
		ok_errno(err, cl->expect, "child: TRANSMIT ends with %s",
			 ename(cl->expect));
	else
		ok(0, "child: TRANSMIT answer is the echo");
	check_time(cl, t0, "TRANSMIT");
	/* The unplug is everyone's at once, not only the failed caller's. */
	if (err == ENODEV && cl->expect == ENODEV)
		ok_errno(get_state(fd) == ~0u ? errno : 0, ENODEV,
			 "child: GET_STATE right after: ENODEV");
	close(fd);
	return 0;
}

/* A cold reset with the expected result. */
int client_power(struct client *cl)
{
	struct scard_power pw;
	long t0;
	int fd;

	fd = open_dev(cl->n, 0);
	if (fd < 0)
		return 1;
	t0 = now_ms();
	ok_err(power(fd, SCARD_COLD_RESET, &pw), cl->expect,
	       "child: POWER ends with %s", ename(cl->expect));
	check_time(cl, t0, "POWER");
	close(fd);
	return 0;
}
