// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the scard T=0 engine: mapping of command APDUs onto
 * TPDUs, the character level procedure byte handler (scripts that play the
 * card byte by byte) and its transfer loop.
 *
 * Command data and the card's response data are fixed patterns, so the
 * scripts only give offsets and lengths. Buffers are allocated with their
 * exact size, so that KASAN reports any access past them.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/scard_t0.h>
#include <linux/slab.h>
#include <linux/string.h>

#define T0T_WT		1000336135ULL	/* any value: passed through */

static u8 t0t_cmd_byte(size_t i)
{
	return 0xa0 + i;
}

static u8 t0t_rsp_byte(size_t i)
{
	return i * 7 + 3;
}

static u8 *t0t_dup(struct kunit *test, const u8 *p, size_t n)
{
	u8 *b = kunit_kmalloc(test, n ?: 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	memcpy(b, p, n);
	return b;
}

static void t0t_expect_mem(struct kunit *test, const u8 *got, const u8 *exp,
			   size_t n)
{
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(got, exp, n),
			      "got %*ph, expected %*ph", (int)n, got, (int)n,
			      exp);
}

/* --- APDU to TPDU mapping ----------------------------------------------- */

struct t0t_map {
	const char *desc;
	int ret;		/* TPDU length or -EINVAL */
	u8 apdu[12];
	u8 len;
};

#define MAP(d, r, ...)	{ .desc = d, .ret = r, .apdu = { __VA_ARGS__ },	\
			  .len = sizeof((u8[]){ __VA_ARGS__ }) }

static const struct t0t_map t0t_maps[] = {
	MAP("case 1: P3 00 appended", 5, 0x00, 0xa4, 0x04, 0x00),
	MAP("case 2: Le 16", 5, 0x00, 0xb0, 0x00, 0x00, 0x10),
	MAP("case 2: Le 00 (256)", 5, 0x00, 0xb0, 0x00, 0x00, 0x00),
	MAP("case 2: odd INS", 5, 0x00, 0xb1, 0x00, 0x00, 0x08),
	MAP("case 2: proprietary CLA", 5, 0xa0, 0xc0, 0x00, 0x00, 0x16),
	MAP("case 3: Lc 1", 6, 0x80, 0xe2, 0x00, 0x00, 0x01, 0x5a),
	MAP("case 3: Lc 2", 7, 0x00, 0xd6, 0x00, 0x00, 0x02, 0xaa, 0xbb),
	MAP("case 4 short", -EINVAL,
	    0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00, 0x00),
	MAP("case 4 short, Le 00", -EINVAL,
	    0x00, 0x88, 0x00, 0x00, 0x01, 0x11, 0x00),
	MAP("Lc above the data", -EINVAL,
	    0x00, 0xd6, 0x00, 0x00, 0x03, 0xaa, 0xbb),
	MAP("Lc below the data by 2", -EINVAL,
	    0x00, 0xd6, 0x00, 0x00, 0x01, 0xaa, 0xbb, 0xcc),
	MAP("6 bytes, P3 00", -EINVAL, 0x00, 0xd6, 0x00, 0x00, 0x00, 0xaa),
	MAP("extended case 2", -EINVAL,
	    0x00, 0xb0, 0x00, 0x00, 0x00, 0x01, 0x00),
	MAP("extended case 2, Le 0000", -EINVAL,
	    0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00),
	MAP("extended case 3", -EINVAL,
	    0x00, 0xd6, 0x00, 0x00, 0x00, 0x00, 0x02, 0xaa, 0xbb),
	MAP("extended case 4", -EINVAL,
	    0x00, 0x2a, 0x9e, 0x9a, 0x00, 0x00, 0x02, 0xaa, 0xbb, 0x00, 0x00),
	MAP("extended, Lc 0000", -EINVAL,
	    0x00, 0xd6, 0x00, 0x00, 0x00, 0x00, 0x00, 0xaa),
	MAP("3 bytes", -EINVAL, 0x00, 0xa4, 0x04),
	MAP("1 byte", -EINVAL, 0x00),
	MAP("CLA FF (PPSS)", -EINVAL, 0xff, 0xa4, 0x04, 0x00),
	MAP("INS 60", -EINVAL, 0x00, 0x60, 0x00, 0x00, 0x00),
	MAP("INS 6A", -EINVAL, 0x00, 0x6a, 0x00, 0x00, 0x00),
	MAP("INS 9E", -EINVAL, 0x00, 0x9e, 0x00, 0x00, 0x00),
};

