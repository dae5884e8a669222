// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for scard_t0_transmit(): command APDUs over a scripted TPDU
 * exchange, with and without the APDU transport (case 4, extended lengths,
 * GET RESPONSE on 61xx, re-issue on 6Cxx).
 *
 * Each line of a script is a TPDU the engine must send (its header; the
 * command data follow when the line says so) and the card's response: a
 * number of bytes of the response pattern, continued from line to line,
 * and the status bytes. The command is CLA 2A 11 22 with the case's CLA,
 * Nc bytes of the command pattern and Ne.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/scard_t0.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <uapi/linux/scard.h>

#define INS		0x2a
#define P1		0x11
#define P2		0x22
#define GR		0xc0
#define APDU		SCARD_TRANSMIT_APDU

static u8 t0a_cmd_byte(size_t i)
{
	return 0x40 + i;
}

static u8 t0a_rsp_byte(size_t i)
{
	return i * 7 + 3;
}

enum t0a_kind {
	L_CMD,		/* the command header with P3 */
	L_DATA,		/* the command header with P3 and P3 command bytes */
	L_GR,		/* GET RESPONSE with CLA and P3 */
};

/**
 * struct t0a_line - one TPDU exchange
 * @kind: what the TPDU must be
 * @cla: CLA of GET RESPONSE
 * @p3: P3 of the TPDU
 * @data: response data bytes
 * @sw1: response SW1
 * @sw2: response SW2
 * @err: the exchange fails with this error instead
 * @short1: the response is SW1 alone
 */
struct t0a_line {
	u8 kind;
	u8 cla;
	u8 p3;
	u16 data;
	u8 sw1;
	u8 sw2;
	int err;
	bool short1;
};

#define C(p, n, a, b)	{ .kind = L_CMD, .p3 = p, .data = n, .sw1 = a, .sw2 = b }
#define D(p, n, a, b)	{ .kind = L_DATA, .p3 = p, .data = n, .sw1 = a, .sw2 = b }
#define G(c, p, n, a, b) { .kind = L_GR, .cla = c, .p3 = p, .data = n,	\
			   .sw1 = a, .sw2 = b }

/**
 * struct t0a_case - a command, its script and the expected outcome
 * @desc: description
 * @cla: CLA of the command
 * @nc: command data length
 * @ne: expected response length (0: none)
 * @ext: extended length fields
 * @flags: scard_t0_transmit() flags
 * @size: response buffer size (0: SCARD_T0_APDU_RSP_MAX)
 * @lines: the script
 * @nlines: number of lines
 * @ret: expected return value
 * @ndata: response data bytes expected (the pattern from 0)
 * @sw1: expected SW1
 * @sw2: expected SW2
 * @rsp_len: expected response length for -ENOSPC
 */
struct t0a_case {
	const char *desc;
	u8 cla;
	u16 nc;
	u32 ne;
	bool ext;
	u32 flags;
	u32 size;
	const struct t0a_line *lines;
	unsigned int nlines;
	int ret;
	u32 ndata;
	u8 sw1;
	u8 sw2;
	u32 rsp_len;
};

#define LINES(...)	.lines = (const struct t0a_line[]){ __VA_ARGS__ },	\
			.nlines = sizeof((struct t0a_line[]){ __VA_ARGS__ }) /	\
				  sizeof(struct t0a_line)
#define OK(n, a, b)	.ndata = (n), .sw1 = (a), .sw2 = (b)
/* Columns: description, Nc, Ne, flags; expected outcome; the script. */
#define X(d, c, e, f, res, ...)	{ .desc = d, .nc = c, .ne = e, .flags = f, \
				  res, LINES(__VA_ARGS__) }
#define XE(d, c, e, f, res, ...) { .desc = d, .nc = c, .ne = e, .ext = true, \
				   .flags = f, res, LINES(__VA_ARGS__) }
#define XCLA(d, k, gk)	{ .desc = d, .cla = k, .nc = 1, .ne = 4, .flags = APDU, \
			  OK(4, 0x90, 0x00),				\
			  LINES(D(1, 0, 0x61, 0x04), G(gk, 4, 4, 0x90, 0x00)) }
#define FAILS(r)	.ret = (r)

