// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: readers, cards and requests with good input.
 */
#include "vhci_test.h"

/* ---- basic ---- */

static void basic_attributes(int n)
{
	int dfd = open_dev(n, 0);

	if (dfd < 0)
		return;
	ok_eq(get_state(dfd), SCARD_CARD_ABSENT, "the new reader is empty");
	ok(attr_is(dfd, SCARD_TAG_VENDOR_NAME, "scard"), "vendor name");
	ok(attr_is(dfd, SCARD_TAG_VENDOR_IFD_TYPE, "vhci test"), "IFD type");
	ok(attr_is(dfd, SCARD_TAG_VENDOR_IFD_SERIAL_NO, "VT-1"),
	   "IFD serial number");
	ok_eq(attr_u32(dfd, SCARD_TAG_VENDOR_IFD_VERSION), 0x01020003,
	      "IFD version");
	ok_eq(attr_u32(dfd, SCARD_TAG_CHANNEL_ID),
	      SCARD_READER_TYPE_VENDOR << 16, "channel id: vendor, index 0");
	ok_eq(attr_u32(dfd, SCARD_TAG_PROTOCOL_TYPES),
	      SCARD_PROTO_T0 | SCARD_PROTO_T1, "protocols");
	ok_eq(attr_u32(dfd, SCARD_TAG_DEFAULT_CLK), 3580, "default clock");
	ok_eq(attr_u32(dfd, SCARD_TAG_MAX_CLK), 3580, "maximum clock");
	ok_eq(attr_u32(dfd, SCARD_TAG_DEFAULT_DATA_RATE), 9600,
	      "default data rate");
	ok_eq(attr_u32(dfd, SCARD_TAG_MAX_IFSD), 254, "maximum IFSD");
	ok_eq(attr_u32(dfd, SCARD_TAG_CHARACTERISTICS), SCARD_READER_EJECTS,
	      "mechanical characteristics");
	close(dfd);
}

/* IS_PRESENT (@present) or IS_ABSENT, woken by INSERT or REMOVE. */
static void basic_track(int fd, int n, int present)
{
	struct client cl = { .n = n, .present = present, .min_ms = 150 };
	int done, err;
	pid_t pid;

	pid = spawn(client_track, &cl, &done);
	if (pid < 0)
		return;
	ok(!wait_sync(done, MSG_WAIT_MS) && !wait_sleeping(pid, MSG_WAIT_MS),
	   "the child waits");
	sleep_ms(300);
	if (present)
		err = send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, atr_t1,
			       sizeof(atr_t1));
	else
		err = send_msg(fd, SCARD_VHCI_REMOVE, 0, 0, 0, NULL, 0);
	ok_errno(err, 0, "%s", present ? "INSERT" : "REMOVE");
	ok(reap(pid, 5) == 0, "%s woken by %s", present ? "IS_PRESENT" :
	   "IS_ABSENT", present ? "INSERT" : "REMOVE");
	close(done);
}

static void basic_requests(int fd, int n)
{
	struct client cl = { .n = n };
	struct card c;

	card_init(&c, fd);
	run_client(&c, client_roundtrip, &cl,
		   "a card process answers POWER, PROTOCOL, XFER, VENDOR, EJECT");
	ok_eq(c.seen[SCARD_VHCI_REQ_POWER], 3, "three POWER requests");
	ok_eq(c.arg[SCARD_VHCI_REQ_POWER], SCARD_POWER_DOWN,
	      "the last one powers down");
	ok_eq(c.timeout[SCARD_VHCI_REQ_POWER], param("power_timeout_ms"),
	      "POWER bounded by power_timeout_ms");
	ok_eq(c.seen[SCARD_VHCI_REQ_PROTOCOL], 1, "one PROTOCOL request");
	ok_eq(c.arg[SCARD_VHCI_REQ_PROTOCOL], SCARD_PROTO_T1,
	      "PROTOCOL asks for T=1");
	ok_eq(c.seen[SCARD_VHCI_REQ_XFER], 5, "five XFER requests");
	ok_eq(c.arg[SCARD_VHCI_REQ_XFER], SCARD_VHCI_XFER_DATA,
	      "XFER of APDU level data");
	ok_eq(c.timeout[SCARD_VHCI_REQ_XFER], param("timeout_ms"),
	      "TRANSMIT bounded by timeout_ms");
	ok_eq(c.seen[SCARD_VHCI_REQ_VENDOR], 1, "one VENDOR request");
	ok_eq(c.arg[SCARD_VHCI_REQ_VENDOR], SCARD_VENDOR_CODE_MIN + 5,
	      "VENDOR code");
	ok_eq(c.seen[SCARD_VHCI_REQ_EJECT], 1, "one EJECT request");
	ok(!c.seen[SCARD_VHCI_REQ_SWALLOW] && !c.seen[SCARD_VHCI_REQ_CONFISCATE],
	   "no SWALLOW or CONFISCATE request");
}