static void t0t_map_desc(const struct t0t_map *m, char *desc)
{
	strscpy(desc, m->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t0t_map, t0t_maps, t0t_map_desc);

static void t0t_map_test(struct kunit *test)
{
	const struct t0t_map *m = test->param_value;
	u8 *apdu = t0t_dup(test, m->apdu, m->len);
	u8 tpdu[SCARD_T0_TPDU_MAX];
	int ret;

	memset(tpdu, 0xee, sizeof(tpdu));
	ret = scard_t0_build_tpdu(tpdu, apdu, m->len);
	KUNIT_ASSERT_EQ(test, ret, m->ret);
	if (ret < 0)
		return;
	t0t_expect_mem(test, tpdu, apdu, min_t(size_t, ret, m->len));
	if (m->len == 4)
		KUNIT_EXPECT_EQ(test, tpdu[4], 0);
	KUNIT_EXPECT_EQ(test, tpdu[ret], 0xee);
}

/* The longest case 3 command, and the empty one. */
static void t0t_map_bounds_test(struct kunit *test)
{
	u8 *apdu = kunit_kmalloc(test, SCARD_T0_TPDU_MAX + 1, GFP_KERNEL);
	u8 tpdu[SCARD_T0_TPDU_MAX];
	size_t i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, apdu);
	apdu[0] = 0x00;
	apdu[1] = 0xd6;
	apdu[2] = 0x00;
	apdu[3] = 0x00;
	apdu[4] = 0xff;
	for (i = 5; i <= SCARD_T0_TPDU_MAX; i++)
		apdu[i] = t0t_cmd_byte(i);
	KUNIT_EXPECT_EQ(test, scard_t0_build_tpdu(tpdu, apdu, 260), 260);
	KUNIT_EXPECT_TRUE(test, !memcmp(tpdu, apdu, 260));
	/* The same with Le: case 4, rejected. */
	KUNIT_EXPECT_EQ(test, scard_t0_build_tpdu(tpdu, apdu, 261), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_build_tpdu(tpdu, apdu, 0), -EINVAL);
}

/* --- character level scripts -------------------------------------------- */

/**
 * struct t0t_step - what the engine must ask for, and what the card sends
 * @end: END line: the exchange must have ended with @ret and @rsp_len, the
 *	response being the data fed so far and @sw1 @sw2
 * @tx_off: offset in the TPDU of the bytes to send
 * @tx_len: number of bytes the engine must ask to send
 * @want: number of bytes the engine must ask to receive
 * @rx: the card's bytes
 * @rx_len: number of bytes in @rx
 * @split: @rx is fed one byte at a time, @want being 1 for each
 * @data: instead of @rx, that many bytes of the response pattern
 * @err: instead of bytes, the reader reports this error
 * @repeat: the line is repeated that many more times
 * @ret: END: expected return value
 * @rsp_len: END: expected response length
 * @sw1: END: expected SW1
 * @sw2: END: expected SW2
 */
struct t0t_step {
	bool end;
	u16 tx_off;
	u16 tx_len;
	u16 want;
	u8 rx[2];
	u8 rx_len;
	bool split;
	u16 data;
	int err;
	u16 repeat;
	int ret;
	u16 rsp_len;
	u8 sw1;
	u8 sw2;
};

#define HDR			.tx_len = 5
#define TX(off, n)		.tx_off = 5 + (off), .tx_len = (n)
#define W(n)			.want = (n)
#define RX(...)			.rx = { __VA_ARGS__ },			\
				.rx_len = sizeof((u8[]){ __VA_ARGS__ })