static const struct t0a_case t0a_cases[] = {
	/* APDU transport */
	X("case 1", 0, 0, APDU, OK(0, 0x90, 0x00), C(0, 0, 0x90, 0x00)),
	X("case 1: data dropped (Ne 0)", 0, 0, APDU, OK(0, 0x90, 0x00),
	  C(0, 2, 0x90, 0x00)),
	X("case 1: 61xx returned", 0, 0, APDU, OK(0, 0x61, 0x10),
	  C(0, 0, 0x61, 0x10)),
	X("case 2: Le 16", 0, 16, APDU, OK(16, 0x90, 0x00),
	  C(16, 16, 0x90, 0x00)),
	X("case 2: fewer bytes than Le", 0, 16, APDU, OK(5, 0x62, 0x82),
	  C(16, 5, 0x62, 0x82)),
	X("case 2: 6C, re-issued with P3 = La", 0, 256, APDU,
	  OK(16, 0x90, 0x00), C(0, 0, 0x6c, 0x10), C(16, 16, 0x90, 0x00)),
	X("case 2: 6C twice, the second returned", 0, 256, APDU,
	  OK(0, 0x6c, 0x08), C(0, 0, 0x6c, 0x10), C(16, 0, 0x6c, 0x08)),
	X("case 2: 6C La > Le, Le bytes kept", 0, 8, APDU, OK(8, 0x90, 0x00),
	  C(8, 0, 0x6c, 0x10), C(16, 16, 0x90, 0x00)),
	X("case 2: 6C00 asks for 256", 0, 256, APDU, OK(256, 0x90, 0x00),
	  C(0, 0, 0x6c, 0x00), C(0, 256, 0x90, 0x00)),
	X("case 2: data and 61xx, GET RESPONSE", 0, 256, APDU,
	  OK(256, 0x90, 0x00), C(0, 100, 0x61, 0x9c),
	  G(0x00, 0x9c, 156, 0x90, 0x00)),
	X("case 2: 61xx beyond Le returned", 0, 16, APDU, OK(16, 0x61, 0x20),
	  C(16, 16, 0x61, 0x20)),
	X("case 3", 3, 0, APDU, OK(0, 0x90, 0x00), D(3, 0, 0x90, 0x00)),
	X("case 3: 61xx returned (Ne 0)", 3, 0, APDU, OK(0, 0x61, 0x10),
	  D(3, 0, 0x61, 0x10)),
	X("case 3: 6C returned", 3, 0, APDU, OK(0, 0x6c, 0x10),
	  D(3, 0, 0x6c, 0x10)),
	X("case 3: Lc 255", 255, 0, APDU, OK(0, 0x90, 0x00),
	  D(255, 0, 0x90, 0x00)),
	X("case 4: 61xx, GET RESPONSE", 3, 256, APDU, OK(32, 0x90, 0x00),
	  D(3, 0, 0x61, 0x20), G(0x00, 0x20, 32, 0x90, 0x00)),
	X("case 4: 90 00, no data", 3, 256, APDU, OK(0, 0x90, 0x00),
	  D(3, 0, 0x90, 0x00)),
	X("case 4: error returned", 3, 256, APDU, OK(0, 0x6a, 0x82),
	  D(3, 0, 0x6a, 0x82)),
	X("case 4: warning returned", 3, 256, APDU, OK(0, 0x63, 0xc1),
	  D(3, 0, 0x63, 0xc1)),
	X("case 4: GET RESPONSE for Le < xx", 3, 10, APDU, OK(10, 0x90, 0x00),
	  D(3, 0, 0x61, 0x20), G(0x00, 10, 10, 0x90, 0x00)),
	X("case 4: 61 00 asks for 256", 3, 256, APDU, OK(256, 0x90, 0x00),
	  D(3, 0, 0x61, 0x00), G(0x00, 0x00, 256, 0x90, 0x00)),
	X("case 4: Ne reached, 61xx returned", 3, 256, APDU,
	  OK(256, 0x61, 0x10),
	  D(3, 0, 0x61, 0x00), G(0x00, 0x00, 256, 0x61, 0x10)),
	X("case 4: GET RESPONSE chain", 1, 256, APDU, OK(100, 0x90, 0x00),
	  D(1, 0, 0x61, 0x40), G(0x00, 0x40, 64, 0x61, 0x20),
	  G(0x00, 0x20, 32, 0x61, 0x04), G(0x00, 0x04, 4, 0x90, 0x00)),
	X("case 4: 6C to GET RESPONSE", 1, 256, APDU, OK(24, 0x90, 0x00),
	  D(1, 0, 0x61, 0x20), G(0x00, 0x20, 0, 0x6c, 0x18),
	  G(0x00, 0x18, 24, 0x90, 0x00)),
	X("case 4: GET RESPONSE without data", 1, 256, APDU, FAILS(-EPROTO),
	  D(1, 0, 0x61, 0x10), G(0x00, 0x10, 0, 0x61, 0x10)),
	XE("extended case 2: Ne 128", 0, 128, APDU, OK(128, 0x90, 0x00),
	   C(128, 128, 0x90, 0x00)),
	XE("extended case 2: Ne 600", 0, 600, APDU, OK(600, 0x90, 0x00),
	   C(0, 256, 0x61, 0x00), G(0x00, 0x00, 256, 0x61, 0x58),
	   G(0x00, 0x58, 88, 0x90, 0x00)),
	XE("extended case 2: Ne 65536", 0, 65536, APDU, OK(288, 0x90, 0x00),
	   C(0, 256, 0x61, 0x20), G(0x00, 0x20, 32, 0x90, 0x00)),
	XE("extended case 3: Nc 5", 5, 0, APDU, OK(0, 0x90, 0x00),
	   D(5, 0, 0x90, 0x00)),
	XE("extended case 4: Nc 5, Ne 512", 5, 512, APDU, OK(512, 0x90, 0x00),
	   D(5, 0, 0x61, 0x00), G(0x00, 0x00, 256, 0x61, 0x00),
	   G(0x00, 0x00, 256, 0x90, 0x00)),
	XE("extended case 3: Nc 300 (ENVELOPE)", 300, 0, APDU,
	   FAILS(-EINVAL)),
	XE("extended case 4: Nc 256", 256, 16, APDU, FAILS(-EINVAL)),
	/* GET RESPONSE classes */
	XCLA("GET RESPONSE CLA: SM bits dropped", 0x0c, 0x00),
	XCLA("GET RESPONSE CLA: chaining dropped, channel 3", 0x13, 0x03),
	XCLA("GET RESPONSE CLA: further class, channel 19", 0x6f, 0x4f),
	XCLA("GET RESPONSE CLA: further class, channel 4", 0x40, 0x40),
	XCLA("GET RESPONSE CLA: proprietary A0", 0xa0, 0xa0),
	XCLA("GET RESPONSE CLA: proprietary 84", 0x84, 0x84),
	XCLA("GET RESPONSE CLA: RFU 2X kept", 0x21, 0x21),
	/* Without the APDU transport: TPDUs, responses as they are */
	X("TPDU: case 2", 0, 16, 0, OK(16, 0x90, 0x00),
	  C(16, 16, 0x90, 0x00)),
	X("TPDU: case 2, 61xx returned", 0, 256, 0, OK(0, 0x61, 0x10),
	  C(0, 0, 0x61, 0x10)),
	X("TPDU: case 2, 6C returned", 0, 256, 0, OK(0, 0x6c, 0x10),
	  C(0, 0, 0x6c, 0x10)),
	X("TPDU: case 1, data kept", 0, 0, 0, OK(2, 0x90, 0x00),
	  C(0, 2, 0x90, 0x00)),
	X("TPDU: case 3", 3, 0, 0, OK(0, 0x90, 0x00), D(3, 0, 0x90, 0x00)),
	X("TPDU: case 4 rejected", 3, 256, 0, FAILS(-EINVAL)),
	XE("TPDU: extended case 2 rejected", 0, 128, 0, FAILS(-EINVAL)),
	X("unknown flag", 0, 16, 0x80, FAILS(-EINVAL)),
	/* Malformed responses and failures */
	X("response of one byte", 0, 16, APDU, FAILS(-EPROTO),
	  { .kind = L_CMD, .p3 = 16, .sw1 = 0x90, .short1 = true }),
	X("data after the command data", 3, 0, APDU, FAILS(-EPROTO),
	  D(3, 1, 0x90, 0x00)),
	X("more data than P3", 0, 16, APDU, FAILS(-EPROTO),
	  C(16, 17, 0x90, 0x00)),
	X("SW1 60", 0, 16, APDU, FAILS(-EPROTO), C(16, 0, 0x60, 0x00)),
	X("SW1 12", 0, 16, 0, FAILS(-EPROTO), C(16, 0, 0x12, 0x00)),
	X("exchange fails", 0, 16, APDU, FAILS(-ETIMEDOUT),
	  { .kind = L_CMD, .p3 = 16, .err = -ETIMEDOUT }),
	X("GET RESPONSE fails", 1, 256, APDU, FAILS(-EIO),
	  D(1, 0, 0x61, 0x10), { .kind = L_GR, .p3 = 0x10, .err = -EIO }),
	/* Response buffer */
	{ .desc = "chain larger than the buffer", .nc = 1, .ne = 256,
	  .flags = APDU, .size = 100, .ret = -ENOSPC, .ndata = 256,
	  .sw1 = 0x90, .rsp_len = 258,
	  LINES(D(1, 0, 0x61, 0x00), G(0x00, 0x00, 256, 0x90, 0x00)) },
	{ .desc = "status bytes beyond the buffer", .flags = APDU, .size = 1,
	  .ret = -ENOSPC, .sw1 = 0x90, .rsp_len = 2,
	  LINES(C(0, 0, 0x90, 0x00)) },
	{ .desc = "exact fit", .ne = 16, .flags = APDU, .size = 18,
	  OK(16, 0x90, 0x00), LINES(C(16, 16, 0x90, 0x00)) },
};

