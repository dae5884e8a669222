// SPDX-License-Identifier: GPL-2.0
/*
 * pcsc_test - a PC/SC client that checks what pcscd gives applications of
 * a reader served by ifd-scard. Linked against the host's libpcsclite and
 * run in the guest in a chroot of the host's root, next to the pcscd it
 * talks to (tools/testing/scenarios/pcsc_*.sh).
 *
 *	pcsc_test [-r NAME] [-2 HEX] list    the readers, one per line
 *	pcsc_test [-r NAME] wait present|absent MS
 *	pcsc_test [-r NAME] suite            connect, transmit, reconnect,
 *	                                     attributes, control, sharing
 *	pcsc_test [-r NAME] threads N        two threads, N APDUs each
 *	pcsc_test [-r NAME] hold MS          connect, transmit until the
 *	                                     reader goes (at most MS)
 *	pcsc_test [-r NAME] once             connect, SELECT, READ BINARY:
 *	                                     only the exit status (for
 *	                                     wait_for), errors on stderr
 *	pcsc_test [-r NAME] pinpad           a PIN pad's features and
 *	                                     display, a bad structure
 *	                                     refused, and a VERIFY whose
 *	                                     PIN (1234) the user types
 *
 * NAME: a part of the reader's name (default: the first reader). The
 * card answers SELECT (00 A4 ...) with 90 00 and the 5-byte command HEX
 * (default scard-emu's READ BINARY 00 B0 81 00 10) with 16 bytes and
 * 90 00. TAP output ("ok - ..."), exit status 1 when a check failed.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <winscard.h>
#include <reader.h>

#include "../progs/tap.h"

#define READER_WAIT_MS	20000
#define HOLD_PERIOD_MS	500	/* between the exchanges of "hold" */

/* scard-emu's application (tools/scard-emu): SELECT and READ BINARY. */
static const BYTE select_app[] = {
	0x00, 0xa4, 0x04, 0x00, 0x09,
	0xf0, 0x73, 0x63, 0x61, 0x72, 0x64, 0x65, 0x6d, 0x75,
};

static BYTE read_bin[] = { 0x00, 0xb0, 0x81, 0x00, 0x10 };

static SCARDCONTEXT ctx;
static char reader[512];
static const char *want;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static const char *err(LONG rv)
{
	return pcsc_stringify_error(rv);
}

/* Connect to pcscd and find the reader (pcscd may still be starting). */
static int setup(void)
{
	long end = now_ms() + READER_WAIT_MS;
	char list[4096], *p;
	DWORD len;
	LONG rv;

	while ((rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL,
					   &ctx)) == SCARD_E_NO_SERVICE &&
	       now_ms() < end)
		sleep_ms(100);
	if (rv != SCARD_S_SUCCESS) {
		ok(0, "SCardEstablishContext: %s", err(rv));
		return -1;
	}
	while (now_ms() < end) {
		len = sizeof(list);
		rv = SCardListReaders(ctx, NULL, list, &len);
		for (p = list; rv == SCARD_S_SUCCESS && *p; p += strlen(p) + 1) {
			if (!want || strstr(p, want)) {
				snprintf(reader, sizeof(reader), "%s", p);
				return 0;
			}
		}
		sleep_ms(100);
	}
	ok(0, "pcscd lists a reader%s%s", want ? " named " : "",
	   want ? want : "");
	return -1;
}

static int sw_9000(const BYTE *r, DWORD len)
{
	return len >= 2 && r[len - 2] == 0x90 && r[len - 1] == 0x00;
}

static LONG apdu(SCARDHANDLE h, DWORD proto, const BYTE *cmd, DWORD len,
		 BYTE *rsp, DWORD *rlen)
{
	const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T1 ?
				      SCARD_PCI_T1 : SCARD_PCI_T0;

	return SCardTransmit(h, pci, cmd, len, NULL, rsp, rlen);
}

/*
 * SELECT then READ BINARY: both answer 90 00. Under T=0 the application
 * follows 61xx with GET RESPONSE itself, as PC/SC wants.
 */
