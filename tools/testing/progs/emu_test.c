// SPDX-License-Identifier: GPL-2.0
/*
 * emu_test - checks of a reader backed by scard-emu (scard_vhci.ko), run
 * in the QEMU guest. It drives /dev/scardN through the ioctls and checks
 * what the emulated card answers (see tools/scard-emu/card.c and fs.c).
 *
 *	emu_test DEV card t0|t1 [nad] [tpdu]
 *	                                the card's commands over T=0 / T=1;
 *	                                nad: check the T=1 NAD; tpdu: also
 *	                                raw T=0 TPDUs (TPDU, character level)
 *	emu_test DEV mute               resets work, transmissions fail
 *	emu_test DEV mute-atr           resets fail with ETIMEDOUT
 *	emu_test DEV slow MS            answers come at least MS late
 *	emu_test DEV robust COUNT       COUNT exchanges, all right (faults
 *	                                the protocol recovers from)
 *	emu_test DEV broken             exchanges fail cleanly, no hang
 *	emu_test DEV remove N           the card goes after N commands
 *	emu_test DEV vendor             the emulator's vendor requests
 *	emu_test DEV probe t0|t1        exit 0 if the reader runs the
 *	                                protocol, 3 if not (EOPNOTSUPP)
 *
 * Prints "ok - text" / "not ok - text" lines and "# text" diagnostics;
 * exits 1 if a check failed, 2 on a usage error. Every wait is bounded
 * by alarm().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/scard.h>

#include "tap.h"

#define RSP_MAX		(65536 + 2)
#define CMD_MAX		(65536 + 16)
#define VENDOR_ECHO	SCARD_VENDOR_CODE_MIN
#define VENDOR_VERSION	(SCARD_VENDOR_CODE_MIN + 1)
#define VENDOR_COUNT	(SCARD_VENDOR_CODE_MIN + 4)
#define FCI_APP_LEN	23	/* FCI of the application DF */

static int fd = -1;
static __u32 proto;
static __u32 xflags;
static unsigned char rsp[RSP_MAX];
static size_t rsp_len;
static __u8 rsp_nad;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static const char *ename(int err)
{
	const char *n = err ? strerrorname_np(err) : "success";

	return n ? n : "?";
}

static size_t parse_hex(const char *s, unsigned char *out, size_t size)
{
	size_t n = 0;
	unsigned int b;

	while (*s) {
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		if (n >= size || sscanf(s, "%2x", &b) != 1 || !s[1]) {
			fprintf(stderr, "emu_test: bad hex \"%s\"\n", s);
			exit(2);
		}
		out[n++] = b;
		s += 2;
	}
	return n;
}

static void hexdump(const char *what, const unsigned char *p, size_t n)
{
	char line[2 * 40 + 1];
	size_t i;

	for (i = 0; i < n && i < 40; i++)
		sprintf(line + 2 * i, "%02X", p[i]);
	line[2 * i] = 0;
	diag("%s %s%s (%zu bytes)", what, line, n > 40 ? "..." : "", n);
}

static int power(__u32 disp, struct scard_power *p)
{
	memset(p, 0, sizeof(*p));
	p->disposition = disp;
	return ioctl(fd, SCARD_IOC_POWER, p) ? errno : 0;
}

static int set_protocol(__u32 mask)
{
	struct scard_protocol sp = { .mask = mask };

	return ioctl(fd, SCARD_IOC_SET_PROTOCOL, &sp) ? errno : 0;
}

static unsigned int card_state(void)
{
	struct scard_state st;

	memset(&st, 0, sizeof(st));
	if (ioctl(fd, SCARD_IOC_GET_STATE, &st))
		return SCARD_CARD_UNKNOWN;
	return st.state;
}

/* Transmit raw bytes; 0 or the errno. */
static int xmit_raw(const unsigned char *cmd, size_t len, __u8 nad)
{
	struct scard_transmit t;

	memset(&t, 0, sizeof(t));
	t.protocol = proto;
	t.flags = xflags;
	t.send_buf = (uintptr_t)cmd;
	t.recv_buf = (uintptr_t)rsp;
	t.send_len = len;
	t.recv_len = sizeof(rsp);
	t.nad = nad;
	rsp_len = 0;
	if (ioctl(fd, SCARD_IOC_TRANSMIT, &t))
		return errno;
	rsp_len = t.recv_len;
	rsp_nad = t.nad;
	return 0;
}