static void t0a_desc(const struct t0a_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t0a, t0a_cases, t0a_desc);

struct t0a_ctx {
	struct kunit *test;
	const struct t0a_case *c;
	unsigned int line;
	size_t off;		/* response pattern bytes sent so far */
	bool failed;
};

static void t0a_line_hdr(const struct t0a_case *c, const struct t0a_line *l,
			 u8 *hdr)
{
	hdr[0] = l->kind == L_GR ? l->cla : c->cla;
	hdr[1] = l->kind == L_GR ? GR : INS;
	hdr[2] = l->kind == L_GR ? 0 : P1;
	hdr[3] = l->kind == L_GR ? 0 : P2;
	hdr[4] = l->p3;
}

static int t0a_xfer_tpdu(void *ctx, const u8 *tpdu, size_t len, u8 *rsp,
			 size_t size, size_t *rsp_len)
{
	struct t0a_ctx *x = ctx;
	const struct t0a_line *l;
	size_t n, i, dl;
	u8 hdr[5];

	*rsp_len = 0;
	if (x->line >= x->c->nlines) {
		n = min_t(size_t, len, 16);
		KUNIT_FAIL(x->test, "unexpected TPDU %*ph", (int)n, tpdu);
		x->failed = true;
		return -ENODEV;
	}
	l = &x->c->lines[x->line++];
	t0a_line_hdr(x->c, l, hdr);
	dl = l->kind == L_DATA ? l->p3 : 0;
	for (i = 0; i < dl && len == 5 + dl; i++)
		if (tpdu[5 + i] != t0a_cmd_byte(i))
			break;
	if (len != 5 + dl || memcmp(tpdu, hdr, 5) || i != dl) {
		KUNIT_FAIL(x->test, "line %u: sent %*ph (%zu bytes), expected %*ph",
			   x->line - 1, 5, tpdu, len, 5, hdr);
		x->failed = true;
		return -ENODEV;
	}
	KUNIT_EXPECT_EQ(x->test, size, SCARD_T0_RSP_MAX);
	if (l->err)
		return l->err;
	if (l->short1) {
		rsp[0] = l->sw1;
		*rsp_len = 1;
		return 0;
	}

	n = l->data + 2;
	KUNIT_ASSERT_LE(x->test, n, size);
	for (i = 0; i < l->data; i++)
		rsp[i] = t0a_rsp_byte(x->off++);
	rsp[i++] = l->sw1;
	rsp[i++] = l->sw2;
	*rsp_len = n;
	return 0;
}