/* Up to 16 readers; destroying one, closing the file. */
static void basic_many(void)
{
	int fd, i, n[SCARD_VHCI_MAX_READERS], all = 1, gone = 1, dfd;
	struct pollfd p;

	fd = vhci_open();
	if (fd < 0)
		return;
	for (i = 0; i < SCARD_VHCI_MAX_READERS; i++) {
		n[i] = create_simple(fd, i, i % 3);
		if (n[i] < 0 || !dev_exists(n[i]))
			all = 0;
	}
	ok(all, "16 readers of all levels, 16 /dev/scardN");

	dfd = open_dev(n[15], 0);
	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 15, 0, 0, NULL, 0), 0,
		 "DESTROY");
	ok(!dev_exists(n[15]), "/dev/scard%d is gone", n[15]);
	if (dfd >= 0) {
		ok_eq(get_state(dfd), ~0u, "an open file of it fails");
		ok_eq(errno, ENODEV, "... with ENODEV");
		p.fd = dfd;
		p.events = POLLIN;
		ok(poll(&p, 1, 0) == 1 && (p.revents & POLLHUP),
		   "... and polls POLLHUP");
		close(dfd);
	}
	ok_eq(create_simple(fd, 15, SCARD_VHCI_LEVEL_APDU) >= 0, 1,
	      "its index can be used again");

	close(fd);
	for (i = 0; i < SCARD_VHCI_MAX_READERS; i++)
		if (n[i] >= 0 && dev_exists(n[i]))
			gone = 0;
	ok(gone, "closing the file unplugs all its readers");
}

void test_basic(void)
{
	struct scard_vhci_create c;
	struct pollfd p;
	int fd, fd2, n;

	fd = vhci_open();
	if (fd < 0)
		return;
	p.fd = fd;
	p.events = POLLIN | POLLOUT;
	ok(poll(&p, 1, 0) == 1 && p.revents == POLLOUT,
	   "poll: writable, nothing to read");

	create_init(&c, SCARD_VHCI_LEVEL_APDU);
	c.mechanical = SCARD_READER_EJECTS;
	n = create_reader(fd, 0, &c);
	ok(n >= 0, "CREATE, EV_CREATED names scard%d", n);
	if (n < 0)
		return;
	ok(dev_exists(n), "/dev/scard%d exists", n);

	fd2 = vhci_open();
	ok(fd2 >= 0 && create_simple(fd2, 0, SCARD_VHCI_LEVEL_APDU) >= 0,
	   "another file has its own reader 0");
	close(fd2);

	basic_attributes(n);
	basic_track(fd, n, 1);
	basic_track(fd, n, 0);
	ok_errno(send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, atr_t1,
			  sizeof(atr_t1)), 0, "INSERT");
	basic_requests(fd, n);

	ok_errno(send_msg(fd, SCARD_VHCI_DESTROY, 0, 0, 0, NULL, 0), 0,
		 "DESTROY");
	ok(!dev_exists(n), "/dev/scard%d is gone", n);
	close(fd);

	basic_many();
}
