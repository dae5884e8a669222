// SPDX-License-Identifier: GPL-2.0
/*
 * ccid_test - checks of a USB CCID reader (scard_ccid_usb.ko) in the QEMU
 * guest, against the card of tools/testing/ccid/vsc-card (see its
 * instructions 80 10 .. 80 1E) behind QEMU's usb-ccid.
 *
 *	ccid_test DEV connect        cold reset, ATR, T=0 selected
 *	ccid_test DEV lengths        case 2 TPDUs answering 0..256 bytes, in
 *	                             both orders and the lengths that end a
 *	                             reply on a 64-byte packet back to back
 *	ccid_test DEV case3          case 3 TPDUs carrying 1..255 bytes
 *	ccid_test DEV cases          T=0 TPDU cases 1, 2, 3; 61xx and 6Cxx
 *	                             left to the caller
 *	ccid_test DEV apdu           the APDU transport (SCARD_TRANSMIT_APDU):
 *	                             case 4, GET RESPONSE chains, 6Cxx
 *	ccid_test DEV cac            libcacard's CAC card (QEMU's
 *	                             ccid-card-emulated): SELECT of the PKI
 *	                             applet, GET PROPERTIES, and its
 *	                             certificate read with READ BUFFER
 *	ccid_test DEV xfer [--apdu] EXPECT MIN_MS MAX_MS CMD [RSP]
 *	                             one TRANSMIT; EXPECT is "ok" or errno
 *	                             names separated by commas; it must end
 *	                             within MIN_MS..MAX_MS (and answer RSP)
 *	ccid_test DEV extended MAX_MSG
 *	                             extended APDUs through ccid_gadget (80 EE
 *	                             echoes, 80 EF answers Le bytes): data and
 *	                             Le of every boundary of a reader message
 *	                             of MAX_MSG bytes and of an APDU, up to
 *	                             65535 and 65536 bytes
 *	ccid_test DEV wait present|absent|poll EXPECT MAX_MS [READY_FILE]
 *	                             block in IS_PRESENT, IS_ABSENT or poll()
 *	                             (EXPECT: ok, event, hup or errno names);
 *	                             READY_FILE is created just before
 *
 * The card must be connected (connect) before the transmitting commands
 * (except xfer, which connects if needed). Prints "ok - text" / "not ok -
 * text" lines and "# text" diagnostics; exits 1 if a check failed, 2 on a
 * usage error. Every wait is bounded by alarm().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/scard.h>

#include "tap.h"

#define BUF_MAX		4096
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int fd = -1;
static unsigned char rsp[BUF_MAX];
static size_t rsp_len;

static void print_usage(void)
{
	fprintf(stderr,
		"usage: ccid_test DEV connect|lengths|case3|cases|apdu|cac\n"
		"       ccid_test DEV xfer [--apdu] EXPECT MIN_MS MAX_MS CMD [RSP]\n"
		"       ccid_test DEV extended MAX_MSG\n"
		"       ccid_test DEV wait present|absent|poll EXPECT MAX_MS [READY]\n");
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *ename(int err)
{
	const char *n = err ? strerrorname_np(err) : "ok";

	return n ? n : "?";
}

/* Is @name one of the comma-separated names in @list? */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return 1;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return 0;
}

/* Is @err one of the errno names in @list ("ok" for 0)? */
static int expected(const char *list, int err)
{
	return in_list(list, ename(err));
}

static size_t parse_hex(const char *s, unsigned char *out, size_t size)
{
	unsigned int b;
	size_t n = 0;

	for (; *s; s += 2) {
		if (n >= size || !s[1] || sscanf(s, "%2x", &b) != 1) {
			fprintf(stderr, "ccid_test: bad hex \"%s\"\n", s);
			exit(2);
		}
		out[n++] = b;
	}
	return n;
}

static void hexdump(const char *what, const unsigned char *p, size_t n)
{
	char line[2 * 32 + 1];
	size_t i;

	for (i = 0; i < n && i < 32; i++)
		sprintf(line + 2 * i, "%02X", p[i]);
	line[2 * i] = 0;
	diag("%s %s%s (%zu bytes)", what, line, n > 32 ? "..." : "", n);
}