static const struct scard_t0_tpdu_ops t0a_ops = {
	.xfer_tpdu = t0a_xfer_tpdu,
};

/* CLA INS P1 P2 [Lc data] [Le] in the short or extended form. */
static u8 *t0a_apdu(struct kunit *test, const struct t0a_case *c,
		    size_t *len)
{
	u8 *apdu = kunit_kmalloc(test, 4 + 3 + c->nc + 3, GFP_KERNEL);
	size_t n = 0, i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, apdu);
	apdu[n++] = c->cla;
	apdu[n++] = INS;
	apdu[n++] = P1;
	apdu[n++] = P2;
	if (c->ext && (c->nc || c->ne))
		apdu[n++] = 0;
	if (c->nc) {
		if (c->ext)
			apdu[n++] = c->nc >> 8;
		apdu[n++] = c->nc;
		for (i = 0; i < c->nc; i++)
			apdu[n++] = t0a_cmd_byte(i);
	}
	if (c->ne) {
		if (c->ext)
			apdu[n++] = c->ne >> 8;
		apdu[n++] = c->ne;
	}
	*len = n;
	return apdu;
}

static void t0a_test(struct kunit *test)
{
	const struct t0a_case *c = test->param_value;
	size_t size = c->size ?: SCARD_T0_APDU_RSP_MAX;
	size_t len, rsp_len = 1, i, exp_len;
	struct t0a_ctx x = { .test = test, .c = c };
	u8 *apdu, *rsp, exp;
	int ret;

	apdu = t0a_apdu(test, c, &len);
	rsp = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rsp);

	ret = scard_t0_transmit(&t0a_ops, &x, apdu, len, rsp, size, &rsp_len,
				c->flags);
	if (x.failed)
		return;
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ_MSG(test, x.line, c->nlines, "TPDUs exchanged");
	exp_len = c->ret == -ENOSPC ? c->rsp_len : c->ret ? 0 : c->ndata + 2;
	KUNIT_EXPECT_EQ(test, rsp_len, exp_len);
	if (ret && ret != -ENOSPC)
		return;

	for (i = 0; i < c->ndata + 2 && i < size; i++) {
		exp = i < c->ndata ? t0a_rsp_byte(i) :
		      i == c->ndata ? c->sw1 : c->sw2;
		KUNIT_EXPECT_EQ_MSG(test, rsp[i], exp, "response byte %zu", i);
		if (rsp[i] != exp)
			break;
	}
}

