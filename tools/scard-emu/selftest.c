// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu --selftest: the card logic run in-process against a small
 * reader side written here (APDU exchanges, T=0 TPDUs and procedure
 * bytes, T=1 blocks with chaining, PPS), on a virtual clock. Prints one
 * "ok - text" / "not ok - text" line per check; exits 1 if one failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define ST_T0			SCARD_PROTO_T0
#define ST_T1			SCARD_PROTO_T1
#define ST_TX			SCARD_PROTO_TX
#define ST_RSP_MAX		(65536 + 2)

static int st_failed;
static u64 st_now = 1000;

static __printf(2, 3) void ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok - ", pass ? "" : "not ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass)
		st_failed++;
}

struct st_env {
	struct emu_config cfg;
	struct atr_params ap;
	struct emu_card card;
};

static void st_init(struct st_env *e, u32 level, u32 protocols)
{
	emu_config_defaults(&e->cfg, &e->ap);
	e->cfg.level = level;
	e->ap.protocols = protocols;
}

/* Build the ATR, insert the card and reset it. */
static struct emu_card *st_card(struct st_env *e)
{
	if (!e->cfg.atr_len)
		e->cfg.atr_len = atr_build(&e->ap, e->cfg.atr);
	card_init(&e->card, &e->cfg, 0);
	card_insert(&e->card);
	card_reset(&e->card, false);
	return &e->card;
}

static void st_done(struct st_env *e)
{
	card_free(&e->card);
}

static size_t st_hex(const char *hex, u8 *out, size_t size)
{
	size_t n = 0;

	if (hex_parse(hex, out, size, &n)) {
		fprintf(stderr, "selftest: bad hex %s\n", hex);
		exit(2);
	}
	return n;
}

/* Everything the card has queued; *at: when the last byte is sent. */
static size_t st_take(struct emu_card *c, u8 *out, size_t size, u64 *at)
{
	size_t n = c->out.len < size ? c->out.len : size;

	if (at)
		*at = n ? c->out.at[n - 1] : 0;
	return outq_take(&c->out, out, n);
}

static size_t st_xfer(struct emu_card *c, u32 arg, const u8 *p, size_t n,
		      u8 *out, size_t size)
{
	link_xfer(c, arg, p, n, st_now);
	return st_take(c, out, size, NULL);
}

static u16 st_sw(const u8 *rsp, size_t len)
{
	return len >= 2 ? rsp[len - 2] << 8 | rsp[len - 1] : 0;
}

/* An APDU given in hex; returns the response length. */
static size_t st_apdu(struct emu_card *c, const char *hex, u8 *rsp)
{
	static u8 cmd[SCARD_MAX_SEND];
	size_t n = st_hex(hex, cmd, sizeof(cmd));

	return st_xfer(c, SCARD_VHCI_XFER_DATA, cmd, n, rsp, ST_RSP_MAX);
}

static bool st_is(const u8 *p, size_t n, const char *hex)
{
	u8 want[512];
	size_t len = st_hex(hex, want, sizeof(want));

	return n == len && !memcmp(p, want, n);
}

static bool st_pattern(const u8 *p, size_t n, size_t from)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (from + i) % 251)
			return false;
	return true;
}

static void test_edc(void)
{
	static const u8 check[] = "123456789";
	struct st_env e;
	u8 edc[2];

	ok(t1_crc(check, 9) == 0x906e, "CRC-16/X.25 check value 0x906e");
	ok(t1_lrc(check, 9) == 0x31, "LRC of \"123456789\" is 0x31");
	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T1);
	e.ap.crc = true;
	st_card(&e);
	ok(t1_edc(&e.card, check, 9, edc) == 2 && edc[0] == 0x6e &&
	   edc[1] == 0x90, "CRC sent low byte first (6E 90)");
	st_done(&e);
}

static void test_atr(void)
{
	struct atr_params p;
	struct atr_info ai;
	u8 atr[SCARD_ATR_MAX];
	size_t n;

	atr_default_params(ST_T1, &p);
	n = atr_build(&p, atr);
	ok(st_is(atr, n, "3B87813120 4D 7363617264 5431 58") &&
	   !atr_parse(atr, n, &ai) && ai.tck_ok && ai.protocols == ST_T1 &&
	   ai.first == ST_T1 && ai.ifsc == 32 && ai.bwi == 4 &&
	   ai.cwi == 13 && !ai.crc, "default T=1 ATR, TCK 58");

	atr_default_params(ST_T0, &p);
	n = atr_build(&p, atr);
	ok(st_is(atr, n, "3B07 7363617264 5430") && !atr_parse(atr, n, &ai) &&
	   ai.tck_ok && ai.protocols == ST_T0 && ai.first == ST_T0,
	   "default T=0 ATR, no TCK");

	atr_default_params(ST_TX, &p);
	p.ta1 = 0x96;
	p.crc = true;
	n = atr_build(&p, atr);
	ok(!atr_parse(atr, n, &ai) && ai.tck_ok && ai.protocols == ST_TX &&
	   ai.first == ST_T0 && ai.ta1 == 0x96 && ai.crc && !ai.specific,
	   "dual T=0/T=1 ATR with TA1 96 and CRC");
	atr_default_params(ST_TX, &p);
	n = atr_build(&p, atr);
	ok(st_is(atr, n, "3B87803120 4D 7363617264 5458 30"),
	   "default dual T=0/T=1 ATR, TCK 30");

	atr_default_params(ST_T1, &p);
	p.specific = true;
	n = atr_build(&p, atr);
	ok(!atr_parse(atr, n, &ai) && ai.tck_ok && ai.specific &&
	   ai.specific_proto == ST_T1, "specific mode ATR (TA2)");

	atr[n - 1] ^= 1;
	ok(!atr_parse(atr, n, &ai) && !ai.tck_ok, "wrong TCK detected");
	ok(atr_parse(atr, 3, &ai), "truncated ATR refused");
}