static int select_read(SCARDHANDLE h, DWORD proto)
{
	BYTE get_rsp[5] = { 0x00, 0xc0, 0x00, 0x00, 0x00 };
	BYTE rsp[300];
	DWORD len = sizeof(rsp);
	LONG rv;

	rv = apdu(h, proto, select_app, sizeof(select_app), rsp, &len);
	if (rv == SCARD_S_SUCCESS && len == 2 && rsp[0] == 0x61) {
		get_rsp[4] = rsp[1];
		len = sizeof(rsp);
		rv = apdu(h, proto, get_rsp, sizeof(get_rsp), rsp, &len);
	}
	if (rv != SCARD_S_SUCCESS || !sw_9000(rsp, len))
		return -1;
	len = sizeof(rsp);
	rv = apdu(h, proto, read_bin, sizeof(read_bin), rsp, &len);
	return rv == SCARD_S_SUCCESS && len == 18 && sw_9000(rsp, len) ? 0 : -1;
}

static int cmd_list(void)
{
	char list[4096], *p;
	DWORD len = sizeof(list);

	if (SCardListReaders(ctx, NULL, list, &len) != SCARD_S_SUCCESS)
		return 1;
	for (p = list; *p; p += strlen(p) + 1)
		printf("%s\n", p);
	return 0;
}

static int cmd_wait(const char *what, long ms)
{
	DWORD bit = strcmp(what, "present") ? SCARD_STATE_EMPTY :
					      SCARD_STATE_PRESENT;
	SCARD_READERSTATE rs;
	long end = now_ms() + ms;
	LONG rv;

	memset(&rs, 0, sizeof(rs));
	rs.szReader = reader;
	rs.dwCurrentState = SCARD_STATE_UNAWARE;
	for (;;) {
		rv = SCardGetStatusChange(ctx, end - now_ms() > 0 ?
					  end - now_ms() : 0, &rs, 1);
		if (rv != SCARD_S_SUCCESS)
			break;
		if (rs.dwEventState & bit)
			break;
		rs.dwCurrentState = rs.dwEventState & ~SCARD_STATE_CHANGED;
	}
	ok(rv == SCARD_S_SUCCESS, "SCardGetStatusChange: the card is %s (%s)",
	   what, err(rv));
	return failures != 0;
}

static void check_attrs(SCARDHANDLE h)
{
	BYTE buf[264];
	DWORD len = sizeof(buf);
	LONG rv;

	rv = SCardGetAttrib(h, SCARD_ATTR_ATR_STRING, buf, &len);
	ok(rv == SCARD_S_SUCCESS && len >= 2 && (buf[0] == 0x3b || buf[0] == 0x3f),
	   "SCardGetAttrib ATR_STRING: %lu bytes (%s)", (unsigned long)len,
	   err(rv));
	len = sizeof(buf);
	rv = SCardGetAttrib(h, SCARD_ATTR_VENDOR_NAME, buf, &len);
	ok(rv == SCARD_S_SUCCESS && len > 0, "SCardGetAttrib VENDOR_NAME: %.*s (%s)",
	   (int)len, (char *)buf, err(rv));
	len = sizeof(buf);
	rv = SCardGetAttrib(h, SCARD_ATTR_CHANNEL_ID, buf, &len);
	ok(rv == SCARD_S_SUCCESS && len == 4,
	   "SCardGetAttrib CHANNEL_ID: %lu bytes (%s)", (unsigned long)len,
	   err(rv));
	len = sizeof(buf);
	rv = SCardGetAttrib(h, SCARD_ATTR_VALUE(7, 0x0fff), buf, &len);
	ok(rv == SCARD_E_UNSUPPORTED_FEATURE,
	   "SCardGetAttrib of an unknown tag: UNSUPPORTED_FEATURE (%s)",
	   err(rv));
}