static int xmit(const char *cmd_hex)
{
	static unsigned char cmd[CMD_MAX];

	return xmit_raw(cmd, parse_hex(cmd_hex, cmd, sizeof(cmd)), 0);
}

static unsigned int sw(void)
{
	return rsp_len >= 2 ? rsp[rsp_len - 2] << 8 | rsp[rsp_len - 1] : 0;
}

static int is_pattern(const unsigned char *p, size_t n, size_t from)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (from + i) % 251)
			return 0;
	return 1;
}

/* After a failed check: the error, or the response. */
static void show(int err)
{
	if (last_pass)
		return;
	if (err)
		diag("TRANSMIT: %s", ename(err));
	else
		hexdump("response", rsp, rsp_len);
}

/* Transmit @cmd; the response must be @want (hex), else show it. */
static void check(const char *desc, const char *cmd, const char *want)
{
	unsigned char w[512];
	size_t n = parse_hex(want, w, sizeof(w));
	int err = xmit(cmd);
	int pass = !err && rsp_len == n && !memcmp(rsp, w, n);

	ok(pass, "%s", desc);
	if (err)
		diag("TRANSMIT: %s", ename(err));
	else if (!pass)
		hexdump("got", rsp, rsp_len);
}

/* Transmit @cmd; @n data bytes and status @want_sw. */
static void check_len(const char *desc, const char *cmd, size_t n,
		      unsigned int want_sw)
{
	int err = xmit(cmd);
	int pass = !err && rsp_len == n + 2 && sw() == want_sw;

	ok(pass, "%s", desc);
	if (err)
		diag("TRANSMIT: %s", ename(err));
	else if (!pass)
		hexdump("got", rsp, rsp_len);
}

/* Transmit with the protocol SET_PROTOCOL chose. */
static void use_selected(void)
{
	struct scard_state st;

	memset(&st, 0, sizeof(st));
	ioctl(fd, SCARD_IOC_GET_STATE, &st);
	proto = st.protocol;
	xflags = proto == SCARD_PROTO_T0 ? SCARD_TRANSMIT_APDU : 0;
	diag("protocol T=%d", proto == SCARD_PROTO_T1);
}

static int connect(__u32 mask)
{
	struct scard_power p;
	int err;

	err = power(SCARD_COLD_RESET, &p);
	ok(!err && p.atr_len >= 2, "cold reset");
	if (err) {
		diag("POWER: %s", ename(err));
		return err;
	}
	hexdump("ATR", p.atr, p.atr_len);
	err = set_protocol(mask);
	if (err == EPROTO) {
		/* PPS failed: the card waits for a reset, then the defaults. */
		diag("SET_PROTOCOL 0x%x: EPROTO, reset and default parameters",
		     mask);
		err = power(SCARD_COLD_RESET, &p);
		ok(!err && p.atr_len >= 2, "cold reset after the failed PPS");
		if (err)
			return err;
		mask |= SCARD_PROTO_DEFAULT;
		err = set_protocol(mask);
	}
	ok(!err, "SET_PROTOCOL 0x%x", mask);
	if (err)
		diag("SET_PROTOCOL: %s", ename(err));
	return err;
}