static void test_apdu_fs(void)
{
	static u8 r[ST_RSP_MAX];
	struct st_env e;
	struct emu_card *c;
	u8 r2[16];
	size_t n;

	st_init(&e, SCARD_VHCI_LEVEL_APDU, ST_T1);
	c = st_card(&e);

	n = st_apdu(c, "00A40000", r);
	ok(st_is(r, n, "9000"), "SELECT MF, case 1: 9000");
	n = st_apdu(c, "00A4000000", r);
	ok(n > 2 && r[0] == 0x6f && st_sw(r, n) == SW_OK,
	   "SELECT MF with Le: FCI");
	n = st_apdu(c, "00A4040009F073636172646D6500", r);
	ok(st_sw(r, n) == SW_NOT_FOUND, "SELECT unknown AID: 6A82");
	n = st_apdu(c, "00A4040009F0736361726465 6D7500", r);
	ok(n == 25 && r[0] == 0x6f &&
	   st_is(r + 9, 11, "8409F0736361726465 6D75") &&
	   st_sw(r, n) == SW_OK, "SELECT by AID: FCI with the DF name");
	n = st_apdu(c, "00A4040004F073636100", r);
	ok(st_sw(r, n) == SW_OK, "SELECT by partial AID");
	n = st_apdu(c, "00A4020C025001", r);
	ok(st_is(r, n, "9000"), "SELECT EF 5001 (P1 02, no response)");
	n = st_apdu(c, "00B00000000000", r);
	ok(n == 602 && st_pattern(r, 600, 0) && st_sw(r, n) == SW_OK,
	   "READ BINARY, extended Le: 600 bytes");
	n = st_apdu(c, "00B0020000", r);
	ok(n == 90 && st_pattern(r, 88, 512) && st_sw(r, n) == SW_OK,
	   "READ BINARY offset 512, Le 00: the 88 bytes left");
	n = st_apdu(c, "00B0024E14", r);
	ok(n == 12 && st_pattern(r, 10, 590) && st_sw(r, n) == SW_EOF,
	   "READ BINARY past the end: 6282");
	n = st_apdu(c, "00B0025800", r);
	ok(st_is(r, n, "6B00"), "READ BINARY offset 600: 6B00");
	n = st_apdu(c, "00B0000010", r);
	ok(n == 18 && st_pattern(r, 16, 0), "READ BINARY Le 16");
	n = st_apdu(c, "00B0810405", r);
	ok(n == 7 && st_pattern(r, 5, 4), "READ BINARY by SFI 1");
	n = st_apdu(c, "00B0000000", r);
	ok(n == 258 && st_pattern(r, 256, 0), "READ BINARY Le 00: 256");
	n = st_apdu(c, "00D6000001 00", r);
	ok(st_is(r, n, "6982"), "UPDATE BINARY of a read-only EF: 6982");

	n = st_apdu(c, "00A4000C023F00", r);
	n = st_apdu(c, "00A4020C022F01", r);
	n = st_apdu(c, "00B0000000", r);
	ok(n == 19 && !memcmp(r, "scard-emu EF 2F01", 17) &&
	   st_sw(r, n) == SW_OK, "EF 2F01 content");
	n = st_apdu(c, "00B09E0000", r);
	ok(n == 25 && st_is(r, 4, "61154F09") && st_sw(r, n) == SW_OK,
	   "EF.DIR by SFI 30");
	n = st_apdu(c, "00A4000C021234", r);
	ok(st_is(r, n, "6A82"), "SELECT unknown FID: 6A82");
	n = st_apdu(c, "00A4070C023F00", r);
	ok(st_is(r, n, "6A86"), "SELECT P1 07: 6A86");
	n = st_apdu(c, "A0A4000C023F00", r);
	ok(st_is(r, n, "6E00"), "CLA A0: 6E00");
	n = st_apdu(c, "01A4000C023F00", r);
	ok(st_is(r, n, "6881"), "logical channel 1: 6881");
	n = st_apdu(c, "00FE0000", r);
	ok(st_is(r, n, "6D00"), "unknown INS: 6D00");
	n = st_apdu(c, "00A4040005 0102", r);
	ok(st_is(r, n, "6700"), "inconsistent Lc: 6700");
	n = st_apdu(c, "00C0000000", r);
	ok(st_is(r, n, "6985"), "GET RESPONSE with nothing left: 6985");

	/* PIN and the protected EF */
	n = st_apdu(c, "00A4080C04 50005003", r);
	ok(st_is(r, n, "9000"), "SELECT by path 5000/5003");
	n = st_apdu(c, "00B0000000", r);
	ok(st_is(r, n, "6982"), "protected EF before VERIFY: 6982");
	n = st_apdu(c, "00200081", r);
	ok(st_is(r, n, "63C3"), "VERIFY without data: 63C3");
	n = st_apdu(c, "0020008104 31313131", r);
	ok(st_is(r, n, "63C2"), "wrong PIN: 63C2");
	n = st_apdu(c, "0020008104 31323334", r);
	ok(st_is(r, n, "9000"), "right PIN: 9000");
	n = st_apdu(c, "00B0000000", r);
	ok(n == 18 && !memcmp(r, "top secret 5003!", 16),
	   "protected EF after VERIFY");
	n = st_apdu(c, "00200081", r);
	ok(st_is(r, n, "9000"), "VERIFY without data once verified: 9000");
	n = st_apdu(c, "0020FF81", r);
	n = st_apdu(c, "00B0000000", r);
	ok(st_is(r, n, "6982"), "VERIFY P1 FF forgets the PIN");
	st_apdu(c, "0020008104 30303030", r);
	st_apdu(c, "0020008104 30303030", r);
	n = st_apdu(c, "0020008104 30303030", r);
	ok(st_is(r, n, "63C0"), "third wrong PIN: 63C0");
	n = st_apdu(c, "0020008104 31323334", r);
	ok(st_is(r, n, "6983"), "blocked PIN: 6983");
	n = st_apdu(c, "002C018108 3132333435363738", r);
	ok(st_is(r, n, "9000"), "RESET RETRY COUNTER with the PUK");
	n = st_apdu(c, "0020008104 31323334", r);
	ok(st_is(r, n, "9000"), "PIN works again");
	n = st_apdu(c, "002C00810C 3132333435363738 39393939", r);
	n = st_apdu(c, "0020008104 39393939", r);
	ok(st_is(r, n, "9000"), "RESET RETRY COUNTER sets a new PIN");

	/* UPDATE BINARY */
	st_apdu(c, "00A4020C025002", r);
	n = st_apdu(c, "00D6000404 DEADBEEF", r);
	ok(st_is(r, n, "9000"), "UPDATE BINARY");
	n = st_apdu(c, "00B0000008", r);
	ok(st_is(r, n, "FFFFFFFFDEADBEEF9000"), "UPDATE BINARY took");
	n = st_apdu(c, "00D6003E04 01020304", r);
	ok(st_is(r, n, "6A84"), "UPDATE BINARY past the end: 6A84");

	n = st_apdu(c, "0084000008", r);
	memcpy(r2, r, 8);
	ok(n == 10 && st_sw(r, n) == SW_OK, "GET CHALLENGE 8");
	n = st_apdu(c, "0084000008", r);
	ok(n == 10 && memcmp(r, r2, 8), "GET CHALLENGE differs each time");

	/* Ne smaller than the FCI: 61xx and GET RESPONSE */
	n = st_apdu(c, "00A4040009F07363617264656D7504", r);
	ok(n == 6 && r[4] == 0x61 && r[5] == 0x17 - 4,
	   "SELECT with Le 4: 4 bytes and 61xx");
	n = st_apdu(c, "00C0000000", r);
	ok(n == 0x17 - 4 + 2 && st_sw(r, n) == SW_OK,
	   "GET RESPONSE returns the rest");

	st_done(&e);
}