static void check_control(SCARDHANDLE h)
{
	BYTE buf[256];
	DWORD len = 0, code = 0, i;
	LONG rv;

	rv = SCardControl(h, CM_IOCTL_GET_FEATURE_REQUEST, NULL, 0, buf,
			  sizeof(buf), &len);
	for (i = 0; rv == SCARD_S_SUCCESS && i + 6 <= len; i += 2 + buf[i + 1])
		if (buf[i] == FEATURE_GET_TLV_PROPERTIES)
			code = (DWORD)buf[i + 2] << 24 | buf[i + 3] << 16 |
			       buf[i + 4] << 8 | buf[i + 5];
	ok(rv == SCARD_S_SUCCESS && code,
	   "SCardControl GET_FEATURE_REQUEST: TLV properties at 0x%lx (%s)",
	   (unsigned long)code, err(rv));
	if (!code)
		return;
	rv = SCardControl(h, code, NULL, 0, buf, sizeof(buf), &len);
	/* Tag, length, little-endian value; dwMaxAPDUDataSize among them. */
	for (i = 0; rv == SCARD_S_SUCCESS && i + 2 <= len; i += 2 + buf[i + 1])
		if (buf[i] == PCSCv2_PART10_PROPERTY_dwMaxAPDUDataSize &&
		    buf[i + 1] == 4 && i + 6 <= len)
			break;
	ok(rv == SCARD_S_SUCCESS && i + 6 <= len,
	   "SCardControl TLV properties: dwMaxAPDUDataSize %u (%s)",
	   i + 6 <= len ? buf[i + 2] | buf[i + 3] << 8 | buf[i + 4] << 16 |
			  buf[i + 5] << 24 : 0, err(rv));
}

static int cmd_suite(void)
{
	SCARDHANDLE h, h2;
	DWORD proto, p2;
	LONG rv;

	rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
	ok(rv == SCARD_S_SUCCESS, "SCardConnect shared T=0|T=1: T=%d (%s)",
	   proto == SCARD_PROTOCOL_T1, err(rv));
	if (rv != SCARD_S_SUCCESS)
		return 1;
	ok(!select_read(h, proto), "SCardTransmit: SELECT, READ BINARY");

	rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED, proto, &h2, &p2);
	ok(rv == SCARD_S_SUCCESS && p2 == proto,
	   "a second shared connection (%s)", err(rv));
	if (rv == SCARD_S_SUCCESS) {
		ok(!select_read(h2, p2), "... transmits too");
		SCardDisconnect(h2, SCARD_LEAVE_CARD);
	}

	check_attrs(h);
	check_control(h);

	rv = SCardReconnect(h, SCARD_SHARE_SHARED, proto, SCARD_RESET_CARD,
			    &proto);
	ok(rv == SCARD_S_SUCCESS, "SCardReconnect with a reset (%s)", err(rv));
	ok(!select_read(h, proto), "... transmits");
	rv = SCardReconnect(h, SCARD_SHARE_SHARED, proto, SCARD_UNPOWER_CARD,
			    &proto);
	ok(rv == SCARD_S_SUCCESS, "SCardReconnect unpowering the card (%s)",
	   err(rv));
	ok(!select_read(h, proto), "... transmits");

	rv = SCardReconnect(h, SCARD_SHARE_EXCLUSIVE, proto, SCARD_LEAVE_CARD,
			    &proto);
	ok(rv == SCARD_S_SUCCESS, "SCardReconnect exclusive (%s)", err(rv));
	rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED, proto, &h2, &p2);
	ok(rv == SCARD_E_SHARING_VIOLATION,
	   "another connection meanwhile: SHARING_VIOLATION (%s)", err(rv));
	if (rv == SCARD_S_SUCCESS)
		SCardDisconnect(h2, SCARD_LEAVE_CARD);
	ok(!select_read(h, proto), "the exclusive connection transmits");

	rv = SCardDisconnect(h, SCARD_UNPOWER_CARD);
	ok(rv == SCARD_S_SUCCESS, "SCardDisconnect (%s)", err(rv));

	rv = SCardConnect(ctx, reader, SCARD_SHARE_DIRECT, 0, &h, &proto);
	ok(rv == SCARD_S_SUCCESS, "SCardConnect direct (%s)", err(rv));
	if (rv == SCARD_S_SUCCESS) {
		check_control(h);
		SCardDisconnect(h, SCARD_LEAVE_CARD);
	}
	return failures != 0;
}

struct worker {
	int n, bad;
	LONG rv;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	SCARDCONTEXT c;
	SCARDHANDLE h;
	DWORD proto;
	int i;

	w->rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &c);
	if (w->rv != SCARD_S_SUCCESS)
		return NULL;
	w->rv = SCardConnect(c, reader, SCARD_SHARE_SHARED,
			     SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
	/* SELECT, GET RESPONSE, READ BINARY: one transaction, as in PC/SC. */
	for (i = 0; w->rv == SCARD_S_SUCCESS && i < w->n; i++) {
		w->rv = SCardBeginTransaction(h);
		if (w->rv != SCARD_S_SUCCESS)
			break;
		w->bad += !!select_read(h, proto);
		w->rv = SCardEndTransaction(h, SCARD_LEAVE_CARD);
	}
	if (w->rv == SCARD_S_SUCCESS)
		SCardDisconnect(h, SCARD_LEAVE_CARD);
	SCardReleaseContext(c);
	return NULL;
}