static void suite_card(int t0, int nad, int tpdu)
{
	static unsigned char cmd[CMD_MAX];
	const char *p = t0 ? "T=0" : "T=1";
	size_t i;
	int err;

	proto = t0 ? SCARD_PROTO_T0 : SCARD_PROTO_T1;
	if (connect(proto))
		return;
	xflags = t0 ? SCARD_TRANSMIT_APDU : 0;

	check_len("SELECT MF (FCI)", "00A4000000", 12, 0x9000);
	check_len("SELECT by AID, FCI", "00A4040009F07363617264656D7500",
		  FCI_APP_LEN, 0x9000);
	ok(rsp[0] == 0x6f && rsp[9] == 0x84, "%s: FCI holds the DF name", p);
	check("SELECT EF 2F01 by FID, no response", "00A4000C022F01", "9000");
	check("READ BINARY EF 2F01 (Le 00)", "00B0000000",
	      "73636172642D656D75204546203246303190 00");
	check("SELECT EF 5001 by path", "00A4080C0450005001", "9000");
	err = xmit("00B0000000");
	ok(!err && rsp_len == 258 && is_pattern(rsp, 256, 0) && sw() == 0x9000,
	   "%s: READ BINARY 256 bytes", p);
	show(err);
	err = xmit("00B0020000");
	ok(!err && rsp_len == 90 && is_pattern(rsp, 88, 512) &&
	   sw() == 0x9000, "%s: READ BINARY the last 88 bytes", p);
	show(err);
	check("READ BINARY past the end: 6B00", "00B0025801", "6B00");
	check("unknown instruction: 6D00", "00FE000000", "6D00");
	check("wrong class: 6E00", "A0A4000C023F00", "6E00");
	check("SELECT P1 07: 6A86", "00A4070C023F00", "6A86");
	check("SELECT unknown file: 6A82", "00A4000C021234", "6A82");

	/* PIN */
	check("SELECT EF 5003", "00A4080C0450005003", "9000");
	check("protected EF: 6982", "00B0000000", "6982");
	check("VERIFY, no data: 63C3", "00200081", "63C3");
	check("VERIFY wrong PIN: 63C2", "002000810431313131", "63C2");
	check("VERIFY right PIN", "002000810431323334", "9000");
	check("READ BINARY after VERIFY", "00B0000000",
	      "746F70207365637265742035303033219000");
	check("RESET RETRY COUNTER (PUK)", "002C0181083132333435363738",
	      "9000");
	check("GET RESPONSE with nothing pending: 6985", "00C0000000",
	      "6985");
	check_len("GET CHALLENGE 8", "0084000008", 8, 0x9000);

	/* ECHO: case 4 (T=0: 61xx and GET RESPONSE by the library) */
	memcpy(cmd, "\x80\x10\x00\x00\xc8", 5);
	for (i = 0; i < 200; i++)
		cmd[5 + i] = i ^ 0xa5;
	cmd[205] = 0;
	err = xmit_raw(cmd, 206, 0);
	ok(!err && rsp_len == 202 && !memcmp(rsp, cmd + 5, 200) &&
	   sw() == 0x9000, "%s: ECHO of 200 bytes (case 4)", p);
	show(err);

	if (!t0) {
		/* extended APDUs, long chains */
		memcpy(cmd, "\x80\x10\x00\x00\x00\x04\x00", 7);
		for (i = 0; i < 1024; i++)
			cmd[7 + i] = i * 3;
		cmd[7 + 1024] = 0;
		cmd[8 + 1024] = 0;
		err = xmit_raw(cmd, 9 + 1024, 0);
		ok(!err && rsp_len == 1026 && !memcmp(rsp, cmd + 7, 1024) &&
		   sw() == 0x9000, "T=1: ECHO of 1024 bytes (extended)");
		show(err);
		check("SELECT EF 5001 by path", "00A4080C0450005001", "9000");
		err = xmit("00B00000000000");
		ok(!err && rsp_len == 602 && is_pattern(rsp, 600, 0),
		   "T=1: READ BINARY 600 bytes, extended Le");
		show(err);
		err = xmit("80120FA0000000");
		ok(!err && rsp_len == 4002 && is_pattern(rsp, 4000, 0) &&
		   sw() == 0x9000, "T=1: GENERATE 4000 bytes");
		show(err);
	} else {
		err = xmit("80120258000000");
		ok(!err && rsp_len == 602 && is_pattern(rsp, 600, 0) &&
		   sw() == 0x9000, "T=0: GENERATE 600 bytes (61xx chain)");
		show(err);
	}
	if (t0 && tpdu) {
		xflags = 0;
		check("T=0 TPDU: SELECT by AID, case 3: 6117",
		      "00A4040009F07363617264656D75", "6117");
		check_len("T=0 TPDU: GET RESPONSE", "00C0000017", FCI_APP_LEN,
			  0x9000);
		check("T=0 TPDU: SELECT EF 2F01", "00A4000C022F01", "9000");
		check("T=0 TPDU: READ BINARY P3 0: 6C11", "00B0000000", "6C11");
		check("T=0 TPDU: READ BINARY P3 11", "00B0000011",
		      "73636172642D656D7520454620324630319000");
		xflags = SCARD_TRANSMIT_APDU;
	}
	if (nad) {
		err = xmit_raw((const unsigned char *)"\x00\xa4\x00\x0c\x02"
			       "\x3f\x00", 7, 0x12);
		ok(!err && sw() == 0x9000 && rsp_nad == 0x21,
		   "T=1: NAD 12 answered with NAD 21");
		if (!err && rsp_nad != 0x21)
			diag("NAD %02x", rsp_nad);
	}
	err = power(SCARD_POWER_DOWN, &(struct scard_power){ 0 });
	ok(!err, "power down");
}