static void test_apdu_long(void)
{
	static u8 cmd[SCARD_MAX_SEND], r[ST_RSP_MAX];
	struct st_env e;
	struct emu_card *c;
	size_t n, i;

	st_init(&e, SCARD_VHCI_LEVEL_APDU, ST_T1);
	c = st_card(&e);
	memcpy(cmd, "\x80\x10\x00\x00\x00\x01\x2c", 7);
	for (i = 0; i < 300; i++)
		cmd[7 + i] = i * 7;
	cmd[307] = 0;
	cmd[308] = 0;
	n = st_xfer(c, 0, cmd, 309, r, sizeof(r));
	ok(n == 302 && !memcmp(r, cmd + 7, 300) && st_sw(r, n) == SW_OK,
	   "ECHO of 300 bytes, extended APDU");
	n = st_apdu(c, "801203E8000000", r);
	ok(n == 1002 && st_pattern(r, 1000, 0), "GENERATE 1000 bytes");
	n = st_apdu(c, "80120000000000", r);
	ok(st_is(r, n, "6A86"), "GENERATE 0 bytes: 6A86");
	st_done(&e);
}

/* ---- T=0 ---- */

static size_t st_tpdu(struct emu_card *c, const char *hex, u8 *rsp)
{
	return st_apdu(c, hex, rsp);
}

