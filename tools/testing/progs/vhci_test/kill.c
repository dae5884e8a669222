// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: the control process killed while readers are in use.
 */
#include "vhci_test.h"

/* ---- kill ---- */

/* The control process: two readers, a card in the first, silent XFER. */
static void control(int out)
{
	struct card c;
	int fd, n[2];
	char x = 'x';

	alarm(CHILD_SECONDS);
	fd = vhci_open();
	if (fd < 0)
		_exit(1);
	n[0] = create_simple(fd, 0, SCARD_VHCI_LEVEL_APDU);
	n[1] = create_simple(fd, 1, SCARD_VHCI_LEVEL_APDU);
	send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0, atr_t1, sizeof(atr_t1));
	if (write(out, n, sizeof(n)) != sizeof(n))
		_exit(1);
	card_init(&c, fd);
	c.silent = 1u << SCARD_VHCI_REQ_XFER;
	if (!card_wait(&c, SCARD_VHCI_REQ_XFER, CHILD_SECONDS * 1000) &&
	    write(out, &x, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

void test_kill(void)
{
	struct client ca = { .expect = ENODEV };
	struct client cb = { .expect = ENODEV, .present = 1 };
	int rfd, n[2], da, db;
	pid_t ctl, a, b;
	struct pollfd pf;
	char x;

	ctl = start_control(control, n, 2, &rfd);
	if (ctl < 0) {
		ok(0, "the control process made two readers");
		return;
	}
	pf.fd = rfd;
	pf.events = POLLIN;
	ok(1, "the control process made scard%d and scard%d", n[0], n[1]);

	ca.n = n[0];
	cb.n = n[1];
	a = spawn(client_transmit, &ca, &da);
	b = spawn(client_track, &cb, &db);
	ok(poll(&pf, 1, MSG_WAIT_MS) == 1 && read(rfd, &x, 1) == 1,
	   "a caller waits in TRANSMIT");
	ok(!wait_sync(db, MSG_WAIT_MS) && !wait_sleeping(b, MSG_WAIT_MS),
	   "a caller waits in IS_PRESENT");
	sleep_ms(300);

	kill(ctl, SIGKILL);
	ok(reap(ctl, 5) < 0, "the control process is killed");
	ok(reap(a, 5) == 0, "the TRANSMIT caller got ENODEV");
	ok(reap(b, 5) == 0, "the IS_PRESENT caller got ENODEV");
	ok(!dev_exists(n[0]) && !dev_exists(n[1]), "both readers are gone");
	close(da);
	close(db);
	close(rfd);
}