static void fill(unsigned char *p, unsigned int start, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (start + i) & 0xff;
}

/* TRANSMIT with T=0; 0 or the errno. */
static int xmit(const unsigned char *cmd, size_t len, __u32 flags)
{
	struct scard_transmit t;

	memset(&t, 0, sizeof(t));
	t.protocol = SCARD_PROTO_T0;
	t.flags = flags;
	t.send_buf = (unsigned long)cmd;
	t.recv_buf = (unsigned long)rsp;
	t.send_len = len;
	t.recv_len = sizeof(rsp);
	rsp_len = 0;
	if (ioctl(fd, SCARD_IOC_TRANSMIT, &t))
		return errno;
	rsp_len = t.recv_len;
	return 0;
}

/* The response must be @n bytes of the card's pattern from @start + @sw. */
static int rsp_is(unsigned int start, size_t n, unsigned int sw)
{
	unsigned char want[BUF_MAX];

	if (rsp_len != n + 2)
		return 0;
	fill(want, start, n);
	return !memcmp(rsp, want, n) && rsp[n] == sw >> 8 &&
	       rsp[n + 1] == (sw & 0xff);
}

static int card_state(void)
{
	struct scard_state st;

	memset(&st, 0, sizeof(st));
	if (ioctl(fd, SCARD_IOC_GET_STATE, &st))
		return -errno;
	return st.state;
}

static int do_connect(void)
{
	struct scard_protocol sp = { .mask = SCARD_PROTO_T0 };
	struct scard_power pw;
	char atr[2 * SCARD_ATR_MAX + 1];
	unsigned int i;

	memset(&pw, 0, sizeof(pw));
	pw.disposition = SCARD_COLD_RESET;
	if (ioctl(fd, SCARD_IOC_POWER, &pw)) {
		diag("POWER: %s", ename(errno));
		return 0;
	}
	for (i = 0; i < pw.atr_len && i < SCARD_ATR_MAX; i++)
		sprintf(atr + 2 * i, "%02X", pw.atr[i]);
	atr[2 * i] = 0;
	diag("ATR %s", atr);
	if (ioctl(fd, SCARD_IOC_SET_PROTOCOL, &sp)) {
		diag("SET_PROTOCOL: %s", ename(errno));
		return 0;
	}
	return sp.selected == SCARD_PROTO_T0;
}

/* 80 10 00 P2 Le: Le bytes (256 for 00) and 90 00. */
static int get_len(unsigned int n, unsigned int p2)
{
	unsigned char cmd[5] = { 0x80, 0x10, 0x00, p2, n & 0xff };
	int err = xmit(cmd, sizeof(cmd), 0);

	if (!err && rsp_is(p2, n, 0x9000))
		return 1;
	diag("%u bytes from %02X: %s", n, p2, ename(err));
	if (!err)
		hexdump("got", rsp, rsp_len);
	return 0;
}

static void suite_lengths(void)
{
	/* Replies of 64, 128, 192 and 256 bytes: the phantom ZLP of xHCI */
	static const unsigned int zlp[] = {
		52, 1, 52, 52, 116, 116, 180, 0, 180, 244, 244, 52, 2, 116, 3,
	};
	unsigned int n, bad = 0, p2 = 0;
	unsigned char cmd[5] = { 0x80, 0x18, 0x00, 0x00, 0x00 };
	int err;

	err = xmit(cmd, sizeof(cmd), 0);
	ok(!err && rsp_is(0, 0, 0x9000), "no data: 90 00 alone");

	for (n = 1; n <= 256; n++)
		bad += !get_len(n, p2++);
	ok(!bad, "responses of 1..256 bytes, ascending (%u wrong)", bad);

	bad = 0;
	for (n = 256; n >= 1; n--)
		bad += !get_len(n, p2++);
	ok(!bad, "responses of 256..1 bytes, descending (%u wrong)", bad);

	bad = 0;
	for (n = 0; n < ARRAY_SIZE(zlp); n++) {
		if (zlp[n]) {
			bad += !get_len(zlp[n], p2++);
		} else {
			err = xmit(cmd, sizeof(cmd), 0);
			bad += err || !rsp_is(0, 0, 0x9000);
		}
	}
	ok(!bad, "64-byte multiple replies (52, 116, 180, 244 bytes) back to back (%u wrong)",
	   bad);
}