#define SW(a, b)		{ W(1), RX(a, b), .split = true }
#define END(r, n, a, b)		{ .end = true, .ret = (r), .rsp_len = (n), \
				  .sw1 = (a), .sw2 = (b) }
#define FAIL(r)			END(r, 0, 0, 0)

/**
 * struct t0t_script - a scripted exchange
 * @desc: description
 * @hdr: the TPDU header; P3 data bytes of the command pattern follow when
 *	@send is set
 * @send: the TPDU carries data
 * @rsp_size: response buffer size (0 for SCARD_T0_RSP_MAX)
 * @steps: the script, ending with an END line
 */
struct t0t_script {
	const char *desc;
	u8 hdr[5];
	bool send;
	u16 rsp_size;
	const struct t0t_step *steps;
};

#define IN4	{ 0x00, 0xb0, 0x00, 0x00, 0x04 }	/* receive 4 */
#define IN256	{ 0x00, 0xca, 0x01, 0x02, 0x00 }	/* receive 256 */
#define CASE1	{ 0x80, 0x10, 0x00, 0x00, 0x00 }	/* case 1 */
#define OUT3	{ 0x00, 0xd6, 0x00, 0x00, 0x03 }	/* send 3 */
#define OUT255	{ 0x00, 0xd6, 0x00, 0x00, 0xff }	/* send 255 */
/* Columns: description, header, the TPDU carries data; the script. */
#define S(d, h, snd, ...)	{ .desc = d, .hdr = h, .send = snd,	\
				  .steps = (const struct t0t_step[]){	\
					__VA_ARGS__ } }
/* The same with a response buffer of @sz bytes. */
#define SZ(d, h, snd, sz, ...)	{ .desc = d, .hdr = h, .send = snd,	\
				  .rsp_size = sz,			\
				  .steps = (const struct t0t_step[]){	\
					__VA_ARGS__ } }

