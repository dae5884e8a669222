// SPDX-License-Identifier: GPL-2.0
/*
 * vhci_test: TPDU and character level readers with T=1; a module
 * unloaded while a reader file is open.
 */
#include "vhci_test.h"

static int client_t1(struct client *cl)
{
	struct scard_power pw;
	__u32 sel = 0;
	int fd, err;

	fd = open_dev(cl->n, 0);
	if (fd < 0)
		return 1;
	ok_err(power(fd, SCARD_COLD_RESET, &pw), 0, "child: POWER");
	ok(pw.atr_len == sizeof(atr_t1) &&
	   !memcmp(pw.atr, atr_t1, sizeof(atr_t1)), "child: the ATR");
	if (set_protocol(fd, SCARD_PROTO_T1, &sel) < 0 &&
	    errno == EOPNOTSUPP) {
		printf("ok - child: T=1 # SKIP no protocol engine yet\n");
		close(fd);
		return 0;
	}
	ok_eq(sel, SCARD_PROTO_T1, "child: SET_PROTOCOL T=1");
	ok(!echo(fd, sizeof(apdu), &err), "child: TRANSMIT (%s)", ename(err));
	ok(!echo(fd, 20, &err), "child: another TRANSMIT (%s)", ename(err));
	close(fd);
	return 0;
}

void test_levels(void)
{
	static const char * const names[] = { "APDU", "TPDU", "character" };
	struct client cl = { 0 };
	struct card c;
	__u32 level;
	int fd;

	for (level = SCARD_VHCI_LEVEL_TPDU; level <= SCARD_VHCI_LEVEL_CHAR;
	     level++) {
		fd = vhci_open();
		if (fd < 0)
			return;
		cl.n = create_simple(fd, 0, level);
		ok(cl.n >= 0 && !send_msg(fd, SCARD_VHCI_INSERT, 0, 0, 0,
					  atr_t1, sizeof(atr_t1)),
		   "%s level reader with a card", names[level]);
		memset(&t1, 0, sizeof(t1));
		t1.level = level;
		card_init(&c, fd);
		run_client(&c, client_t1, &cl, names[level]);
		diag("%s level: %u blocks, %u PPS", names[level], t1.blocks,
		     t1.pps);
		close(fd);
	}
}

/* ---- stale: module unloaded while a /dev/scardN file is open ---- */

void test_stale(void)
{
	int fd, dfd, n;

	fd = vhci_open();
	if (fd < 0)
		return;
	n = create_simple(fd, 0, SCARD_VHCI_LEVEL_APDU);
	ok(n >= 0, "CREATE");
	dfd = open_dev(n, 0);
	close(fd);
	ok(!dev_exists(n), "closing /dev/scard_vhci unplugged scard%d", n);
	ok(!system("rmmod scard_vhci"), "rmmod scard_vhci with it open");
	ok_eq(get_state(dfd), ~0u, "the stale file fails");
	ok_eq(errno, ENODEV, "... with ENODEV");
	close(dfd);
	ok(!system("insmod /lib/scard/scard_vhci.ko"), "insmod scard_vhci");
}