static void suite_case3(void)
{
	unsigned char cmd[5 + 255];
	unsigned int n, bad = 0;
	int err;

	for (n = 1; n <= 255; n++) {
		cmd[0] = 0x80;
		cmd[1] = 0x12;
		cmd[2] = 0;
		cmd[3] = n * 7;
		cmd[4] = n;
		fill(cmd + 5, cmd[3], n);
		err = xmit(cmd, 5 + n, 0);
		if (err || !rsp_is(0, 0, 0x9000)) {
			bad++;
			diag("case 3 with %u bytes: %s", n, ename(err));
			if (!err)
				hexdump("got", rsp, rsp_len);
		}
	}
	ok(!bad, "case 3 commands of 1..255 bytes, incl. 64-byte multiple messages (%u wrong)",
	   bad);
}

/* One TRANSMIT of hex @c, answer must be hex @r. */
static void check_hex(const char *desc, __u32 flags, const char *c,
		      const char *r)
{
	unsigned char cmd[BUF_MAX], want[BUF_MAX];
	size_t cl = parse_hex(c, cmd, sizeof(cmd));
	size_t rl = parse_hex(r, want, sizeof(want));
	int err = xmit(cmd, cl, flags);
	int pass = !err && rsp_len == rl && !memcmp(rsp, want, rl);

	ok(pass, "%s", desc);
	if (err)
		diag("TRANSMIT: %s", ename(err));
	else if (!pass)
		hexdump("got", rsp, rsp_len);
}

static void suite_cases(void)
{
	int err;

	check_hex("case 1 TPDU: 90 00", 0, "80180000", "9000");
	check_hex("case 1 TPDU with P3 = 00: 90 00", 0, "8018000000", "9000");
	check_hex("case 2 TPDU: 8 bytes", 0, "801000A008",
		  "A0A1A2A3A4A5A6A79000");
	check_hex("case 3 TPDU: 90 00", 0, "8012004003404142", "9000");
	check_hex("case 3 TPDU, wrong data: 6A 80", 0, "8012004003404143",
		  "6A80");
	check_hex("case 3 TPDU answered 61 08: left to the caller", 0,
		  "80140810020102", "6108");
	check_hex("GET RESPONSE by the caller", 0, "00C0000008",
		  "10111213141516179000");
	check_hex("case 2 TPDU with a wrong Le: 6C 10 to the caller", 0,
		  "8016100000", "6C10");
	check_hex("case 2 TPDU, right Le", 0, "8016103010",
		  "303132333435363738393A3B3C3D3E3F9000");
	check_hex("status word passed through: 6A 82", 0, "801C6A8200",
		  "6A82");

	/* a case 4 TPDU does not exist in T=0 */
	err = xmit((const unsigned char *)"\x80\x14\x00\x00\x01\x00\x00", 7, 0);
	ok(err == EINVAL || (!err && rsp_len == 2),
	   "case 4 command without the APDU flag: EINVAL or a status word (%s)",
	   ename(err));
}

/* APDU transport: hex @c answers @n pattern bytes from @start, 90 00. */
static void check_pat(const char *desc, const char *c, unsigned int start,
		      size_t n)
{
	unsigned char cmd[BUF_MAX];
	size_t cl = parse_hex(c, cmd, sizeof(cmd));
	int err = xmit(cmd, cl, SCARD_TRANSMIT_APDU);
	int pass = !err && rsp_is(start, n, 0x9000);

	ok(pass, "%s", desc);
	if (err)
		diag("TRANSMIT: %s", ename(err));
	else if (!pass)
		hexdump("got", rsp, rsp_len);
}

