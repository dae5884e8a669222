// SPDX-License-Identifier: GPL-2.0
/*
 * pcsc_bench - the peer of ccid_bench: the same measurements through
 * PC/SC (pcscd + libccid), linked against the host's libpcsclite and run
 * in the guest in a chroot of the host's root (tools/testing/bench/
 * ccid_bench.sh), next to the pcscd it talks to.
 *
 *	pcsc_bench apdu N        SCardTransmit round trips over T=0
 *	pcsc_bench insert K TTY  SCardGetStatusChange woken by the insertion
 *
 * Waits up to 20 s for pcscd to list a reader and uses the first one.
 * Output as ccid_bench's ("RESULT NAME n=N p50=US p99=US min=US").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winscard.h>

#include "bench.h"

#define READER_WAIT_MS	20000

struct pcsc {
	SCARDCONTEXT ctx;
	char reader[1024];
	DWORD state;		/* the last state seen, with pcscd's counter */
};

static int pcsc_open(struct pcsc *p)
{
	long long end = now_ns() + READER_WAIT_MS * 1000000LL;
	LONG rv;

	memset(p, 0, sizeof(*p));
	/* pcscd may still be starting. */
	while ((rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL,
					   &p->ctx)) == SCARD_E_NO_SERVICE &&
	       now_ns() < end)
		sleep_ms(100);
	while (rv == SCARD_S_SUCCESS) {
		char list[1024];
		DWORD len = sizeof(list);

		rv = SCardListReaders(p->ctx, NULL, list, &len);
		if (rv == SCARD_S_SUCCESS && len > 1) {
			snprintf(p->reader, sizeof(p->reader), "%s", list);
			diag("PC/SC reader: %s", p->reader);
			return 0;
		}
		if (now_ns() > end)
			break;
		if (rv == SCARD_E_NO_READERS_AVAILABLE)
			rv = SCARD_S_SUCCESS;
		sleep_ms(100);
	}
	diag("no PC/SC reader: %s", pcsc_stringify_error(rv));
	return -1;
}

static int pcsc_apdu(unsigned int n)
{
	static const unsigned char apdu[] = BENCH_APDU;
	unsigned int i, good = 0;
	SCARDHANDLE h;
	DWORD proto;
	struct pcsc p;
	long long *lat;
	LONG rv = SCARD_F_UNKNOWN_ERROR;

	lat = calloc(n, sizeof(*lat));
	if (lat && !pcsc_open(&p))
		rv = SCardConnect(p.ctx, p.reader, SCARD_SHARE_SHARED,
				  SCARD_PROTOCOL_T0, &h, &proto);
	ok(rv == SCARD_S_SUCCESS, "pcsc: SCardConnect T=0: %s",
	   pcsc_stringify_error(rv));
	for (i = 0; i < n + BENCH_WARMUP_APDUS && rv == SCARD_S_SUCCESS;
	     i++) {
		unsigned char rsp[258];
		DWORD len = sizeof(rsp);
		long long t0 = now_ns(), t1;

		rv = SCardTransmit(h, SCARD_PCI_T0, apdu, sizeof(apdu), NULL,
				   rsp, &len);
		t1 = now_ns();
		if (rv != SCARD_S_SUCCESS || !bench_rsp_ok(rsp, len)) {
			diag("SCardTransmit: %s, %lu bytes",
			     pcsc_stringify_error(rv), (unsigned long)len);
			break;
		}
		if (i >= BENCH_WARMUP_APDUS)
			lat[good++] = t1 - t0;
	}
	ok(good == n, "pcsc: %u of %u SCardTransmits answered correctly",
	   good, n);
	bench_result("pcsc_apdu", lat, good);
	if (rv == SCARD_S_SUCCESS)
		SCardDisconnect(h, SCARD_LEAVE_CARD);
	free(lat);
	return good == n ? 0 : -1;
}

/* Waits for the reader's state to have one of the WANT bits. */
static int pcsc_wait(struct pcsc *p, DWORD want)
{
	long long end = now_ns() + BENCH_WAIT_MS * 1000000LL;
	SCARD_READERSTATE rs;

	for (;;) {
		long long left = (end - now_ns()) / 1000000;
		LONG rv;

		if (left <= 0)
			return -1;
		memset(&rs, 0, sizeof(rs));
		rs.szReader = p->reader;
		rs.dwCurrentState = p->state;
		rv = SCardGetStatusChange(p->ctx, (DWORD)left, &rs, 1);
		if (rv != SCARD_S_SUCCESS)
			return -1;
		p->state = rs.dwEventState & ~SCARD_STATE_CHANGED;
		if (rs.dwEventState & want)
			return 0;
	}
}

static int pcsc_wait_absent(void *ctx)
{
	return pcsc_wait(ctx, SCARD_STATE_EMPTY);
}

static int pcsc_wait_present(void *ctx)
{
	return pcsc_wait(ctx, SCARD_STATE_PRESENT);
}

static int pcsc_insert(const char *tty, unsigned int k)
{
	struct pcsc p;
	struct insert_path path = {
		.name = "pcsc_insert",
		.wait_absent = pcsc_wait_absent,
		.wait_present = pcsc_wait_present,
		.ctx = &p,
	};

	if (pcsc_open(&p)) {
		ok(0, "pcsc: a reader");
		return -1;
	}
	p.state = SCARD_STATE_UNAWARE;
	return bench_insert(&path, tty, k);
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;

	if (argc == 3 && !strcmp(argv[1], "apdu") && n) {
		pcsc_apdu(n);
	} else if (argc == 4 && !strcmp(argv[1], "insert") && n) {
		pcsc_insert(argv[3], n);
	} else {
		fprintf(stderr, "usage: pcsc_bench apdu N | insert K TTY\n");
		return 2;
	}
	return bench_failed();
}