static int cmd_threads(int n)
{
	struct worker w[2] = { { .n = n }, { .n = n } };
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, work, &w[i]);
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		ok(w[i].rv == SCARD_S_SUCCESS && !w[i].bad,
		   "thread %d: %d exchanges, %d wrong (%s)", i, n, w[i].bad,
		   err(w[i].rv));
	}
	return failures != 0;
}

/* One connection, SELECT and READ BINARY: 0 when the card answered. */
static int cmd_once(void)
{
	SCARDHANDLE h;
	DWORD proto;
	LONG rv;
	int ret;

	rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
	if (rv != SCARD_S_SUCCESS) {
		fprintf(stderr, "pcsc_test: SCardConnect: %s\n", err(rv));
		return 1;
	}
	ret = select_read(h, proto);
	if (ret)
		fprintf(stderr, "pcsc_test: SELECT and READ BINARY failed\n");
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	return ret ? 1 : 0;
}

static DWORD feature_code(const BYTE *b, DWORD len, BYTE tag)
{
	DWORD i;

	for (i = 0; i + 6 <= len; i += 2 + b[i + 1])
		if (b[i] == tag && b[i + 1] == 4)
			return (DWORD)b[i + 2] << 24 | b[i + 3] << 16 |
			       b[i + 4] << 8 | b[i + 5];
	return 0;
}

/*
 * A PIN pad through SCardControl, as OpenSC drives one: the feature
 * codes, the display, and a VERIFY of PIN 1 with the PIN typed on the
 * reader, ASCII in an 8-byte block padded with FF.
 */
