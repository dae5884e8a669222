// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: unanswered requests and their bounds.
 */
#include "vhci_test.h"

/* ---- timeout ---- */

/* Serve until a request of @type arrives; 0 if it did. */
int card_wait(struct card *c, __u32 type, int ms)
{
	long end = now_ms() + ms;

	while (now_ms() < end) {
		if (recv_msg(c->fd, &rbuf, end - now_ms()))
			continue;
		card_handle(c, &rbuf);
		if (rbuf.hdr.type == type)
			return 0;
	}
	return -1;
}

/* A request the card left unanswered: a late answer is refused. */
static void late_answer(struct card *c, const char *what)
{
	ok_errno(send_msg(c->fd, SCARD_VHCI_ANSWER, c->last.reader,
			  c->last.id, 0, NULL, 0), EINVAL,
		 "late answer to %s refused", what);
}

static void timeout_unanswered(int fd, int n)
{
	long bound = param("timeout_ms");
	long pbound = param("power_timeout_ms");
	struct client cl = { .n = n, .expect = ETIMEDOUT };
	struct card c;

	card_init(&c, fd);
	c.silent = 1u << SCARD_VHCI_REQ_XFER;
	cl.min_ms = bound - 20;
	cl.max_ms = bound + 2000;
	run_client(&c, client_transmit, &cl, "unanswered TRANSMIT times out");
	ok_eq(c.timeout[SCARD_VHCI_REQ_XFER], bound,
	      "the request said timeout_ms");
	late_answer(&c, "TRANSMIT");

	card_init(&c, fd);
	cl.expect = 0;
	cl.min_ms = 0;
	cl.max_ms = 0;
	run_client(&c, client_transmit, &cl, "the next TRANSMIT works");

	card_init(&c, fd);
	c.silent = 1u << SCARD_VHCI_REQ_POWER;
	cl.expect = ETIMEDOUT;
	cl.min_ms = pbound - 20;
	cl.max_ms = pbound + 2000;
	run_client(&c, client_power, &cl, "unanswered POWER times out");
	ok_eq(c.timeout[SCARD_VHCI_REQ_POWER], pbound,
	      "the request said power_timeout_ms");
	late_answer(&c, "POWER");
}

/* Bit mask of the existing /dev/scardN, N < 64. */
static unsigned long long dev_mask(void)
{
	unsigned long long mask = 0;
	int i;

	for (i = 0; i < 64; i++)
		if (dev_exists(i))
			mask |= 1ull << i;
	return mask;
}

/* A request that times out unread leaves the reader's EV_CREATED alone. */
static void timeout_event_kept(int fd)
{
	long pbound = param("power_timeout_ms");
	struct client cl = { .expect = ETIMEDOUT };
	struct scard_vhci_create c;
	unsigned long long mask;
	char buf[HDR];
	int done;
	pid_t pid;

	mask = dev_mask();
	create_init(&c, SCARD_VHCI_LEVEL_APDU);
	ok_errno(send_msg(fd, SCARD_VHCI_CREATE, 1, 0, 0, &c, sizeof(c)), 0,
		 "CREATE, EV_CREATED left unread");
	ok_errno(send_msg(fd, SCARD_VHCI_INSERT, 1, 0, 0, atr_t1,
			  sizeof(atr_t1)), 0, "INSERT");
	mask = dev_mask() & ~mask;
	if (!mask) {
		ok(0, "the new /dev/scardN");
		return;
	}
	cl.n = __builtin_ctzll(mask);
	cl.min_ms = pbound - 20;
	cl.max_ms = pbound + 2000;
	pid = spawn(client_power, &cl, &done);
	ok(reap(pid, 10) == 0, "a POWER nobody reads times out");
	close(done);
	ok(!recv_msg(fd, &rbuf, 0) &&
	   rbuf.hdr.type == SCARD_VHCI_EV_CREATED && rbuf.hdr.reader == 1 &&
	   rbuf.hdr.arg == (__u32)cl.n, "EV_CREATED is still queued");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	ok_err(read(fd, buf, sizeof(buf)), EAGAIN,
	       "the timed-out request is not");
	fcntl(fd, F_SETFL, 0);
	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 1, 0, 0, NULL, 0), 0,
		 "DESTROY");
}