static void test_t0_tpdu(void)
{
	static u8 r[ST_RSP_MAX];
	struct st_env e;
	struct emu_card *c;
	size_t n;

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T0);
	c = st_card(&e);
	n = st_tpdu(c, "00A4040009F07363617264656D75", r);
	ok(st_is(r, n, "6117"), "T=0 SELECT by AID (case 3): 6117");
	n = st_tpdu(c, "00C0000018", r);
	ok(st_is(r, n, "6C17"), "T=0 GET RESPONSE P3 too big: 6C17");
	n = st_tpdu(c, "00C0000017", r);
	ok(n == 25 && r[0] == 0x6f && st_sw(r, n) == SW_OK,
	   "T=0 GET RESPONSE: the FCI");
	n = st_tpdu(c, "00C0000017", r);
	ok(st_is(r, n, "6985"), "T=0 GET RESPONSE again: 6985");

	n = st_tpdu(c, "00A4000002 3F00", r);
	n = st_tpdu(c, "00A4000202 2F01", r);
	ok(n == 2 && r[0] == 0x61, "T=0 SELECT EF 2F01: 61xx");
	n = st_tpdu(c, "00B0000000", r);
	ok(st_is(r, n, "6C11"), "T=0 READ BINARY P3 0: 6C11");
	n = st_tpdu(c, "00B0000011", r);
	ok(n == 19 && !memcmp(r, "scard-emu EF 2F01", 17),
	   "T=0 READ BINARY P3 11 after 6C");
	n = st_tpdu(c, "00B0000004", r);
	ok(n == 6 && !memcmp(r, "scar", 4), "T=0 READ BINARY P3 short");

	n = st_tpdu(c, "00A4000002 5000", r);
	n = st_tpdu(c, "00A4020C02 5001", r);
	ok(st_is(r, n, "9000"), "T=0 SELECT P2 0C: 9000");
	n = st_tpdu(c, "00B0000000", r);
	ok(n == 258 && st_pattern(r, 256, 0), "T=0 READ BINARY 256 bytes");
	n = st_tpdu(c, "00B0020000", r);
	ok(st_is(r, n, "6C58"), "T=0 READ BINARY at 512: 6C58");
	n = st_tpdu(c, "00B0020058", r);
	ok(n == 90 && st_pattern(r, 88, 512), "T=0 READ BINARY the rest");
	n = st_tpdu(c, "0020008100", r);
	ok(st_is(r, n, "63C3"), "T=0 VERIFY case 1 (P3 0): 63C3");
	n = st_tpdu(c, "00A4040009 F07363", r);
	ok(st_is(r, n, "6700"), "T=0 TPDU shorter than P3: 6700");
	n = st_tpdu(c, "8010000003 010203", r);
	ok(st_is(r, n, "6103"), "T=0 ECHO (case 4 as case 3): 6103");
	n = st_tpdu(c, "80C0000003", r);
	ok(st_is(r, n, "0102039000"), "T=0 GET RESPONSE (CLA 80) of the ECHO");
	n = st_tpdu(c, "8012025800", r);
	ok(n == 258 && st_pattern(r, 256, 0) && st_sw(r, n) == 0x6100,
	   "T=0 GENERATE 600: 256 bytes and 6100");
	n = st_tpdu(c, "00C0000000", r);
	ok(n == 258 && st_pattern(r, 256, 256) && st_sw(r, n) == 0x6158,
	   "T=0 GET RESPONSE: 256 more and 6158");
	n = st_tpdu(c, "00C0000058", r);
	ok(n == 90 && st_pattern(r, 88, 512) && st_sw(r, n) == SW_OK,
	   "T=0 GET RESPONSE: the last 88 bytes");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T0);
	e.cfg.wrong_length = 1;
	c = st_card(&e);
	n = st_tpdu(c, "00A4000002 3F00", r);
	ok(n == 3 && r[0] == 0xee && r[1] == 0x61,
	   "--wrong-length: T=0 response with an extra byte");
	st_done(&e);
}

struct st_t0_stats {
	unsigned int acks;
	unsigned int xacks;
	unsigned int nulls;
	u64 sw_at;
};

/* The reader side of one T=0 exchange at character level. */
static int st_t0_chars(struct emu_card *c, const char *hex, bool out,
		       u8 *rsp, size_t *rsp_len, struct st_t0_stats *st)
{
	u8 tpdu[5 + 256], b;
	size_t len = st_hex(hex, tpdu, sizeof(tpdu));
	size_t lc = out ? 0 : tpdu[4], le = out ? (tpdu[4] ? tpdu[4] : 256) : 0;
	size_t sent = 0, got = 0, k;
	u8 ins = tpdu[1], xins = tpdu[1] ^ 0xff;
	u64 at;

	memset(st, 0, sizeof(*st));
	*rsp_len = 0;
	if (len != 5 + lc)
		return -1;
	link_xfer(c, 0, tpdu, 5, st_now);
	for (;;) {
		if (!c->out.len)
			return -1;	/* silent card */
		at = c->out.at[0];
		outq_take(&c->out, &b, 1);
		if (b == T0_NULL) {
			st->nulls++;
			continue;
		}
		if ((b & 0xf0) == 0x60 || (b & 0xf0) == 0x90) {
			rsp[got] = b;
			if (!c->out.len)
				return -1;
			outq_take(&c->out, rsp + got + 1, 1);
			st->sw_at = at;
			*rsp_len = got + 2;
			return 0;
		}
		if (b == ins) {
			st->acks++;
			if (lc) {
				link_xfer(c, 0, tpdu + 5 + sent, lc - sent,
					  st_now);
				sent = lc;
			} else {
				k = outq_take(&c->out, rsp + got, le - got);
				got += k;
			}
		} else if (b == xins) {
			st->xacks++;
			if (lc) {
				link_xfer(c, 0, tpdu + 5 + sent, 1, st_now);
				sent++;
			} else {
				got += outq_take(&c->out, rsp + got, 1);
			}
		} else {
			return -1;
		}
	}
}