static const struct t0t_script t0t_scripts[] = {
	S("receive: ACK, all data", IN4, false,
	  { HDR, W(1), RX(0xb0) }, { W(4), .data = 4 }, SW(0x90, 0x00),
	  END(0, 6, 0x90, 0x00)),
	S("receive: ACK, data in two parts", IN4, false,
	  { HDR, W(1), RX(0xb0) }, { W(4), .data = 1 }, { W(3), .data = 3 },
	  SW(0x90, 0x00), END(0, 6, 0x90, 0x00)),
	S("receive: ~ACK byte by byte, then ACK", IN4, false,
	  { HDR, W(1), RX(0x4f) }, { W(1), .data = 1 }, { W(1), RX(0x4f) },
	  { W(1), .data = 1 }, { W(1), RX(0xb0) }, { W(2), .data = 2 },
	  SW(0x90, 0x00), END(0, 6, 0x90, 0x00)),
	S("receive: NULLs before, between and after", IN4, false,
	  { HDR, W(1), RX(0x60) }, { W(1), RX(0x60), .repeat = 8 },
	  { W(1), RX(0xb0) }, { W(4), .data = 4 }, { W(1), RX(0x60) },
	  SW(0x90, 0x00), END(0, 6, 0x90, 0x00)),
	S("receive: SW1 after part of the data", IN4, false,
	  { HDR, W(1), RX(0x4f) }, { W(1), .data = 1 }, SW(0x62, 0x81),
	  END(0, 3, 0x62, 0x81)),
	S("receive: status at once (6C)", IN4, false,
	  { HDR, W(1), RX(0x6c) }, { W(1), RX(0x02) }, END(0, 2, 0x6c, 0x02)),
	S("receive: P3 00 asks for 256", IN256, false,
	  { HDR, W(1), RX(0xca) }, { W(256), .data = 256 },
	  SW(0x90, 0x00), END(0, 258, 0x90, 0x00)),
	S("case 1: status at once", CASE1, false,
	  { HDR, W(1), RX(0x90) }, { W(1), RX(0x00) }, END(0, 2, 0x90, 0x00)),
	S("receive: ACK with nothing left", IN4, false,
	  { HDR, W(1), RX(0xb0) }, { W(4), .data = 4 }, { W(1), RX(0xb0) },
	  SW(0x90, 0x00), END(0, 6, 0x90, 0x00)),
	S("send: ACK, all data", OUT3, true,
	  { HDR, W(1), RX(0xd6) }, { TX(0, 3), W(1), RX(0x90) },
	  { W(1), RX(0x00) }, END(0, 2, 0x90, 0x00)),
	S("send: ~ACK byte by byte", OUT3, true,
	  { HDR, W(1), RX(0x29) }, { TX(0, 1), W(1), RX(0x29) },
	  { TX(1, 1), W(1), RX(0x29) }, { TX(2, 1), W(1), RX(0x90) },
	  { W(1), RX(0x00) }, END(0, 2, 0x90, 0x00)),
	S("send: ~ACK then ACK, NULLs", OUT3, true,
	  { HDR, W(1), RX(0x60) }, { W(1), RX(0x29) },
	  { TX(0, 1), W(1), RX(0x60) }, { W(1), RX(0xd6) },
	  { TX(1, 2), W(1), RX(0x60) }, SW(0x90, 0x00),
	  END(0, 2, 0x90, 0x00)),
	S("send: refused at once", OUT3, true,
	  { HDR, W(1), RX(0x6a) }, { W(1), RX(0x82) }, END(0, 2, 0x6a, 0x82)),
	S("send: SW1 after one byte", OUT3, true,
	  { HDR, W(1), RX(0x29) }, { TX(0, 1), W(1), RX(0x65) },
	  { W(1), RX(0x81) }, END(0, 2, 0x65, 0x81)),
	S("send: ACK with nothing left", OUT3, true,
	  { HDR, W(1), RX(0xd6) }, { TX(0, 3), W(1), RX(0xd6) },
	  SW(0x90, 0x00), END(0, 2, 0x90, 0x00)),
	S("send: 255 bytes", OUT255, true,
	  { HDR, W(1), RX(0xd6) }, { TX(0, 255), W(1), RX(0x90) },
	  { W(1), RX(0x00) }, END(0, 2, 0x90, 0x00)),
	S("NULL limit reached", IN4, false, { HDR, W(1), RX(0x60) },
	  { W(1), RX(0x60), .repeat = SCARD_T0_MAX_NULLS - 2 },
	  SW(0x90, 0x00), END(0, 2, 0x90, 0x00)),
	S("NULL flood", IN4, false, { HDR, W(1), RX(0x60) },
	  { W(1), RX(0x60), .repeat = SCARD_T0_MAX_NULLS - 1 },
	  FAIL(-ETIMEDOUT)),
	S("idle ACKs count as NULLs", OUT3, true,
	  { HDR, W(1), RX(0xd6) }, { TX(0, 3), W(1), RX(0xd6) },
	  { W(1), RX(0xd6), .repeat = SCARD_T0_MAX_NULLS - 1 },
	  FAIL(-ETIMEDOUT)),
	S("byte after SW2", IN4, false,
	  { HDR, W(1), RX(0x90) }, { W(1), RX(0x00, 0x00) }, FAIL(-EPROTO)),
	S("byte before the data is sent", OUT3, true,
	  { HDR, W(1), RX(0xd6, 0x90) }, FAIL(-EPROTO)),
	S("time-out", IN4, false,
	  { HDR, W(1), RX(0xb0) }, { W(4), .err = -ETIMEDOUT },
	  FAIL(-ETIMEDOUT)),
	S("parity error", OUT3, true,
	  { HDR, W(1), .err = -EBADMSG }, FAIL(-EBADMSG)),
	SZ("response larger than the buffer", IN4, false, 3,
	   { HDR, W(1), RX(0xb0) }, { W(4), .data = 4 }, SW(0x90, 0x00),
	  END(-ENOSPC, 6, 0x90, 0x00)),
	SZ("status bytes beyond the buffer", IN4, false, 5,
	   { HDR, W(1), RX(0xb0) }, { W(4), .data = 4 }, SW(0x90, 0x00),
	  END(-ENOSPC, 6, 0x90, 0x00)),
};