static void suite_apdu(void)
{
	static const unsigned int lens[] = { 1, 20, 52, 54, 116, 200, 255 };
	unsigned char cmd[5 + 255 + 1];
	unsigned int i, n, bad = 0;
	int err;

	/* case 4: case 3 TPDU, 61 xx, GET RESPONSE */
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		n = lens[i];
		cmd[0] = 0x80;
		cmd[1] = 0x14;
		cmd[2] = 0;
		cmd[3] = n;
		cmd[4] = n;
		fill(cmd + 5, 0, n);
		cmd[5 + n] = 0;
		err = xmit(cmd, 6 + n, SCARD_TRANSMIT_APDU);
		if (err || !rsp_is(n, n, 0x9000)) {
			bad++;
			diag("case 4 with %u bytes: %s", n, ename(err));
			if (!err)
				hexdump("got", rsp, rsp_len);
		}
	}
	ok(!bad, "case 4 APDUs: 61xx and GET RESPONSE (%u wrong)", bad);

	check_pat("case 4, 256 bytes in four 61 40 chunks", "801A4020010000",
		  0x20, 256);
	check_pat("case 4, 40 bytes in 61 40 chunks", "801A0A50010000", 0x50,
		  40);
	check_pat("case 2 with a wrong Le: 6C 10, sent again", "8016107000",
		  0x70, 16);
	check_pat("case 2 with a wrong Le: 6C 00, sent again, Le bytes kept",
		  "8016000010", 0, 16);
	check_pat("case 2, Le = 00: 256 bytes", "8016000000", 0, 256);
	check_hex("case 1 APDU", SCARD_TRANSMIT_APDU, "80180000", "9000");
	check_hex("case 3 APDU", SCARD_TRANSMIT_APDU, "8012000402040506",
		  "9000");
	check_hex("case 2 APDU", SCARD_TRANSMIT_APDU, "8010000303",
		  "0304059000");
}

/* APDU transport: hex @c must end with 90 00; the data length or -1. */
static long cac_cmd(const char *desc, const char *c)
{
	unsigned char cmd[BUF_MAX];
	size_t cl = parse_hex(c, cmd, sizeof(cmd));
	int err = xmit(cmd, cl, SCARD_TRANSMIT_APDU);
	int pass = !err && rsp_len >= 2 && rsp[rsp_len - 2] == 0x90 &&
		   rsp[rsp_len - 1] == 0x00;

	ok(pass, "%s: %zu bytes", desc, rsp_len >= 2 ? rsp_len - 2 : 0);
	if (err)
		diag("TRANSMIT: %s", ename(err));
	else if (!pass)
		hexdump("got", rsp, rsp_len);
	return pass ? (long)rsp_len - 2 : -1;
}

/* READ BUFFER of the value buffer: @n bytes from @off into @out. */
static int cac_read(unsigned int off, unsigned int n, unsigned char *out)
{
	unsigned char cmd[8] = { 0x80, 0x52, off >> 8, off & 0xff, 2, 2, n, 0 };
	int err = xmit(cmd, sizeof(cmd), SCARD_TRANSMIT_APDU);

	if (err || rsp_len != n + 2 || rsp[n] != 0x90 || rsp[n + 1]) {
		diag("READ BUFFER %u bytes at %u: %s", n, off, ename(err));
		if (!err)
			hexdump("got", rsp, rsp_len);
		return 0;
	}
	memcpy(out, rsp, n);
	return 1;
}

static void suite_cac(void)
{
	static unsigned char val[65536 + 2];
	unsigned int len, off, n, der;
	int pass;

	ok(do_connect(), "cold reset and T=0");
	check_hex("SELECT of the PKI applet as a TPDU: 61 0D", 0,
		  "00A4040007A0000000790100", "610D");
	ok(cac_cmd("GET RESPONSE", "00C000000D") == 13,
	   "the FCI has 13 bytes");
	ok(cac_cmd("SELECT of the PKI applet as an APDU",
		   "00A4040007A000000079010000") == 13, "the FCI again");
	ok(cac_cmd("GET PROPERTIES (6Cxx, sent again)", "8056010000") > 0,
	   "properties returned");

	/* The value buffer: 2 bytes of length, then the values. */
	pass = cac_read(0, 2, val);
	len = val[0] | val[1] << 8;
	ok(pass && len > 4, "value buffer of %u bytes", len);
	for (off = 2; pass && off < len + 2; off += n) {
		n = len + 2 - off < 250 ? len + 2 - off : 250;
		pass = cac_read(off, n, val + off);
	}
	ok(pass, "value buffer read in READ BUFFER chunks of 250 bytes");
	/*
	 * The values of the PKI applet: CertInfo (0: not compressed), then
	 * the certificate, a SEQUENCE with a 2-byte length.
	 */
	der = val[5] << 8 | val[6];
	ok(pass && !val[2] && val[3] == 0x30 && val[4] == 0x82 &&
	   1 + der + 4 <= len, "a DER certificate of %u bytes", der + 4);
}