static void test_t0_chars(void)
{
	static const enum emu_t0_ack modes[] = {
		T0_ACK_INS, T0_ACK_SINGLE, T0_ACK_MIXED,
	};
	static const char * const names[] = { "INS", "~INS", "mixed" };
	struct st_t0_stats st;
	struct st_env e;
	struct emu_card *c;
	u8 r[300];
	size_t n, i;
	int ret;

	for (i = 0; i < EMU_ARRAY_SIZE(modes); i++) {
		st_init(&e, SCARD_VHCI_LEVEL_CHAR, ST_T0);
		e.cfg.t0_ack = modes[i];
		c = st_card(&e);
		ret = st_t0_chars(c, "00A4040009F07363617264656D75", false, r,
				  &n, &st);
		ok(!ret && st_is(r, n, "6117") &&
		   st.acks == (modes[i] == T0_ACK_SINGLE ? 0 : 1) &&
		   st.xacks == (modes[i] == T0_ACK_INS ? 0 :
				modes[i] == T0_ACK_SINGLE ? 9 : 1),
		   "T=0 chars, %s ACKs: SELECT data in, 6117", names[i]);
		ret = st_t0_chars(c, "00C0000017", true, r, &n, &st);
		ok(!ret && n == 25 && r[0] == 0x6f && st_sw(r, n) == SW_OK &&
		   st.acks + st.xacks ==
		   (modes[i] == T0_ACK_SINGLE ? 23u : modes[i] ==
		    T0_ACK_MIXED ? 2u : 1u),
		   "T=0 chars, %s ACKs: GET RESPONSE data out", names[i]);
		ok(link_idle(c), "T=0 chars, %s: idle after the exchange",
		   names[i]);
		st_done(&e);
	}

	st_init(&e, SCARD_VHCI_LEVEL_CHAR, ST_T0);
	c = st_card(&e);
	ret = st_t0_chars(c, "00E2000002 0102", false, r, &n, &st);
	ok(!ret && st_is(r, n, "6D00") && !st.acks && !st.xacks,
	   "T=0 chars: unknown INS refused before the data");
	ret = st_t0_chars(c, "0020008100", false, r, &n, &st);
	ok(!ret && st_is(r, n, "63C3"), "T=0 chars: case 1 VERIFY");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_CHAR, ST_T0);
	e.cfg.slow_ms = 350;
	e.cfg.null_ms = 100;
	c = st_card(&e);
	ret = st_t0_chars(c, "00B0000000", true, r, &n, &st);
	ok(!ret && st.nulls == 3 && st.sw_at == st_now + 350 &&
	   st_is(r, n, "6986"),
	   "T=0 chars, --slow 350: 3 NULL bytes, answer 350 ms late");
	st_done(&e);
}

/* ---- T=1 ---- */

struct st_t1 {
	struct emu_card *c;
	bool chars;		/* character level */
	u8 nad;
	u8 ns;
	u8 nr;
	u8 ifsc;
	unsigned int wtx;	/* S(WTX request)s seen */
	unsigned int card_ifs;	/* S(IFS request)s seen */
	size_t max_inf;		/* largest INF the card sent */
	u64 at;			/* when the last block was sent */
	u8 rx[T1_BLOCK_MAX + 8];
	size_t rx_len;
};

static size_t st_t1_build(struct st_t1 *t, u8 pcb, const u8 *inf,
			  size_t len, u8 *blk)
{
	blk[0] = t->nad;
	blk[1] = pcb;
	blk[2] = len;
	if (len)
		memcpy(blk + 3, inf, len);
	return 3 + len + t1_edc(t->c, blk, 3 + len, blk + 3 + len);
}

/* Send a block, read the card's (prologue first at character level). */
static int st_t1_send(struct st_t1 *t, const u8 *blk, size_t len)
{
	struct emu_card *c = t->c;
	size_t el = c->ai.crc ? 2 : 1, want;

	link_xfer(c, SCARD_VHCI_XFER_DATA, blk, len, st_now);
	t->at = c->out.len ? c->out.at[c->out.len - 1] : 0;
	if (!t->chars) {
		t->rx_len = st_take(c, t->rx, sizeof(t->rx), NULL);
	} else {
		t->rx_len = outq_take(&c->out, t->rx, 3);
		if (t->rx_len == 3) {
			want = t->rx[2] + el;
			t->rx_len += outq_take(&c->out, t->rx + 3, want);
		}
	}
	if (t->rx_len < 3 + el || t->rx_len != 3 + t->rx[2] + el)
		return -1;
	return 0;
}

static bool st_t1_edc_ok(struct st_t1 *t)
{
	u8 edc[2];
	size_t el = t1_edc(t->c, t->rx, t->rx_len - (t->c->ai.crc ? 2 : 1),
			   edc);

	return !memcmp(edc, t->rx + t->rx_len - el, el);
}

/* Send, answering the card's S(WTX) and S(IFS) requests. */
static int st_t1_xchg(struct st_t1 *t, const u8 *blk, size_t len)
{
	u8 b[T1_BLOCK_MAX];
	size_t n;

	if (st_t1_send(t, blk, len) || !st_t1_edc_ok(t))
		return -1;
	while (t->rx[1] == 0xc3 || t->rx[1] == 0xc1) {
		if (t->rx[1] == 0xc3) {
			t->wtx++;
		} else {
			t->card_ifs++;
			t->ifsc = t->rx[3];
		}
		n = st_t1_build(t, t->rx[1] | 0x20, t->rx + 3, 1, b);
		if (st_t1_send(t, b, n) || !st_t1_edc_ok(t))
			return -1;
	}
	return 0;
}