static void t0t_script_desc(const struct t0t_script *s, char *desc)
{
	strscpy(desc, s->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t0t_script, t0t_scripts, t0t_script_desc);

static u8 *t0t_tpdu(struct kunit *test, const u8 *hdr, bool send,
		    size_t *len)
{
	size_t i, n = 5 + (send ? hdr[4] : 0);
	u8 *tpdu = kunit_kmalloc(test, n, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tpdu);
	memcpy(tpdu, hdr, 5);
	for (i = 5; i < n; i++)
		tpdu[i] = t0t_cmd_byte(i - 5);
	*len = n;
	return tpdu;
}

/* The response: @n bytes of the pattern, then SW1 SW2. */
static void t0t_expect_rsp(struct kunit *test, const u8 *rsp, size_t size,
			   size_t n, u8 sw1, u8 sw2)
{
	size_t i;

	for (i = 0; i < n + 2 && i < size; i++) {
		u8 exp = i < n ? t0t_rsp_byte(i) : i == n ? sw1 : sw2;

		KUNIT_EXPECT_EQ_MSG(test, rsp[i], exp, "response byte %zu", i);
		if (rsp[i] != exp)
			break;
	}
}

static void t0t_script_test(struct kunit *test)
{
	const struct t0t_script *c = test->param_value;
	size_t size = c->rsp_size ?: SCARD_T0_RSP_MAX;
	const struct t0t_step *s;
	size_t len, fed = 0, rsp_len = 0, n, i, k;
	struct scard_t0_io io;
	struct scard_t0 *t0;
	u8 *tpdu, *rsp, buf[256];
	unsigned int f, feeds;
	int ret = 1;

	t0 = kunit_kzalloc(test, sizeof(*t0), GFP_KERNEL);
	rsp = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rsp);
	tpdu = t0t_tpdu(test, c->hdr, c->send, &len);

	scard_t0_init(t0, T0T_WT);
	KUNIT_ASSERT_EQ(test, scard_t0_start(t0, tpdu, len, rsp, size), 0);
	for (i = 0; !c->steps[i].end; i++) {
		s = &c->steps[i];
		feeds = (s->repeat + 1) * (s->split ? s->rx_len : 1);
		for (f = 0; f < feeds; f++) {
			KUNIT_ASSERT_EQ_MSG(test, ret, 1, "line %zu.%u", i, f);
			scard_t0_next(t0, &io);
			KUNIT_ASSERT_EQ_MSG(test, io.tx_len, f ? 0 : s->tx_len,
					    "line %zu.%u: bytes to send", i, f);
			if (io.tx_len)
				KUNIT_ASSERT_PTR_EQ(test, io.tx, tpdu + s->tx_off);
			KUNIT_ASSERT_EQ_MSG(test, io.rx_len, s->want,
					    "line %zu.%u: bytes to receive", i,
					    f);
			KUNIT_EXPECT_EQ(test, io.wt_ns, T0T_WT);

			if (s->split) {
				n = 1;
				buf[0] = s->rx[f % s->rx_len];
			} else {
				n = s->data ?: s->rx_len;
				for (k = 0; k < n; k++)
					buf[k] = s->data ?
						 t0t_rsp_byte(fed + k) :
						 s->rx[k];
				fed += s->data;
			}
			ret = scard_t0_receive(t0, buf, n, s->err, &rsp_len);
		}
	}

	s = &c->steps[i];
	KUNIT_EXPECT_EQ(test, ret, s->ret);
	KUNIT_EXPECT_EQ(test, rsp_len, s->rsp_len);
	if (!ret || ret == -ENOSPC)
		t0t_expect_rsp(test, rsp, size, fed, s->sw1, s->sw2);

	/* The exchange is over. */
	scard_t0_next(t0, &io);
	KUNIT_EXPECT_EQ(test, io.tx_len, 0);
	KUNIT_EXPECT_EQ(test, io.rx_len, 0);
	KUNIT_EXPECT_PTR_EQ(test, io.tx, NULL);
	KUNIT_EXPECT_EQ(test, scard_t0_receive(t0, buf, 1, 0, &rsp_len),
			-EINVAL);
}