/* Malformed command APDUs under the APDU transport: nothing is sent. */
static void t0a_bad_apdu_test(struct kunit *test)
{
	static const u8 bad[][9] = {
		{ 3, 0x00, 0xa4, 0x04 },
		{ 6, 0x00, 0xd6, 0x00, 0x00, 0x00, 0xaa },
		{ 7, 0x00, 0xd6, 0x00, 0x00, 0x03, 0xaa, 0xbb },
		{ 8, 0x00, 0xd6, 0x00, 0x00, 0x01, 0xaa, 0xbb, 0xcc },
		{ 8, 0x00, 0xd6, 0x00, 0x00, 0x00, 0x00, 0x00, 0xaa },
		{ 8, 0x00, 0xd6, 0x00, 0x00, 0x00, 0x00, 0x02, 0xaa },
		{ 4, 0xff, 0xa4, 0x04, 0x00 },
		{ 5, 0x00, 0x6a, 0x00, 0x00, 0x00 },
		{ 5, 0x00, 0x9e, 0x00, 0x00, 0x00 },
	};
	const struct t0a_case none = { .desc = "none" };
	struct t0a_ctx x = { .test = test, .c = &none };
	size_t rsp_len, i;
	u8 rsp[8], *apdu;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		apdu = kunit_kmalloc(test, bad[i][0], GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, apdu);
		memcpy(apdu, bad[i] + 1, bad[i][0]);
		KUNIT_EXPECT_EQ_MSG(test, scard_t0_transmit(&t0a_ops, &x, apdu,
							    bad[i][0], rsp, 8,
							    &rsp_len, APDU),
				    -EINVAL, "APDU %zu", i);
	}
	KUNIT_EXPECT_EQ(test, scard_t0_transmit(&t0a_ops, &x, bad[6] + 1, 4,
						NULL, 8, &rsp_len, APDU),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, x.line, 0);
}

static struct kunit_case scard_t0_apdu_test_cases[] = {
	KUNIT_CASE_PARAM(t0a_test, t0a_gen_params),
	KUNIT_CASE(t0a_bad_apdu_test),
	{}
};

static struct kunit_suite scard_t0_apdu_test_suite = {
	.name = "scard_t0_apdu",
	.test_cases = scard_t0_apdu_test_cases,
};

kunit_test_suite(scard_t0_apdu_test_suite);

MODULE_DESCRIPTION("KUnit tests for the scard T=0 APDU transport");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