/* A whole command / response exchange with chaining both ways. */
static int st_t1_transceive(struct st_t1 *t, const u8 *cmd, size_t len,
			    u8 *rsp, size_t *rsp_len)
{
	u8 b[T1_BLOCK_MAX];
	size_t off = 0, chunk, n;
	bool more;
	u8 pcb;

	*rsp_len = 0;
	for (;;) {
		chunk = len - off < t->ifsc ? len - off : t->ifsc;
		more = len - off > chunk;
		n = st_t1_build(t, (t->ns ? 0x40 : 0) | (more ? 0x20 : 0),
				cmd + off, chunk, b);
		if (st_t1_xchg(t, b, n))
			return -1;
		t->ns ^= 1;
		if (!more)
			break;
		if (t->rx[1] != (0x80 | (t->ns ? 0x10 : 0)))
			return -1;	/* not R(N(R) = our next) */
		off += chunk;
	}
	for (;;) {
		pcb = t->rx[1];
		if (pcb & 0x80 || !!(pcb & 0x40) != t->nr)
			return -1;
		if (t->rx[2] > t->max_inf)
			t->max_inf = t->rx[2];
		memcpy(rsp + *rsp_len, t->rx + 3, t->rx[2]);
		*rsp_len += t->rx[2];
		t->nr ^= 1;
		if (!(pcb & 0x20))
			return 0;
		n = st_t1_build(t, 0x80 | (t->nr ? 0x10 : 0), NULL, 0, b);
		if (st_t1_xchg(t, b, n))
			return -1;
	}
}

static int st_t1_s(struct st_t1 *t, u8 pcb, const u8 *inf, size_t len)
{
	u8 b[T1_BLOCK_MAX];

	return st_t1_send(t, b, st_t1_build(t, pcb, inf, len, b));
}

static void st_t1_start(struct st_t1 *t, struct emu_card *c, bool chars)
{
	memset(t, 0, sizeof(*t));
	t->c = c;
	t->chars = chars;
	t->ifsc = c->ai.ifsc;
}

static void test_t1_level(bool chars)
{
	static u8 cmd[400], r[ST_RSP_MAX];
	const char *lvl = chars ? "chars" : "TPDU";
	struct st_env e;
	struct st_t1 t;
	struct emu_card *c;
	u8 v = 254, b[T1_BLOCK_MAX];
	size_t n, i, k;
	int ret;

	st_init(&e, chars ? SCARD_VHCI_LEVEL_CHAR : SCARD_VHCI_LEVEL_TPDU,
		ST_T1);
	c = st_card(&e);
	st_t1_start(&t, c, chars);

	ret = st_t1_s(&t, 0xc1, &v, 1);
	ok(!ret && st_is(t.rx, t.rx_len, "00E101FE 1E"),
	   "T=1 %s: S(IFS request 254) answered", lvl);

	/* ECHO of 300 bytes: 10 blocks in (IFSC 32), 2 out (IFSD 254) */
	memcpy(cmd, "\x80\x10\x00\x00\x00\x01\x2c", 7);
	for (i = 0; i < 300; i++)
		cmd[7 + i] = i ^ 0x5a;
	cmd[307] = 0;
	cmd[308] = 0;
	ret = st_t1_transceive(&t, cmd, 309, r, &n);
	ok(!ret && n == 302 && !memcmp(r, cmd + 7, 300) &&
	   st_sw(r, n) == SW_OK && t.max_inf == 254,
	   "T=1 %s: chained ECHO of 300 bytes both ways", lvl);

	v = 20;
	st_t1_s(&t, 0xc1, &v, 1);
	t.max_inf = 0;
	ret = st_t1_transceive(&t, (const u8 *)"\x00\xa4\x04\x00\x09"
			       "\xf0scardemu\x00", 15, r, &n);
	ok(!ret && n == 25 && r[0] == 0x6f && t.max_inf == 20,
	   "T=1 %s: SELECT, response chained by IFSD 20", lvl);

	/* READ BINARY of 600 bytes, extended Le */
	st_t1_transceive(&t, (const u8 *)"\x00\xa4\x02\x0c\x02\x50\x01", 7,
			 r, &n);
	ret = st_t1_transceive(&t, (const u8 *)"\x00\xb0\x00\x00\x00\x00\x00",
			       7, r, &n);
	ok(!ret && n == 602 && st_pattern(r, 600, 0),
	   "T=1 %s: READ BINARY 600 bytes in 30 blocks", lvl);

	/* A damaged block: R-block with the EDC error bit. */
	n = st_t1_build(&t, t.ns ? 0x40 : 0, (const u8 *)"\x00\xa4\x00\x00",
			4, b);
	b[n - 1] ^= 1;
	ret = st_t1_send(&t, b, n);
	ok(!ret && t.rx[1] == (0x81 | (t.ns ? 0x10 : 0)),
	   "T=1 %s: bad EDC answered by R(N(R), EDC error)", lvl);

	/* The card's answer got lost: R-block gets it again. */
	st_t1_transceive(&t, (const u8 *)"\x00\xa4\x00\x00", 4, r, &n);
	memcpy(cmd, t.rx, t.rx_len);
	k = t.rx_len;
	ret = st_t1_s(&t, 0x80 | (t.nr ? 0 : 0x10), NULL, 0);
	ok(!ret && t.rx_len == k && !memcmp(t.rx, cmd, k),
	   "T=1 %s: R-block repeats the card's last I-block", lvl);

	/* NAD: source and destination swapped */
	t.nad = 0x12;
	ret = st_t1_transceive(&t, (const u8 *)"\x00\xa4\x00\x00", 4, r, &n);
	ok(!ret && t.rx[0] == 0x21, "T=1 %s: NAD 12 answered with 21", lvl);
	t.nad = 0;

	/* ABORT in the middle of a chain */
	n = st_t1_build(&t, (t.ns ? 0x40 : 0) | 0x20, cmd, 32, b);
	st_t1_send(&t, b, n);
	ok(t.rx[1] == (0x80 | (t.ns ? 0 : 0x10)),
	   "T=1 %s: chained block acknowledged", lvl);
	t.ns ^= 1;
	ret = st_t1_s(&t, 0xc2, NULL, 0);
	ok(!ret && t.rx[1] == 0xe2, "T=1 %s: S(ABORT) answered", lvl);

	/* RESYNCH: both sequence numbers back to 0 */
	ret = st_t1_s(&t, 0xc0, NULL, 0);
	ok(!ret && t.rx[1] == 0xe0, "T=1 %s: S(RESYNCH) answered", lvl);
	t.ns = 0;
	t.nr = 0;
	ret = st_t1_transceive(&t, (const u8 *)"\x00\xa4\x00\x00", 4, r, &n);
	ok(!ret && st_is(r, n, "9000") && c->t1.ifsd == T1_IFSD_DEFAULT,
	   "T=1 %s: exchange after RESYNCH", lvl);
	ok(link_idle(c), "T=1 %s: idle after the exchanges", lvl);
	st_done(&e);
}

