// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: malformed messages and answers.
 */
#include "vhci_test.h"

/* ---- badinput ---- */

static unsigned char big[HDR + SCARD_VHCI_MAX_PAYLOAD + 1];

/* Header @h written as @count bytes (payload zero). */
static int write_hdr(int fd, const struct scard_vhci_msg *h, size_t count)
{
	memset(big, 0, sizeof(big));
	memcpy(big, h, sizeof(*h));
	return raw_write(fd, big, count);
}

static void bad_lengths(int fd)
{
	struct scard_vhci_msg h = { .type = SCARD_VHCI_REMOVE };

	ok_errno(raw_write(fd, big, 0), EINVAL, "empty write");
	ok_errno(write_hdr(fd, &h, HDR - 1), EINVAL, "shorter than a header");
	h.len = 4;
	ok_errno(write_hdr(fd, &h, HDR), EINVAL, "len 4 without payload");
	ok_errno(write_hdr(fd, &h, HDR + 5), EINVAL, "len 4, 5 bytes follow");
	h.len = 0;
	ok_errno(write_hdr(fd, &h, HDR + 4), EINVAL, "len 0, 4 bytes follow");
	h.type = SCARD_VHCI_ANSWER;
	h.len = SCARD_VHCI_MAX_PAYLOAD + 1;
	ok_errno(write_hdr(fd, &h, HDR), EMSGSIZE, "len over the maximum");
	ok_errno(write_hdr(fd, &h, sizeof(big)), EMSGSIZE,
		 "len over the maximum, with the payload");
	h.len = ~0u;
	ok_errno(write_hdr(fd, &h, HDR), EMSGSIZE, "len 0xffffffff");
}

static void bad_fields(int fd)
{
	static const __u32 types[] = {
		0, 6, 15, SCARD_VHCI_EV_CREATED, SCARD_VHCI_REQ_XFER,
		SCARD_VHCI_REQ_VENDOR, 24, ~0u,
	};
	struct scard_vhci_msg h = { .type = SCARD_VHCI_REMOVE };
	unsigned int i;

	h.reserved = 1;
	ok_errno(write_hdr(fd, &h, HDR), EINVAL, "non-zero reserved field");
	h.reserved = 0;
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		h.type = types[i];
		ok_errno(write_hdr(fd, &h, HDR), EINVAL, "type %u", types[i]);
	}
	h.type = SCARD_VHCI_REMOVE;
	h.reader = SCARD_VHCI_MAX_READERS;
	ok_errno(write_hdr(fd, &h, HDR), EINVAL, "reader index 16");
	h.reader = ~0u;
	ok_errno(write_hdr(fd, &h, HDR), EINVAL, "reader index 0xffffffff");
	h.reader = 0;
	h.id = 1;
	ok_errno(write_hdr(fd, &h, HDR), EINVAL, "REMOVE with an id");
	h.id = 0;
	h.status = -1;
	ok_errno(write_hdr(fd, &h, HDR), EINVAL, "REMOVE with a status");
	h.status = 0;
	h.arg = 1;
	ok_errno(write_hdr(fd, &h, HDR), EINVAL, "REMOVE with an arg");
	h.arg = 0;
	h.timeout_ms = 1;
	ok_errno(write_hdr(fd, &h, HDR), EINVAL, "REMOVE with a timeout");

	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 3, 0, 0, NULL, 0), EINVAL,
		 "DESTROY of an unused index");
	ok_errno(send_msg(fd, SCARD_VHCI_INSERT, 3, 0, 0, atr_t1,
			  sizeof(atr_t1)), EINVAL, "INSERT in an unused index");
	ok_errno(send_msg(fd, SCARD_VHCI_REMOVE, 3, 0, 0, NULL, 0), EINVAL,
		 "REMOVE from an unused index");
	ok_errno(send_msg(fd, SCARD_VHCI_ANSWER, 3, 1, 0, NULL, 0), EINVAL,
		 "ANSWER for an unused index");
	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 0, 0, 0, atr_t1, 2), EINVAL,
		 "DESTROY with a payload");
	ok_errno(send_msg(fd, SCARD_VHCI_REMOVE, 0, 0, 0, atr_t1, 2), EINVAL,
		 "REMOVE with a payload");

	memset(big, 0x3b, sizeof(big));
	ok_errno(send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, big, 34), EINVAL,
		 "INSERT with an ATR of 34 bytes");
	ok_errno(send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, big, 1), EINVAL,
		 "INSERT with an ATR of 1 byte");
	ok_errno(send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, NULL, 0), EINVAL,
		 "INSERT without an ATR");
	ok_errno(send_msg(fd, SCARD_VHCI_ANSWER, 0, 1, 0, NULL, 0), EINVAL,
		 "ANSWER to no request");
	ok_errno(send_msg(fd, SCARD_VHCI_ANSWER, 0, 0, 0, NULL, 0), EINVAL,
		 "ANSWER with id 0");
}

enum bad_create {
	BC_SHORT, BC_LONG, BC_LEVEL, BC_NO_PROTOCOL, BC_RAW, BC_T15,
	BC_IFSD, BC_MECHANICAL, BC_RESERVED, BC_STRING, BC_CLK, BC_CLK_DEF,
	BC_RATE, BC_COUNT,
};