static int cmd_pinpad(void)
{
	static const BYTE apdu[] = {
		0x00, 0x20, 0x00, 0x01, 0x08,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	BYTE buf[256], cmd[sizeof(PIN_VERIFY_STRUCTURE) + sizeof(apdu)];
	PIN_VERIFY_STRUCTURE *v = (PIN_VERIFY_STRUCTURE *)cmd;
	DWORD len = 0, verify, modify, props, proto;
	SCARDHANDLE h;
	LONG rv;

	rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
	ok(rv == SCARD_S_SUCCESS, "SCardConnect (%s)", err(rv));
	if (rv != SCARD_S_SUCCESS)
		return 1;
	rv = SCardControl(h, CM_IOCTL_GET_FEATURE_REQUEST, NULL, 0, buf,
			  sizeof(buf), &len);
	if (rv != SCARD_S_SUCCESS)
		len = 0;
	verify = feature_code(buf, len, FEATURE_VERIFY_PIN_DIRECT);
	modify = feature_code(buf, len, FEATURE_MODIFY_PIN_DIRECT);
	props = feature_code(buf, len, FEATURE_IFD_PIN_PROPERTIES);
	ok(verify == SCARD_CTL_CODE(3406) && modify == SCARD_CTL_CODE(3407) &&
	   props == SCARD_CTL_CODE(3410),
	   "GET_FEATURE_REQUEST: verify 0x%lx, modify 0x%lx, properties 0x%lx (%s)",
	   (unsigned long)verify, (unsigned long)modify,
	   (unsigned long)props, err(rv));

	rv = SCardControl(h, props, NULL, 0, buf, sizeof(buf), &len);
	ok(rv == SCARD_S_SUCCESS && len == 4 && buf[0] == 0x10 &&
	   buf[1] == 0x02, "IFD_PIN_PROPERTIES: 2 lines of 16 (%s)", err(rv));

	/* A structure cut short: the kernel refuses it, nothing is typed. */
	memset(cmd, 0, sizeof(cmd));
	len = 0;
	rv = SCardControl(h, verify, cmd, 10, buf, sizeof(buf), &len);
	ok(rv == SCARD_E_UNSUPPORTED_FEATURE && !len,
	   "VERIFY_PIN_DIRECT, 10 bytes: refused (%s)", err(rv));

	v->bTimerOut = 30;
	v->bmFormatString = 0x82;
	v->bmPINBlockString = 0x08;
	v->wPINMaxExtraDigit = 0x0408;
	v->bEntryValidationCondition = 0x02;
	v->bNumberMessage = 0x01;
	v->wLangId = 0x0409;
	v->ulDataLength = sizeof(apdu);
	memcpy(v->abData, apdu, sizeof(apdu));
	len = 0;
	rv = SCardControl(h, verify, cmd,
			  offsetof(PIN_VERIFY_STRUCTURE, abData) + sizeof(apdu),
			  buf, sizeof(buf), &len);
	ok(rv == SCARD_S_SUCCESS && len == 2 && buf[0] == 0x90 && !buf[1],
	   "VERIFY_PIN_DIRECT: %02x %02x (%s)", len > 0 ? buf[0] : 0,
	   len > 1 ? buf[1] : 0, err(rv));
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	return failures != 0;
}

/* Transmit until the reader goes: the error an application then sees. */
static int cmd_hold(long ms)
{
	long end = now_ms() + ms;
	SCARDHANDLE h;
	DWORD proto;
	LONG rv;

	/*
	 * A reader just bound may report a card event latched while it was
	 * not (pcscd then reads "absent" once): let it settle.
	 */
	do {
		rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
				  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h,
				  &proto);
		if (rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD)
			sleep_ms(200);
	} while ((rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD) &&
		 now_ms() < end);
	ok(rv == SCARD_S_SUCCESS, "SCardConnect (%s)", err(rv));
	if (rv != SCARD_S_SUCCESS)
		return 1;
	printf("# connected\n");
	fflush(stdout);
	while (now_ms() < end) {
		BYTE rsp[300];
		DWORD len = sizeof(rsp);

		rv = apdu(h, proto, select_app, sizeof(select_app), rsp, &len);
		if (rv != SCARD_S_SUCCESS)
			break;
		/*
		 * Seldom: QEMU 7.2 may crash when its usb-ccid is deleted
		 * while the card's answer is on its way (ccid-card-passthru).
		 */
		sleep_ms(HOLD_PERIOD_MS);
	}
	/*
	 * Depending on how far pcscd got: the reader failing, the card gone,
	 * or (pcscd 1.9.9, once its hotplug removed the reader of the
	 * handle, whatever the driver) an invalid value.
	 */
	ok(rv == SCARD_E_READER_UNAVAILABLE || rv == SCARD_W_REMOVED_CARD ||
	   rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_RESET_CARD ||
	   rv == SCARD_E_INVALID_VALUE || rv == SCARD_E_INVALID_HANDLE,
	   "the application sees the reader go: %s", err(rv));
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	return failures != 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	for (;;) {
		if (argc > 2 && !strcmp(argv[1], "-r")) {
			want = argv[2];
		} else if (argc > 2 && !strcmp(argv[1], "-2") &&
			   strlen(argv[2]) == 2 * sizeof(read_bin)) {
			/* Another card's command for 16 bytes and 90 00. */
			unsigned int i, b;

			for (i = 0; i < sizeof(read_bin); i++) {
				if (sscanf(argv[2] + 2 * i, "%2x", &b) != 1)
					goto usage;
				read_bin[i] = b;
			}
		} else {
			break;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		goto usage;
	if (setup())
		return 1;
	if (!strcmp(argv[1], "list"))
		ret = cmd_list();
	else if (!strcmp(argv[1], "wait") && argc == 4)
		ret = cmd_wait(argv[2], atol(argv[3]));
	else if (!strcmp(argv[1], "suite"))
		ret = cmd_suite();
	else if (!strcmp(argv[1], "threads") && argc == 3)
		ret = cmd_threads(atoi(argv[2]));
	else if (!strcmp(argv[1], "hold") && argc == 3)
		ret = cmd_hold(atol(argv[2]));
	else if (!strcmp(argv[1], "once"))
		ret = cmd_once();
	else if (!strcmp(argv[1], "pinpad"))
		ret = cmd_pinpad();
	else
		goto usage;
	SCardReleaseContext(ctx);
	return ret;
usage:
	fprintf(stderr, "usage: pcsc_test [-r NAME] [-2 HEX] list | wait present|absent MS\n"
			"       | suite | threads N | hold MS | once | pinpad\n");
	return 2;
}