static void suite_xfer(int argc, char **argv)
{
	unsigned char cmd[BUF_MAX], want[BUF_MAX];
	__u32 flags = 0;
	long min, max, t;
	size_t cl, rl = 0;
	int err, pass;

	if (argc > 0 && !strcmp(argv[0], "--apdu")) {
		flags = SCARD_TRANSMIT_APDU;
		argc--;
		argv++;
	}
	if (argc < 4)
		print_usage();
	min = atol(argv[1]);
	max = atol(argv[2]);
	cl = parse_hex(argv[3], cmd, sizeof(cmd));
	if (argc > 4)
		rl = parse_hex(argv[4], want, sizeof(want));
	alarm(max / 1000 + 10);

	if (card_state() != SCARD_CARD_SPECIFIC && !do_connect())
		diag("connect failed");
	t = now_ms();
	err = xmit(cmd, cl, flags);
	t = now_ms() - t;
	pass = expected(argv[0], err) && t >= min && t <= max;
	if (!err && argc > 4)
		pass = pass && rsp_len == rl && !memcmp(rsp, want, rl);
	ok(pass, "TRANSMIT %s: %s after %ld ms (want %s in %ld..%ld ms)",
	   argv[3], ename(err), t, argv[0], min, max);
	if (!err && !pass)
		hexdump("got", rsp, rsp_len);
}

/* One extended exchange: @cmd, then @n bytes of pattern from @start, 90 00. */
static void ext_check(const char *desc, const unsigned char *cmd, size_t len,
		      unsigned int start, size_t n)
{
	static unsigned char r[SCARD_MAX_RECV];
	struct scard_transmit t;
	size_t i;
	int pass;

	memset(&t, 0, sizeof(t));
	t.protocol = SCARD_PROTO_T0;
	t.send_buf = (unsigned long)cmd;
	t.recv_buf = (unsigned long)r;
	t.send_len = len;
	t.recv_len = sizeof(r);
	if (ioctl(fd, SCARD_IOC_TRANSMIT, &t)) {
		ok(0, "%s: %s", desc, ename(errno));
		return;
	}
	pass = t.recv_len == n + 2 && r[n] == 0x90 && !r[n + 1];
	for (i = 0; pass && i < n; i++)
		pass = r[i] == ((start + i) & 0xff);
	ok(pass, "%s: %u bytes back", desc, t.recv_len);
}

/* 80 INS 00 00 with an extended Lc or Le of @n (65536: 00 00). */
static void ext_header(unsigned char *cmd, unsigned char ins, size_t n)
{
	cmd[0] = 0x80;
	cmd[1] = ins;
	cmd[2] = 0;
	cmd[3] = 0;
	cmd[4] = 0;
	cmd[5] = n >> 8;
	cmd[6] = n;
}