static void test_t1_faults(void)
{
	static u8 r[ST_RSP_MAX];
	struct st_env e;
	struct st_t1 t;
	struct emu_card *c;
	u8 b[T1_BLOCK_MAX];
	size_t n;
	int ret;

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T1);
	e.ap.crc = true;
	e.cfg.slow_ms = 3000;
	c = st_card(&e);
	st_t1_start(&t, c, false);
	c->timeout_ms = 1000;
	ret = st_t1_transceive(&t, (const u8 *)"\x00\xa4\x00\x00", 4, r, &n);
	ok(!ret && t.wtx == 1 && t.at == st_now + 3000 && st_is(r, n, "9000"),
	   "T=1 CRC, --slow 3000: S(WTX request), answer 3 s late");
	ok(c->t1.req_value == 4, "WTX multiplier 4 for 3 s with 1 s blocks");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T1);
	e.cfg.card_ifs = 100;
	c = st_card(&e);
	st_t1_start(&t, c, false);
	ret = st_t1_transceive(&t, (const u8 *)"\x00\xa4\x00\x00", 4, r, &n);
	ok(!ret && t.card_ifs == 1 && t.ifsc == 100 && c->t1.ifsc == 100,
	   "--card-ifs 100: the card's S(IFS request)");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T1);
	e.cfg.corrupt_edc = 2;
	c = st_card(&e);
	st_t1_start(&t, c, false);
	n = st_t1_build(&t, 0, (const u8 *)"\x00\xa4\x00\x00", 4, b);
	ret = st_t1_send(&t, b, n);
	ok(!ret && st_t1_edc_ok(&t), "--corrupt-edc 2: first block good");
	n = st_t1_build(&t, 0x80 | 0x00, NULL, 0, b);
	ret = st_t1_send(&t, b, n);
	ok(!ret && !st_t1_edc_ok(&t) && t.rx[1] == 0x00,
	   "--corrupt-edc 2: second block (a repeat) has a bad EDC");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T1);
	e.cfg.wrong_length = 1;
	c = st_card(&e);
	st_t1_start(&t, c, false);
	n = st_t1_build(&t, 0, (const u8 *)"\x00\xa4\x00\x00", 4, b);
	ret = st_t1_send(&t, b, n);
	ok(ret && t.rx_len == 6 && t.rx[2] == 3,
	   "--wrong-length: T=1 LEN does not match the block");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T1);
	e.cfg.mute = true;
	c = st_card(&e);
	st_t1_start(&t, c, false);
	ret = st_t1_s(&t, 0xc1, (const u8 *)"\xfe", 1);
	ok(ret && !t.rx_len, "--mute: no answer");
	st_done(&e);
}

static void test_pps(void)
{
	static u8 r[ST_RSP_MAX];
	struct st_env e;
	struct st_t1 t;
	struct emu_card *c;
	u8 out[16];
	size_t n;
	int ret;

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_TX);
	e.ap.ta1 = 0x96;
	c = st_card(&e);
	n = st_xfer(c, SCARD_VHCI_XFER_PPS, (const u8 *)"\xff\x11\x96\x78", 4,
		    out, sizeof(out));
	ok(st_is(out, n, "FF119678") && c->proto == ST_T1,
	   "PPS T=1 Fi/Di 96 accepted (echo)");
	st_t1_start(&t, c, false);
	ret = st_t1_transceive(&t, (const u8 *)"\x00\xa4\x00\x00", 4, r, &n);
	ok(!ret && st_is(r, n, "9000"), "dual card: T=1 after PPS");
	n = st_xfer(c, SCARD_VHCI_XFER_PPS, (const u8 *)"\xff\x01\xfe", 3,
		    out, sizeof(out));
	ok(!n, "no PPS after the first exchange");
	card_reset(c, false);
	n = st_xfer(c, SCARD_VHCI_XFER_PPS, (const u8 *)"\xff\x10\x97\x78", 4,
		    out, sizeof(out));
	ok(st_is(out, n, "FF00FF"), "PPS Fi/Di 97 not supported: no PPS1");
	card_reset(c, false);
	n = st_xfer(c, SCARD_VHCI_XFER_PPS, (const u8 *)"\xff\x02\xfd", 3,
		    out, sizeof(out));
	ok(!n, "PPS for T=2: silence");
	card_reset(c, false);
	n = st_xfer(c, SCARD_VHCI_XFER_PPS, (const u8 *)"\xff\x01\xff", 3,
		    out, sizeof(out));
	ok(!n, "PPS with a wrong PCK: silence");
	card_reset(c, false);
	n = st_apdu(c, "00A4000002 3F00", r);
	ok(st_is(r, n, "610C") && c->proto == ST_T0,
	   "dual card without PPS: T=0");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T1);
	e.ap.ta1 = 0x96;
	e.cfg.pps_mode = PPS_DEFAULT;
	c = st_card(&e);
	n = st_xfer(c, SCARD_VHCI_XFER_PPS, (const u8 *)"\xff\x11\x96\x78", 4,
		    out, sizeof(out));
	ok(st_is(out, n, "FF01FE"), "--refuse-pps: answer without PPS1");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T1);
	e.cfg.pps_mode = PPS_SILENT;
	c = st_card(&e);
	n = st_xfer(c, SCARD_VHCI_XFER_PPS, (const u8 *)"\xff\x01\xfe", 3,
		    out, sizeof(out));
	ok(!n, "--refuse-pps=silent: no answer");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_CHAR, ST_TX);
	c = st_card(&e);
	link_xfer(c, 0, (const u8 *)"\xff\x01", 2, st_now);
	ok(!c->out.len, "PPS at character level: nothing before PCK");
	n = st_xfer(c, 0, (const u8 *)"\xfe", 1, out, sizeof(out));
	ok(st_is(out, n, "FF01FE") && c->proto == ST_T1,
	   "PPS at character level answered");
	st_t1_start(&t, c, true);
	ret = st_t1_transceive(&t, (const u8 *)"\x00\xa4\x00\x00", 4, r, &n);
	ok(!ret && st_is(r, n, "9000"), "T=1 characters after PPS");
	st_done(&e);
}