/* Procedure bytes that are none of ACK, ~ACK, NULL or SW1. */
struct t0t_bad {
	const char *desc;
	u8 hdr[5];
	u8 byte;
};

static const struct t0t_bad t0t_bads[] = {
	{ "receive: 00", IN4, 0x00 },
	{ "receive: 12", IN4, 0x12 },
	{ "receive: 5F", IN4, 0x5f },
	{ "receive: 80", IN4, 0x80 },
	{ "receive: A0", IN4, 0xa0 },
	{ "receive: FF", IN4, 0xff },
	{ "receive: INS + 1 (1989 VPP ACK)", IN4, 0xb1 },
	{ "receive: ~(INS + 1)", IN4, 0x4e },
	{ "send: INS of another command", OUT3, 0xb0 },
	{ "send: INS + 1", OUT3, 0xd7 },
	{ "send: C0", OUT3, 0xc0 },
};

static void t0t_bad_desc(const struct t0t_bad *b, char *desc)
{
	strscpy(desc, b->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t0t_bad, t0t_bads, t0t_bad_desc);

static void t0t_bad_test(struct kunit *test)
{
	const struct t0t_bad *b = test->param_value;
	bool send = b->hdr[1] == 0xd6;
	size_t len, rsp_len = 1;
	struct scard_t0 t0;
	u8 rsp[8], *tpdu;

	tpdu = t0t_tpdu(test, b->hdr, send, &len);
	scard_t0_init(&t0, T0T_WT);
	KUNIT_ASSERT_EQ(test, scard_t0_start(&t0, tpdu, len, rsp, 8), 0);
	KUNIT_EXPECT_EQ(test, scard_t0_receive(&t0, &b->byte, 1, 0, &rsp_len),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, rsp_len, 0);
}

static void t0t_start_test(struct kunit *test)
{
	static const u8 ok[] = { 0x00, 0xd6, 0x00, 0x00, 0x02, 0x01, 0x02 };
	static const u8 ffcla[] = { 0xff, 0xb0, 0x00, 0x00, 0x00 };
	static const u8 ins6x[] = { 0x00, 0x61, 0x00, 0x00, 0x00 };
	static const u8 ins9x[] = { 0x00, 0x90, 0x00, 0x00, 0x00 };
	struct scard_t0 t0;
	u8 rsp[2];

	scard_t0_init(&t0, T0T_WT);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ok, 4, rsp, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ok, 6, rsp, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ok, 261, rsp, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ok, 7, NULL, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, NULL, 5, rsp, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ffcla, 5, rsp, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ins6x, 5, rsp, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ins9x, 5, rsp, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ok, 7, rsp, 2), 0);
	/* An exchange may be abandoned for a new one. */
	KUNIT_EXPECT_EQ(test, scard_t0_start(&t0, ok, 5, rsp, 2), 0);
}

/* --- scard_t0_transceive() over a scripted byte stream ------------------ */

/**
 * struct t0t_stream - a card that sends fixed bytes whatever it receives
 * @desc: description
 * @hdr: the TPDU header; P3 command bytes follow if @send
 * @send: the TPDU carries data
 * @card: what the card sends, all of it
 * @card_len: length of @card
 * @chunk: the reader returns at most that many bytes per call
 * @zero: the reader returns success without bytes
 * @sent: how many TPDU bytes must have been sent, in order
 * @ret: expected return value
 * @rsp_len: expected response length
 */
struct t0t_stream {
	const char *desc;
	u8 hdr[5];
	bool send;
	u8 card[12];
	u8 card_len;
	u8 chunk;
	bool zero;
	u16 sent;
	int ret;
	u16 rsp_len;
};

#define CARD(...)	.card = { __VA_ARGS__ },			\
			.card_len = sizeof((u8[]){ __VA_ARGS__ })

