// SPDX-License-Identifier: GPL-2.0
/*
 * ccid_bench - APDU round trip and card-insertion wake-up latencies of a
 * USB CCID reader (QEMU's usb-ccid with tools/testing/ccid/vsc-card), for
 * "make bench" (tools/testing/bench/ccid_bench.sh):
 *
 *	ccid_bench raw apdu N           CCID over usbfs, no driver (the floor)
 *	ccid_bench raw insert K TTY     the interrupt URB, no driver
 *	ccid_bench scard apdu N DEV     TRANSMIT through /dev/scardN
 *	ccid_bench scard insert K TTY DEV
 *	                                IS_PRESENT through /dev/scardN
 *	ccid_bench scard rate N DEV...  N TRANSMITs on each DEV at once, a
 *	                                thread each: the aggregate rate
 *
 * The round trip is BENCH_APDU (80 10 00 00 10: 16 bytes and 90 00, a
 * 28-byte CCID reply); the insertion is triggered by writing "insert" to
 * vsc-card's serial port TTY, the clock starting just before the write.
 * The rate's command is 80 EF 00 00 10, which ccid_gadget's card answers
 * as vsc-card answers BENCH_APDU; it prints "RESULT rate n=TOTAL
 * seconds=S aps=APDUS_PER_SECOND". The others print
 * "RESULT NAME n=N p50=US p99=US min=US" (microseconds), TAP
 * "ok - " sanity lines and "# " details; exits 1 if a check failed, 2 on
 * a usage error. tools/testing/bench/pcsc_bench.c is the PC/SC peer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccid_bench.h"

static int help(void)
{
	fprintf(stderr,
		"usage: ccid_bench raw apdu N | raw insert K TTY |\n"
		"       scard apdu N DEV | scard insert K TTY DEV |\n"
		"       scard rate N DEV...\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned int n;
	int raw;

	if (argc < 4)
		return help();
	raw = !strcmp(argv[1], "raw");
	if (!raw && strcmp(argv[1], "scard"))
		return help();
	n = strtoul(argv[3], NULL, 0);
	if (!n || n > 100000)
		return help();
	if (!strcmp(argv[2], "apdu") && argc == 4 + !raw) {
		if (raw)
			raw_apdu(n);
		else
			scard_apdu(argv[4], n);
	} else if (!strcmp(argv[2], "rate") && !raw && argc >= 5) {
		scard_rate(n, argc - 4, argv + 4);
	} else if (!strcmp(argv[2], "insert") && argc == 5 + !raw) {
		if (raw)
			raw_insert(argv[4], n);
		else
			scard_insert(argv[5], argv[4], n);
	} else {
		return help();
	}
	return bench_failed();
}