static void suite_mute(int atr)
{
	struct scard_power p;
	long t = now_ms();
	int err = power(SCARD_COLD_RESET, &p);

	if (atr) {
		ok(err == ETIMEDOUT, "mute card: reset fails with ETIMEDOUT");
		if (err != ETIMEDOUT)
			diag("POWER: %s", ename(err));
		return;
	}
	ok(!err, "mute card: the reset works");
	if (err)
		return;
	err = set_protocol(SCARD_PROTO_TX);
	if (err) {
		ok(err == ETIMEDOUT || err == EPROTO,
		   "mute card: SET_PROTOCOL fails (%s)", ename(err));
		return;
	}
	use_selected();
	t = now_ms();
	err = xmit("00A4000C023F00");
	ok(err == ETIMEDOUT || err == EPROTO,
	   "mute card: TRANSMIT fails (%s) after %ld ms", ename(err),
	   now_ms() - t);
}

static void suite_slow(long ms)
{
	long t;
	int err;

	if (connect(SCARD_PROTO_TX))
		return;
	use_selected();
	t = now_ms();
	err = xmit("00A4040C09F07363617264656D75");
	t = now_ms() - t;
	ok(!err && sw() == 0x9000 && t >= ms,
	   "slow card: answer after %ld ms (at least %ld)", t, ms);
	if (err)
		diag("TRANSMIT: %s", ename(err));
}

static void suite_robust(int count)
{
	static unsigned char cmd[600];
	int i, good = 0, err = 0;
	size_t j, n;

	if (connect(SCARD_PROTO_TX))
		return;
	use_selected();
	for (i = 0; i < count; i++) {
		n = 20 + (i * 37) % 230;
		cmd[0] = 0x80;
		cmd[1] = 0x10;
		cmd[2] = 0;
		cmd[3] = 0;
		cmd[4] = n;
		for (j = 0; j < n; j++)
			cmd[5 + j] = i + j;
		cmd[5 + n] = 0;
		err = xmit_raw(cmd, 6 + n, 0);
		if (err || rsp_len != n + 2 || memcmp(rsp, cmd + 5, n) ||
		    sw() != 0x9000)
			break;
		good++;
	}
	ok(good == count, "faulty card: %d of %d exchanges right", good,
	   count);
	if (good != count) {
		diag("TRANSMIT: %s", ename(err));
		hexdump("got", rsp, rsp_len);
	}
}

static void suite_broken(void)
{
	long t;
	int err;

	if (connect(SCARD_PROTO_TX))
		return;
	use_selected();
	t = now_ms();
	err = xmit("00A4000C023F00");
	ok(err == EPROTO || err == ETIMEDOUT || err == EIO,
	   "broken card: TRANSMIT fails (%s) after %ld ms", ename(err),
	   now_ms() - t);
	if (!err)
		hexdump("got", rsp, rsp_len);
	err = power(SCARD_COLD_RESET, &(struct scard_power){ 0 });
	ok(!err, "broken card: the reader still resets it");
}

static void suite_remove(int n)
{
	int i, err = 0, state = 0;

	if (connect(SCARD_PROTO_TX))
		return;
	use_selected();
	for (i = 0; i < n; i++) {
		err = xmit("00A4000C023F00");
		if (err || sw() != 0x9000)
			break;
	}
	ok(i == n, "%d commands before the removal", n);
	if (i != n)
		diag("command %d: %s", i + 1, ename(err));
	for (i = 0; i < 50; i++) {
		state = card_state();
		if (state == SCARD_CARD_ABSENT)
			break;
		sleep_ms(100);
	}
	ok(state == SCARD_CARD_ABSENT, "the card is gone after %d commands", n);
	err = xmit("00A4000C023F00");
	ok(err == ENOMEDIUM, "TRANSMIT without the card: %s", ename(err));
}