static const char * const bc_names[BC_COUNT] = {
	"payload 1 byte short", "payload 1 byte long", "level 3",
	"no protocol", "protocol RAW", "protocol bit 2", "max_ifsd 255",
	"mechanical bit 3", "non-zero reserved", "string not NUL-padded",
	"clk_max below clk_default", "clk_max below the default clock",
	"rate_max below the default rate",
};

/* Spoil @c (and its length *@len) as @i says. */
static void bad_create(struct scard_vhci_create *c, int i, __u32 *len)
{
	switch (i) {
	case BC_SHORT:
		(*len)--;
		break;
	case BC_LONG:
		(*len)++;
		break;
	case BC_LEVEL:
		c->level = 3;
		break;
	case BC_NO_PROTOCOL:
		c->protocols = 0;
		break;
	case BC_RAW:
		c->protocols = SCARD_PROTO_RAW;
		break;
	case BC_T15:
		c->protocols |= 4;
		break;
	case BC_IFSD:
		c->max_ifsd = 255;
		break;
	case BC_MECHANICAL:
		c->mechanical = 8;
		break;
	case BC_RESERVED:
		c->reserved[6] = 1;
		break;
	case BC_STRING:
		/* "sc", NUL, "rd" */
		c->vendor_name[2] = 0;
		break;
	case BC_CLK:
		c->clk_default = 4000;
		c->clk_max = 3999;
		break;
	case BC_CLK_DEF:
		c->clk_max = 3000;
		break;
	case BC_RATE:
		c->rate_max = 9599;
		break;
	}
}

static void bad_creates(int fd)
{
	struct scard_vhci_create c;
	__u32 len;
	int i, n;

	for (i = 0; i < BC_COUNT; i++) {
		create_init(&c, SCARD_VHCI_LEVEL_APDU);
		len = sizeof(c);
		bad_create(&c, i, &len);
		memset(big, 0, sizeof(big));
		memcpy(big, &c, sizeof(c));
		ok_errno(send_msg(fd, SCARD_VHCI_CREATE, 1, 0, 0, big, len),
			 EINVAL, "CREATE: %s", bc_names[i]);
	}
	create_init(&c, SCARD_VHCI_LEVEL_APDU);
	ok_errno(send_msg(fd, SCARD_VHCI_CREATE, 0, 0, 0, &c, sizeof(c)),
		 EEXIST, "CREATE of an index in use");
	ok_errno(send_msg(fd, SCARD_VHCI_CREATE, SCARD_VHCI_MAX_READERS, 0, 0,
			  &c, sizeof(c)), EINVAL, "CREATE of index 16");

	/* Full-length strings are fine, and index 1 is still free. */
	memset(c.vendor_name, 'v', sizeof(c.vendor_name));
	c.max_ifsd = 254;
	c.clk_max = 3580;
	c.rate_max = 9600;
	n = create_reader(fd, 1, &c);
	ok(n >= 0, "CREATE with a 32-character vendor name");
	if (n >= 0) {
		int dfd = open_dev(n, 0);
		char name[33];

		memset(name, 'v', 32);
		name[32] = 0;
		ok(dfd >= 0 && attr_is(dfd, SCARD_TAG_VENDOR_NAME, name),
		   "... reported whole");
		close(dfd);
	}
	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 1, 0, 0, NULL, 0), 0,
		 "DESTROY it");
}

/* Bad buffers: nothing happens, or the message is lost (read). */
static void bad_buffers(int fd)
{
	struct scard_vhci_create c;
	char *edge = straddle + page_size - HDR;
	char small[HDR];

	memset(edge, 0, HDR);
	((struct scard_vhci_msg *)edge)->type = SCARD_VHCI_INSERT;
	((struct scard_vhci_msg *)edge)->len = sizeof(atr_t1);
	ok_errno(raw_write(fd, edge, HDR + sizeof(atr_t1)), EFAULT,
		 "write with the payload unmapped");
	ok_errno(raw_write(fd, straddle + page_size, HDR), EFAULT,
		 "write with the header unmapped");

	fcntl(fd, F_SETFL, O_NONBLOCK);
	ok_err(read(fd, small, sizeof(small)), EAGAIN,
	       "read of an empty queue under O_NONBLOCK");
	create_init(&c, SCARD_VHCI_LEVEL_APDU);
	ok_errno(send_msg(fd, SCARD_VHCI_CREATE, 2, 0, 0, &c, sizeof(c)), 0,
		 "CREATE");
	ok_err(read(fd, small, HDR - 1), ENOSPC, "read into a short buffer");
	ok_err(read(fd, small, HDR), 0, "the message stayed queued");
	ok_eq(((struct scard_vhci_msg *)small)->type, SCARD_VHCI_EV_CREATED,
	      "... it is EV_CREATED");
	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 2, 0, 0, NULL, 0), 0,
		 "DESTROY");
	ok_errno(send_msg(fd, SCARD_VHCI_CREATE, 2, 0, 0, &c, sizeof(c)), 0,
		 "CREATE");
	ok_err(read(fd, straddle + page_size, 64), EFAULT,
	       "read into an unmapped buffer");
	ok_err(read(fd, small, HDR), EAGAIN, "... lost the message");
	ok_errno(send_msg(fd, SCARD_VHCI_CREATE, 3, 0, 0, &c, sizeof(c)), 0,
		 "CREATE");
	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 3, 0, 0, NULL, 0), 0,
		 "DESTROY before EV_CREATED was read");
	ok_err(read(fd, small, HDR), EAGAIN, "... drops EV_CREATED");
	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 2, 0, 0, NULL, 0), 0,
		 "DESTROY");
	fcntl(fd, F_SETFL, 0);
}