static const struct t0t_stream t0t_streams[] = {
	{ "receive, whole chunks", IN4, false,
	  CARD(0xb0, 1, 2, 3, 4, 0x90, 0x00), 255, false, 5, 0, 6 },
	{ "receive, one byte per call", IN4, false,
	  CARD(0x60, 0xb0, 1, 2, 3, 4, 0x90, 0x00), 1, false, 5, 0, 6 },
	{ "send, ~ACK and ACK", OUT3, true,
	  CARD(0x29, 0xd6, 0x90, 0x00), 255, false, 8, 0, 2 },
	{ "card falls silent", OUT3, true,
	  CARD(0x29), 255, false, 6, -ETIMEDOUT, 0 },
	{ "reader returns no byte", IN4, false,
	  CARD(0xb0), 255, true, 5, -EIO, 0 },
};

static void t0t_stream_desc(const struct t0t_stream *s, char *desc)
{
	strscpy(desc, s->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t0t_stream, t0t_streams, t0t_stream_desc);

struct t0t_stream_ctx {
	struct kunit *test;
	const struct t0t_stream *s;
	size_t pos;
	u8 sent[SCARD_T0_TPDU_MAX];
	size_t sent_len;
};

static int t0t_stream_xfer(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
			   size_t rx_len, size_t *got, u64 wt_ns)
{
	struct t0t_stream_ctx *x = ctx;
	const struct t0t_stream *s = x->s;
	size_t n;

	KUNIT_EXPECT_EQ(x->test, wt_ns, T0T_WT);
	KUNIT_ASSERT_LE(x->test, x->sent_len + tx_len, sizeof(x->sent));
	memcpy(x->sent + x->sent_len, tx, tx_len);
	x->sent_len += tx_len;

	*got = 0;
	if (s->zero)
		return 0;
	n = min3(rx_len, (size_t)s->chunk, s->card_len - x->pos);
	if (!n)
		return -ETIMEDOUT;
	memcpy(rx, s->card + x->pos, n);
	x->pos += n;
	*got = n;
	return 0;
}

static const struct scard_t0_ops t0t_stream_ops = {
	.xfer = t0t_stream_xfer,
};

static void t0t_stream_test(struct kunit *test)
{
	const struct t0t_stream *s = test->param_value;
	struct t0t_stream_ctx *x;
	struct scard_t0 *t0;
	size_t len, rsp_len;
	u8 *tpdu, *rsp;

	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	t0 = kunit_kzalloc(test, sizeof(*t0), GFP_KERNEL);
	rsp = kunit_kmalloc(test, SCARD_T0_RSP_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, x);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rsp);
	x->test = test;
	x->s = s;
	tpdu = t0t_tpdu(test, s->hdr, s->send, &len);

	scard_t0_init(t0, T0T_WT);
	KUNIT_EXPECT_EQ(test, scard_t0_transceive(t0, &t0t_stream_ops, x, tpdu,
						  len, rsp, SCARD_T0_RSP_MAX,
						  &rsp_len), s->ret);
	KUNIT_EXPECT_EQ(test, rsp_len, s->rsp_len);
	KUNIT_EXPECT_EQ(test, x->sent_len, s->sent);
	t0t_expect_mem(test, x->sent, tpdu, min(x->sent_len, len));
	if (!s->ret)
		t0t_expect_mem(test, rsp, s->card + s->card_len - s->rsp_len,
			       s->rsp_len);
}

static struct kunit_case scard_t0_test_cases[] = {
	KUNIT_CASE_PARAM(t0t_map_test, t0t_map_gen_params),
	KUNIT_CASE(t0t_map_bounds_test),
	KUNIT_CASE_PARAM(t0t_script_test, t0t_script_gen_params),
	KUNIT_CASE_PARAM(t0t_bad_test, t0t_bad_gen_params),
	KUNIT_CASE(t0t_start_test),
	KUNIT_CASE_PARAM(t0t_stream_test, t0t_stream_gen_params),
	{}
};

static struct kunit_suite scard_t0_test_suite = {
	.name = "scard_t0",
	.test_cases = scard_t0_test_cases,
};

kunit_test_suite(scard_t0_test_suite);

MODULE_DESCRIPTION("KUnit tests for the scard T=0 engine");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