static void suite_vendor(void)
{
	unsigned char out[64];
	struct scard_vendor v;
	__u32 count = 0;
	int err;

	memset(&v, 0, sizeof(v));
	v.code = VENDOR_ECHO;
	v.in_buf = (uintptr_t)"\xde\xad\xbe\xef";
	v.in_len = 4;
	v.out_buf = (uintptr_t)out;
	v.out_len = sizeof(out);
	err = ioctl(fd, SCARD_IOC_VENDOR, &v) ? errno : 0;
	ok(!err && v.out_len == 4 && !memcmp(out, "\xde\xad\xbe\xef", 4),
	   "vendor echo");
	memset(&v, 0, sizeof(v));
	v.code = VENDOR_VERSION;
	v.out_buf = (uintptr_t)out;
	v.out_len = sizeof(out);
	err = ioctl(fd, SCARD_IOC_VENDOR, &v) ? errno : 0;
	ok(!err && v.out_len > 10 && !memcmp(out, "scard-emu ", 10),
	   "vendor version string");
	memset(&v, 0, sizeof(v));
	v.code = VENDOR_COUNT;
	v.out_buf = (uintptr_t)&count;
	v.out_len = sizeof(count);
	err = ioctl(fd, SCARD_IOC_VENDOR, &v) ? errno : 0;
	ok(!err && v.out_len == 4, "vendor command count (%u)", count);
	memset(&v, 0, sizeof(v));
	v.code = SCARD_VENDOR_CODE_MAX;
	v.out_buf = (uintptr_t)out;
	v.out_len = sizeof(out);
	err = ioctl(fd, SCARD_IOC_VENDOR, &v) ? errno : 0;
	ok(err == EOPNOTSUPP, "unknown vendor code: %s", ename(err));
}

/* Whether SET_PROTOCOL takes @mask: 0 yes, 3 not supported, 1 error. */
static int probe(__u32 mask)
{
	struct scard_power p;
	int err = power(SCARD_COLD_RESET, &p);

	if (!err)
		err = set_protocol(mask);
	power(SCARD_POWER_DOWN, &p);
	if (err && err != EOPNOTSUPP)
		diag("SET_PROTOCOL: %s", ename(err));
	return err == EOPNOTSUPP ? 3 : err ? 1 : 0;
}

static int has_arg(int argc, char **argv, const char *word)
{
	int i;

	for (i = 4; i < argc; i++)
		if (!strcmp(argv[i], word))
			return 1;
	return 0;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: emu_test DEV card t0|t1 [nad] [tpdu] | mute | mute-atr |\n"
		"       slow MS | robust COUNT | broken | remove N | vendor |\n"
		"       probe t0|t1\n");
	exit(2);
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
	if (!strcmp(suite, "card") && argc >= 4)
		suite_card(!strcmp(argv[3], "t0"), has_arg(argc, argv, "nad"),
			   has_arg(argc, argv, "tpdu"));
	else if (!strcmp(suite, "mute"))
		suite_mute(0);
	else if (!strcmp(suite, "mute-atr"))
		suite_mute(1);
	else if (!strcmp(suite, "slow") && argc == 4)
		suite_slow(atol(argv[3]));
	else if (!strcmp(suite, "robust") && argc == 4)
		suite_robust(atoi(argv[3]));
	else if (!strcmp(suite, "broken"))
		suite_broken();
	else if (!strcmp(suite, "remove") && argc == 4)
		suite_remove(atoi(argv[3]));
	else if (!strcmp(suite, "vendor"))
		suite_vendor();
	else if (!strcmp(suite, "probe") && argc == 4)
		return probe(!strcmp(argv[3], "t0") ? SCARD_PROTO_T0 :
			     SCARD_PROTO_T1);
	else
		print_usage();
	close(fd);
	return failures ? 1 : 0;
}