/* What the reader's caller sees of the status of an answer. */
static const struct {
	int status, expect;
} answer_errnos[] = {
	{ ENOMEDIUM, ENOMEDIUM }, { ETIMEDOUT, ETIMEDOUT },
	{ EPROTO, EPROTO }, { EOPNOTSUPP, EOPNOTSUPP },
	{ EINVAL, EINVAL }, { EMEDIUMTYPE, EMEDIUMTYPE },
	{ EBADFD, EBADFD }, { EIO, EIO }, { ENOMEM, ENOMEM },
	{ ENOTTY, EOPNOTSUPP }, { EBADMSG, EPROTO }, { ECONNABORTED, EIO },
	{ ENODEV, EIO }, { ESHUTDOWN, EIO },
	{ EBUSY, EIO }, { ENOSPC, EIO }, { EMSGSIZE, EIO },
	{ EPIPE, EIO }, { ECANCELED, EIO }, { EINTR, EIO }, { EAGAIN, EIO },
	{ EFAULT, EIO }, { EBADF, EIO }, { EPERM, EIO },
};

static void timeout_ends(int fd, int n)
{
	struct client cl = { .n = n, .max_ms = 800 };
	char what[96];
	struct card c;
	size_t i;

	card_init(&c, fd);
	c.remove_on_xfer = 1;
	cl.expect = ENOMEDIUM;
	run_client(&c, client_transmit, &cl, "REMOVE ends a TRANSMIT");
	late_answer(&c, "TRANSMIT");
	ok_errno(send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, atr_t1,
			  sizeof(atr_t1)), 0, "INSERT");

	for (i = 0; i < ARRAY_SIZE(answer_errnos); i++) {
		card_init(&c, fd);
		c.xfer_status = -answer_errnos[i].status;
		cl.expect = answer_errnos[i].expect;
		snprintf(what, sizeof(what), "an answer with -%s: the caller sees %s",
			 ename(answer_errnos[i].status),
			 ename(answer_errnos[i].expect));
		run_client(&c, client_transmit, &cl, what);
	}

	card_init(&c, fd);
	c.oversize = 1;
	cl.expect = EIO;
	run_client(&c, client_power, &cl, "a 34-byte ATR answer fails");

	card_init(&c, fd);
	c.destroy_on_xfer = 1;
	cl.expect = ENODEV;
	run_client(&c, client_transmit, &cl, "DESTROY ends a TRANSMIT");
	ok(!dev_exists(n), "the reader is gone");
}

/* A caller killed inside TRANSMIT: its request is void. */
static void timeout_killed(int fd, int n)
{
	struct client cl = { .n = n };
	struct card c;
	int done;
	pid_t pid;

	card_init(&c, fd);
	c.silent = 1u << SCARD_VHCI_REQ_XFER;
	pid = spawn(client_transmit, &cl, &done);
	if (pid < 0)
		return;
	ok(!card_wait(&c, SCARD_VHCI_REQ_XFER, MSG_WAIT_MS),
	   "the card got the XFER request");
	kill(pid, SIGKILL);
	ok(reap(pid, 5) < 0, "the caller is killed at once");
	close(done);
	late_answer(&c, "the killed caller");

	card_init(&c, fd);
	run_client(&c, client_transmit, &cl, "the next TRANSMIT works");
}

void test_timeout(void)
{
	int fd, n;

	fd = vhci_open();
	if (fd < 0)
		return;
	n = create_simple(fd, 0, SCARD_VHCI_LEVEL_APDU);
	ok(n >= 0 && !send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, atr_t1,
			       sizeof(atr_t1)), "reader with a card");
	timeout_unanswered(fd, n);
	timeout_event_kept(fd);
	timeout_ends(fd, n);

	n = create_simple(fd, 0, SCARD_VHCI_LEVEL_APDU);
	ok(n >= 0 && !send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, atr_t1,
			       sizeof(atr_t1)), "a new reader with a card");
	timeout_killed(fd, n);
	close(fd);
}