/* Commands and responses around each boundary, in one message and more. */
static void suite_extended(int argc, char **argv)
{
	static unsigned char cmd[SCARD_MAX_SEND];
	size_t room, i, n;
	char desc[96];

	if (argc < 1)
		print_usage();
	room = strtoul(argv[0], NULL, 0) - 10;
	if (card_state() != SCARD_CARD_SPECIFIC && !do_connect())
		diag("connect failed");
	/* The command APDU (7 header bytes, 2 of Le) fills a message. */
	const size_t lcs[] = {
		1, 255, 256, room - 10, room - 9, room - 8, 2 * room - 9,
		2 * room - 8, 4096, 65534, 65535,
	};
	/* The response (and SW1 SW2) fills a message, or more. */
	const size_t les[] = {
		1, 256, 257, room - 3, room - 2, room - 1, 2 * room - 2,
		2 * room - 1, 4096, 65535, 65536,
	};

	for (i = 0; i < ARRAY_SIZE(lcs); i++) {
		n = lcs[i];
		if (!n || n > 65535)
			continue;
		ext_header(cmd, 0xee, n);
		fill(cmd + 7, i, n);
		cmd[7 + n] = 0;
		cmd[8 + n] = 0;
		snprintf(desc, sizeof(desc), "echo of %zu bytes (APDU of %zu)",
			 n, n + 9);
		ext_check(desc, cmd, n + 9, i, n);
	}
	/* A short case 4 APDU through the same reader. */
	memcpy(cmd, "\x80\xee\x00\x00\x03\x07\x08\x09\x00", 9);
	ext_check("echo of 3 bytes, short APDU", cmd, 9, 7, 3);

	for (i = 0; i < ARRAY_SIZE(les); i++) {
		n = les[i];
		if (!n || n > 65536)
			continue;
		ext_header(cmd, 0xef, n);
		snprintf(desc, sizeof(desc), "Le %zu (response of %zu)", n,
			 n + 2);
		ext_check(desc, cmd, 7, 0, n);
	}
	memcpy(cmd, "\x80\xef\x00\x00\x00", 5);
	ext_check("short Le 00 (256 bytes)", cmd, 5, 0, 256);
}

static void suite_wait(int argc, char **argv)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLPRI };
	const char *what, *res;
	long max, t;
	int err = 0, n;

	if (argc < 3)
		print_usage();
	what = argv[0];
	max = atol(argv[2]);
	alarm(max / 1000 + 10);
	card_state();		/* poll() reports events after this */
	if (argc > 3)
		close(open(argv[3], O_CREAT | O_WRONLY | O_CLOEXEC, 0644));

	t = now_ms();
	if (!strcmp(what, "present") || !strcmp(what, "absent")) {
		if (ioctl(fd, !strcmp(what, "present") ? SCARD_IOC_IS_PRESENT :
			  SCARD_IOC_IS_ABSENT))
			err = errno;
		res = ename(err);
	} else if (!strcmp(what, "poll")) {
		n = poll(&pfd, 1, max);
		if (n < 0)
			res = ename(errno);
		else if (!n)
			res = "timeout";
		else if (pfd.revents & (POLLHUP | POLLERR))
			res = "hup";
		else
			res = "event";
	} else {
		print_usage();
	}
	t = now_ms() - t;
	ok(in_list(argv[1], res) && t <= max, "%s: %s after %ld ms (want %s)",
	   what, res, t, argv[1]);
	if (expected(argv[1], ENODEV) && strcmp(res, "ok")) {
		n = card_state();
		ok(n == -ENODEV, "GET_STATE after the unplug: %s",
		   n < 0 ? ename(-n) : "a state");
	}
}

int main(int argc, char **argv)
{
	const char *suite;

	if (argc < 3)
		print_usage();
	suite = argv[2];
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("not ok - open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	alarm(240);
	if (!strcmp(suite, "connect"))
		ok(do_connect(), "cold reset and T=0");
	else if (!strcmp(suite, "lengths"))
		suite_lengths();
	else if (!strcmp(suite, "case3"))
		suite_case3();
	else if (!strcmp(suite, "cases"))
		suite_cases();
	else if (!strcmp(suite, "apdu"))
		suite_apdu();
	else if (!strcmp(suite, "cac"))
		suite_cac();
	else if (!strcmp(suite, "xfer"))
		suite_xfer(argc - 3, argv + 3);
	else if (!strcmp(suite, "wait"))
		suite_wait(argc - 3, argv + 3);
	else if (!strcmp(suite, "extended"))
		suite_extended(argc - 3, argv + 3);
	else
		print_usage();
	close(fd);
	return failures ? 1 : 0;
}