static void test_script(void)
{
	static const char text[] =
		"# scripted card\n"
		"00A4040003A00001 6F01AA9000  # case 3\n"
		"80CA9F7F00 01:02:03:04:90:00\n"
		"80CA0101 6A88\n"
		"80CA0101 9000\n"
		"80DE*     6581\n";
	static u8 r[ST_RSP_MAX];
	struct emu_script *s = script_parse(text, "selftest");
	struct st_env e;
	struct emu_card *c;
	size_t n;

	ok(s, "script parsed");
	if (!s)
		return;
	emu_quiet = true;
	ok(!script_parse("00A4 XYZ\n", "bad"), "bad script line refused");
	emu_quiet = false;
	st_init(&e, SCARD_VHCI_LEVEL_APDU, ST_T1);
	e.cfg.script = s;
	c = st_card(&e);
	n = st_apdu(c, "80CA9F7F00", r);
	ok(st_is(r, n, "010203049000"), "scripted GET DATA");
	n = st_apdu(c, "80CA0101", r);
	ok(st_is(r, n, "6A88"), "script sequence: first answer");
	n = st_apdu(c, "80CA0101", r);
	ok(st_is(r, n, "9000"), "script sequence: second answer");
	n = st_apdu(c, "80CA0101", r);
	ok(st_is(r, n, "9000"), "script sequence: the last one stays");
	n = st_apdu(c, "80DE000005 0102030405", r);
	ok(st_is(r, n, "6581"), "script prefix entry");
	n = st_apdu(c, "00A4000C023F00", r);
	ok(st_is(r, n, "9000"), "commands not in the script: built-in card");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_TPDU, ST_T0);
	e.cfg.script = s;
	c = st_card(&e);
	n = st_tpdu(c, "00A4040003 A00001", r);
	ok(st_is(r, n, "6103"), "T=0 scripted case 4 entry: 6103");
	n = st_tpdu(c, "00C0000003", r);
	ok(st_is(r, n, "6F01AA9000"), "T=0 GET RESPONSE of scripted data");
	n = st_tpdu(c, "80CA9F7F00", r);
	ok(st_is(r, n, "6C04"), "T=0 scripted case 2, P3 0: 6C04");
	n = st_tpdu(c, "80CA9F7F04", r);
	ok(st_is(r, n, "010203049000"), "T=0 scripted case 2, P3 4");
	st_done(&e);

	st_init(&e, SCARD_VHCI_LEVEL_APDU, ST_T1);
	e.cfg.script = s;
	e.cfg.script_only = true;
	c = st_card(&e);
	n = st_apdu(c, "00A4000C023F00", r);
	ok(st_is(r, n, "6D00"), "--script-only: 6D00 for the rest");
	st_done(&e);
	script_free(s);
}

static void test_remove_after(void)
{
	static u8 r[ST_RSP_MAX];
	struct st_env e;
	struct emu_card *c;

	st_init(&e, SCARD_VHCI_LEVEL_APDU, ST_T1);
	e.cfg.remove_after = 2;
	c = st_card(&e);
	st_apdu(c, "00A4000C023F00", r);
	ok(!fault_remove_due(c), "--remove-after 2: not after 1 command");
	st_apdu(c, "00A4000C023F00", r);
	ok(fault_remove_due(c), "--remove-after 2: due after 2 commands");
	card_remove(c);
	card_insert(c);
	ok(!fault_remove_due(c), "--remove-after: counts again after insert");
	st_done(&e);
}

int selftest_run(void)
{
	/* Lines stay whole when stderr shares the console. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_edc();
	test_atr();
	test_apdu_fs();
	test_apdu_long();
	test_t0_tpdu();
	test_t0_chars();
	test_t1_level(false);
	test_t1_level(true);
	test_t1_faults();
	test_pps();
	test_script();
	test_remove_after();
	printf("# selftest: %d failed\n", st_failed);
	return st_failed ? 1 : 0;
}