/* Bad answers to a pending TRANSMIT, then the good one. */
static void bad_answers(int fd, int n)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct client cl = { .n = n };
	unsigned char rsp[sizeof(apdu) + 2];
	struct scard_vhci_msg h;
	struct card c;
	int done, err;
	pid_t pid;

	card_init(&c, fd);
	c.silent = 1u << SCARD_VHCI_REQ_XFER;
	pid = spawn(client_transmit, &cl, &done);
	if (pid < 0)
		return;
	ok(card_serve(&c, done, MSG_WAIT_MS) == 1, "the client is ready");
	/* Without a request, the reads below would block for ever. */
	if (poll(&p, 1, MSG_WAIT_MS) != 1) {
		ok(0, "poll: a request to read");
		close(done);
		reap(pid, 5);
		return;
	}
	ok(1, "poll: a request to read");
	ok_err(read(fd, &rbuf, HDR + sizeof(apdu) - 1), ENOSPC,
	       "read into a buffer 1 byte short");
	make_cmd(rsp, sizeof(apdu));
	rsp[sizeof(apdu)] = 0x90;
	rsp[sizeof(apdu) + 1] = 0x00;
	err = recv_msg(fd, &rbuf, 0);
	ok(!err && rbuf.hdr.type == SCARD_VHCI_REQ_XFER &&
	   rbuf.hdr.len == sizeof(apdu) &&
	   !memcmp(rbuf.data, rsp, sizeof(apdu)), "read the XFER request");
	if (err || rbuf.hdr.type != SCARD_VHCI_REQ_XFER)
		diag("%s, type %u len %u", ename(err), rbuf.hdr.type,
		     rbuf.hdr.len);
	ok(poll(&p, 1, 0) == 0, "poll: nothing more to read");
	h = rbuf.hdr;

	ok_errno(send_msg(fd, SCARD_VHCI_ANSWER, h.reader, h.id + 1, 0, rsp,
			  sizeof(rsp)), EINVAL, "ANSWER with a wrong id");
	ok_errno(send_msg(fd, SCARD_VHCI_ANSWER, 1, h.id, 0, rsp,
			  sizeof(rsp)), EINVAL, "ANSWER for another reader");
	ok_errno(send_msg(fd, SCARD_VHCI_ANSWER, h.reader, h.id, 1, rsp,
			  sizeof(rsp)), EINVAL, "ANSWER with status 1");
	ok_errno(send_msg(fd, SCARD_VHCI_ANSWER, h.reader, h.id, -512, rsp,
			  sizeof(rsp)), EINVAL, "ANSWER with status -512");
	ok_errno(send_msg(fd, SCARD_VHCI_ANSWER, h.reader, h.id, INT32_MIN,
			  rsp, sizeof(rsp)), EINVAL, "ANSWER with status INT_MIN");
	h.type = SCARD_VHCI_ANSWER;
	h.len = sizeof(rsp);
	h.reserved = 2;
	ok_errno(write_hdr(fd, &h, HDR + sizeof(rsp)), EINVAL,
		 "ANSWER with a reserved field");
	h.reserved = 0;

	/* An answer may keep the request's arg and timeout. */
	memcpy(big, &h, HDR);
	memcpy(big + HDR, rsp, sizeof(rsp));
	ok_errno(raw_write(fd, big, HDR + sizeof(rsp)), 0, "the right ANSWER");
	ok_errno(raw_write(fd, big, HDR + sizeof(rsp)), EINVAL,
		 "... a second time");
	while (card_serve(&c, done, CHILD_SECONDS * 1000) > 0)
		;
	close(done);
	ok(reap(pid, 5) == 0, "the client got its answer");
}

void test_badinput(void)
{
	struct client cl = { 0 };
	struct card c;
	int fd, n;

	fd = vhci_open();
	if (fd < 0)
		return;
	n = create_simple(fd, 0, SCARD_VHCI_LEVEL_APDU);
	ok(n >= 0, "CREATE");
	ok_errno(send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, atr_t1,
			  sizeof(atr_t1)), 0, "INSERT");
	bad_lengths(fd);
	bad_fields(fd);
	bad_creates(fd);
	bad_buffers(fd);
	bad_answers(fd, n);

	card_init(&c, fd);
	cl.n = n;
	run_client(&c, client_transmit, &cl, "the reader still works");
	ok_eq(c.seen[SCARD_VHCI_EV_CREATED], 0, "no stray message");
	close(fd);
}
