// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the scard ATR parser (scard_atr_parse()).
 *
 * Test ATRs are copied into heap buffers of their exact length, so that
 * KASAN reports any read past the end.
 */

#include <kunit/test.h>
#include <linux/bitrev.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/scard_proto.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#define P_NONE	SCARD_PROTO_UNDEFINED
#define P_T0	SCARD_PROTO_T0
#define P_T1	SCARD_PROTO_T1
#define P_TX	SCARD_PROTO_TX

/* Expected boolean fields of a valid case. */
#define F_SPEC	BIT(0)	/* specific */
#define F_IMPL	BIT(1)	/* implicit */
#define F_FIXED	BIT(2)	/* mode_fixed */
#define F_INV	BIT(3)	/* inverse */
#define F_TCK	BIT(4)	/* tck_present */

/* Expected T=15 TA (clock_stop << 6 | classes) when absent: class A. */
#define T15_DEF	0x01

#define ATR_BYTES(...)						\
	.atr = { __VA_ARGS__ },					\
	.len = sizeof((u8[]){ __VA_ARGS__ })

struct atr_valid_case {
	const char *desc;
	u32 protocols;
	u32 selected;
	u8 fl, dl, n, wi, ifsc, cwi, bwi, edc;
	u8 hist_len;
	u8 t15;
	u8 flags;
	u8 atr[SCARD_ATR_MAX];
	u8 len;
};

/*
 * Columns: description; protocols, selected; Fl, Dl, N, WI; IFSC, CWI,
 * BWI, EDC; K; T=15 TA; flags; then the ATR.
 */
#define OK(d, p, s, fl_, dl_, n_, wi_, ifsc_, cwi_, bwi_, edc_, k, t15_, \
	   f, ...)							\
	{ .desc = d, .protocols = p, .selected = s,			\
	  .fl = fl_, .dl = dl_, .n = n_, .wi = wi_,			\
	  .ifsc = ifsc_, .cwi = cwi_, .bwi = bwi_, .edc = edc_,		\
	  .hist_len = k, .t15 = t15_, .flags = f,			\
	  ATR_BYTES(__VA_ARGS__) }

static const struct atr_valid_case atr_valid_cases[] = {
	OK("T=0 only, no interface bytes, K=2",
	   P_T0, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 2, T15_DEF, 0,
	   0x3b, 0x02, 0x14, 0x50),
	OK("libcacard CAC: TA1 TB1 TC1, T=0, K=10",
	   P_T0, P_NONE, 1, 8, 0, 10, 32, 13, 4, 0, 10, T15_DEF, 0,
	   0x3b, 0x7a, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74, 0x65, 0x20,
	   0x63, 0x64, 0x31, 0x34, 0x34),
	OK("YubiKey 4: T=1, IFSC 254, BWI 1, CWI 5",
	   P_T1, P_NONE, 1, 3, 0, 10, 254, 5, 1, 0, 8, T15_DEF, F_TCK,
	   0x3b, 0xf8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x59,
	   0x75, 0x62, 0x69, 0x6b, 0x65, 0x79, 0x34, 0xd4),
	OK("YubiKey NEO: T=1, K=12",
	   P_T1, P_NONE, 1, 3, 0, 10, 254, 5, 1, 0, 12, T15_DEF, F_TCK,
	   0x3b, 0xfc, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x59,
	   0x75, 0x62, 0x69, 0x6b, 0x65, 0x79, 0x4e, 0x45, 0x4f, 0x72,
	   0x33, 0xe1),
	OK("OpenPGP card 2: N=255, T=1, T=15 classes A and B",
	   P_T1, P_NONE, 1, 8, 255, 10, 254, 5, 7, 0, 10, 0x03, F_TCK,
	   0x3b, 0xda, 0x18, 0xff, 0x81, 0xb1, 0xfe, 0x75, 0x1f, 0x03,
	   0x00, 0x31, 0xc5, 0x73, 0xc0, 0x01, 0x40, 0x00, 0x90, 0x00,
	   0x0c),
	OK("PC/SC contactless storage card: T=0 and T=1, K=15",
	   P_TX, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 15, T15_DEF, F_TCK,
	   0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00,
	   0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6a),
	OK("PC/SC contactless type B layout: T=0 and T=1, K=12",
	   P_TX, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 12, T15_DEF, F_TCK,
	   0x3b, 0x8c, 0x80, 0x01, 0x50, 0x12, 0x23, 0x45, 0x56, 0x12,
	   0x53, 0x54, 0x4e, 0x33, 0x81, 0xc3, 0x55),
	OK("T=1 only: TA3 TB3 TC3 give IFSC 64, BWI 5, CWI 2, CRC",
	   P_T1, P_NONE, 1, 1, 0, 10, 64, 2, 5, 1, 1, T15_DEF, F_TCK,
	   0x3b, 0x81, 0x81, 0x71, 0x40, 0x52, 0x01, 0x42, 0x20),
	OK("IFSC 255 (RFU, sent by cards in the field) taken as 254",
	   P_T1, P_NONE, 1, 1, 0, 10, 254, 13, 4, 0, 0, T15_DEF, F_TCK,
	   0x3b, 0x80, 0x81, 0x11, 0xff, 0xef),
	OK("T=0 group 3 bytes are no T=1 parameters (TA3 FF)",
	   P_T0, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 0, T15_DEF, 0,
	   0x3b, 0x80, 0x80, 0x30, 0xff, 0xff),
	OK("TA2 specific T=0, explicit parameters",
	   P_T0, P_T0, 9, 6, 0, 10, 32, 13, 4, 0, 0, T15_DEF, F_SPEC,
	   0x3b, 0x90, 0x96, 0x10, 0x00),
	OK("TA2 specific T=0, implicit parameters (bit 5)",
	   P_T0, P_T0, 9, 6, 0, 10, 32, 13, 4, 0, 0, T15_DEF,
	   F_SPEC | F_IMPL,
	   0x3b, 0x90, 0x96, 0x10, 0x10),
	OK("TA2 specific T=1, mode fixed (bit 8)",
	   P_T1, P_T1, 1, 1, 0, 10, 32, 13, 4, 0, 0, T15_DEF,
	   F_SPEC | F_FIXED | F_TCK,
	   0x3b, 0x90, 0x11, 0x11, 0x81, 0x11),
	OK("TA2 specific T=1 while TD1 offers T=0 only",
	   P_TX, P_T1, 1, 1, 0, 10, 32, 13, 4, 0, 0, T15_DEF, F_SPEC,
	   0x3b, 0x90, 0x11, 0x10, 0x01),
	OK("TA2 specific T=14: no protocol selected",
	   P_NONE, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 0, T15_DEF,
	   F_SPEC | F_TCK,
	   0x3b, 0x80, 0x1e, 0x0e, 0x90),
	OK("D=64 (TA1 Di 7), Fi 512",
	   P_T0, P_NONE, 9, 7, 0, 10, 32, 13, 4, 0, 0, T15_DEF, 0,
	   0x3b, 0x10, 0x97),
	OK("Fi 2048 D=20 (TA1 D9), 20 MHz",
	   P_T0, P_NONE, 13, 9, 0, 10, 32, 13, 4, 0, 0, T15_DEF, 0,
	   0x3b, 0x10, 0xd9),
	OK("TC2 WI 32 for T=0",
	   P_T0, P_NONE, 1, 1, 0, 32, 32, 13, 4, 0, 0, T15_DEF, 0,
	   0x3b, 0x80, 0x40, 0x20),
	OK("TA2 TB2 TC2 are global, T=1 parameters from TA3 TB3",
	   P_T1, P_T1, 1, 1, 0, 1, 128, 2, 6, 0, 0, T15_DEF,
	   F_SPEC | F_TCK,
	   0x3b, 0x80, 0xf1, 0x01, 0x57, 0x01, 0x31, 0x80, 0x62, 0xf5),
	OK("TD1 T=1 without TD2: TA2 TB2 TC2 are not T=1 parameters",
	   P_T1, P_T1, 1, 1, 0, 1, 32, 13, 4, 0, 0, T15_DEF,
	   F_SPEC | F_TCK,
	   0x3b, 0x80, 0x71, 0x01, 0x57, 0x01, 0xa6),
	OK("T=1 parameters over two T=1 groups, the first TA wins",
	   P_T1, P_NONE, 1, 1, 0, 10, 128, 5, 3, 1, 0, T15_DEF, F_TCK,
	   0x3b, 0x80, 0x81, 0x91, 0x80, 0x71, 0x00, 0x35, 0x01, 0x55),
	OK("TDi chain of 6 groups, T=1 parameters in group 6",
	   P_TX, P_NONE, 1, 1, 0, 10, 64, 5, 3, 1, 0, T15_DEF, F_TCK,
	   0x3b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x71, 0x40, 0x35, 0x01,
	   0x85),
	OK("T=15 clock stop, classes A B C and SPU",
	   P_T0, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 0, 0xc7, F_TCK,
	   0x3b, 0x80, 0x80, 0x3f, 0xc7, 0x12, 0xea),
	OK("TD1 T=15 only: no transport protocol",
	   P_NONE, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 0, T15_DEF, F_TCK,
	   0x3b, 0x80, 0x0f, 0x8f),
	OK("T=14 only: no transport protocol",
	   P_NONE, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 0, T15_DEF, F_TCK,
	   0x3b, 0x80, 0x0e, 0x8e),
	OK("33 bytes: 16 groups and 15 historical bytes",
	   P_TX, P_NONE, 1, 1, 0, 10, 32, 13, 4, 0, 15, T15_DEF, F_TCK,
	   0x3b, 0x8f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	   0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x41, 0x42, 0x43,
	   0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d,
	   0x4e, 0x4f, 0xce),
	OK("inverse convention, decoded (TS 3F): TB1 TC1, T=0",
	   P_T0, P_NONE, 1, 1, 8, 10, 32, 13, 4, 0, 5, T15_DEF, F_INV,
	   0x3f, 0x65, 0x25, 0x08, 0x22, 0x04, 0x68, 0x90, 0x00),
	OK("inverse convention, raw (TS 03): TB1 TC1, T=0",
	   P_T0, P_NONE, 1, 1, 8, 10, 32, 13, 4, 0, 5, T15_DEF, F_INV,
	   0x03, 0x59, 0x5b, 0xef, 0xbb, 0xdf, 0xe9, 0xf6, 0xff),
	OK("inverse convention, decoded (TS 3F): T=1 with TCK",
	   P_T1, P_NONE, 1, 1, 0, 10, 254, 5, 4, 0, 0, T15_DEF,
	   F_INV | F_TCK,
	   0x3f, 0x80, 0x81, 0x31, 0xfe, 0x45, 0x8b),
	OK("inverse convention, raw (TS 03): T=1 with TCK",
	   P_T1, P_NONE, 1, 1, 0, 10, 254, 5, 4, 0, 0, T15_DEF,
	   F_INV | F_TCK,
	   0x03, 0xfe, 0x7e, 0x73, 0x80, 0x5d, 0x2e),
	OK("BWI 9 is the largest valid value",
	   P_T1, P_NONE, 1, 1, 0, 10, 32, 5, 9, 0, 0, T15_DEF, F_TCK,
	   0x3b, 0x80, 0x81, 0x21, 0x95, 0xb5),
};

static void atr_valid_desc(const struct atr_valid_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(atr_valid, atr_valid_cases, atr_valid_desc);

struct atr_bad_case {
	const char *desc;
	u8 atr[SCARD_ATR_MAX + 8];
	u8 len;
};

#define BAD(d, ...)	{ .desc = d, ATR_BYTES(__VA_ARGS__) }

static const struct atr_bad_case atr_bad_cases[] = {
	{ .desc = "empty", .len = 0 },
	BAD("TS only (3B)", 0x3b),
	BAD("TS only (03)", 0x03),
	BAD("TS 3C", 0x3c, 0x00),
	BAD("TS 23 (direct card read as inverse)", 0x23, 0x00),
	BAD("TS 00", 0x00, 0x00),
	BAD("TA1 missing", 0x3b, 0x10),
	BAD("TD2 missing", 0x3b, 0x80, 0x80),
	BAD("historical byte missing", 0x3b, 0x02, 0x14),
	BAD("TCK missing", 0x3b, 0x80, 0x01),
	BAD("TCK wrong", 0x3b, 0x80, 0x01, 0x00),
	BAD("TCK wrong, TC1 changed", 0x3b, 0xc0, 0x01, 0x01, 0x80),
	BAD("TCK present with T=0 only", 0x3b, 0x80, 0x00, 0x80),
	BAD("trailing byte after K bytes", 0x3b, 0x02, 0x14, 0x50, 0x00),
	BAD("trailing byte after TCK", 0x3b, 0x80, 0x01, 0x81, 0x00),
	BAD("Fi index 7 (RFU)", 0x3b, 0x10, 0x71),
	BAD("Fi index 8 (RFU)", 0x3b, 0x10, 0x81),
	BAD("Fi index 14 (RFU)", 0x3b, 0x10, 0xe1),
	BAD("Fi index 15 (RFU)", 0x3b, 0x10, 0xf1),
	BAD("Di index 0 (RFU)", 0x3b, 0x10, 0x10),
	BAD("Di index 10 (RFU)", 0x3b, 0x10, 0x1a),
	BAD("Di index 15 (RFU)", 0x3b, 0x10, 0x1f),
	BAD("TC2 WI 0 (RFU)", 0x3b, 0x80, 0x40, 0x00),
	BAD("IFSC 0", 0x3b, 0x80, 0x81, 0x11, 0x00, 0x10),
	BAD("BWI 10", 0x3b, 0x80, 0x81, 0x21, 0xa5, 0x85),
	BAD("BWI 15", 0x3b, 0x80, 0x81, 0x21, 0xf0, 0xd0),
	BAD("raw inverse (03) with wrong TCK",
	    0x03, 0xfe, 0x7e, 0x73, 0x80, 0x5d, 0x2f),
	BAD("decoded inverse ATR sent as raw (TS 03 + decoded bytes)",
	    0x03, 0x80, 0x81, 0x31, 0xfe, 0x45, 0x8b),
	BAD("34 bytes with a valid structure",
	    0x3b, 0x8f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
	    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x41, 0x42,
	    0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c,
	    0x4d, 0x4e, 0x4f, 0x4e),
	BAD("40 bytes", 0x3b, 0x0f, [39] = 0x00),
};

static void atr_bad_desc(const struct atr_bad_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(atr_bad, atr_bad_cases, atr_bad_desc);

/* Byte strings compared, with their hex dump in the failure message. */
static void atr_expect_bytes(struct kunit *test, const char *what,
			     const u8 *got, const u8 *exp, size_t n)
{
	KUNIT_EXPECT_EQ_MSG(test, memcmp(got, exp, n), 0,
			    "%s: got %*ph, expected %*ph",
			    what, (int)n, got, (int)n, exp);
}

/* The ATR in direct convention as the parser should store it. */
static void atr_decode(u8 *out, const u8 *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = in[0] == 0x03 ? bitrev8(~in[i]) : in[i];
}

/* Parse a copy of @atr in a heap buffer of exactly @len bytes. */
static int atr_parse_exact(struct kunit *test, struct scard_card_caps *caps,
			   const u8 *atr, size_t len)
{
	u8 *buf;
	int ret;

	buf = kmemdup(atr, len, GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, buf || !len);
	ret = scard_atr_parse(caps, buf, len);
	kfree(buf);
	return ret;
}

/*
 * What must hold after any call: a successful parse leaves only valid
 * values, a failed one leaves an unknown card with the raw bytes.
 */
static void atr_check_caps(struct kunit *test, int ret,
			   const struct scard_card_caps *caps,
			   const u8 *atr, size_t len)
{
	u8 decoded[SCARD_ATR_MAX];
	size_t hist_end;

	KUNIT_EXPECT_GE(test, caps->ifsd, 1);
	KUNIT_EXPECT_LE(test, caps->ifsd, SCARD_T1_IFS_MAX);

	if (ret) {
		KUNIT_EXPECT_EQ(test, ret, -EMEDIUMTYPE);
		KUNIT_EXPECT_FALSE(test, caps->parsed);
		KUNIT_EXPECT_EQ(test, caps->protocols, 0);
		KUNIT_EXPECT_EQ(test, caps->selected, SCARD_PROTO_UNDEFINED);
		KUNIT_EXPECT_FALSE(test, caps->specific);
		if (len > SCARD_ATR_MAX) {
			KUNIT_EXPECT_EQ(test, caps->atr_len, 0);
		} else {
			KUNIT_EXPECT_EQ(test, caps->atr_len, len);
			atr_expect_bytes(test, "atr", caps->atr, atr, len);
		}
		return;
	}

	KUNIT_ASSERT_TRUE(test, caps->parsed);
	KUNIT_ASSERT_GE(test, len, 2);
	KUNIT_ASSERT_LE(test, len, SCARD_ATR_MAX);
	KUNIT_EXPECT_EQ(test, caps->atr_len, len);
	atr_decode(decoded, atr, len);
	atr_expect_bytes(test, "atr", caps->atr, decoded, len);
	KUNIT_EXPECT_TRUE(test, caps->atr[0] == 0x3b || caps->atr[0] == 0x3f);
	KUNIT_EXPECT_EQ(test, caps->inverse, caps->atr[0] == 0x3f);

	KUNIT_EXPECT_NE(test, scard_fi_value(caps->fl), 0);
	KUNIT_EXPECT_NE(test, scard_di_value(caps->dl), 0);
	KUNIT_EXPECT_GE(test, caps->wi, 1);
	KUNIT_EXPECT_GE(test, caps->ifsc, 1);
	KUNIT_EXPECT_LE(test, caps->ifsc, SCARD_T1_IFS_MAX);
	KUNIT_EXPECT_LE(test, caps->cwi, 15);
	KUNIT_EXPECT_LE(test, caps->bwi, 9);
	KUNIT_EXPECT_LE(test, caps->edc, 1);
	KUNIT_EXPECT_LE(test, caps->clock_stop, 3);
	KUNIT_EXPECT_LE(test, caps->classes, 0x3f);

	KUNIT_EXPECT_EQ(test, caps->protocols & ~SCARD_PROTO_TX, 0);
	KUNIT_EXPECT_EQ(test, caps->selected & ~SCARD_PROTO_TX, 0);
	KUNIT_EXPECT_NE(test, caps->selected, SCARD_PROTO_TX);
	KUNIT_EXPECT_EQ(test, caps->selected & ~caps->protocols, 0);
	if (!caps->specific)
		KUNIT_EXPECT_EQ(test, caps->selected, SCARD_PROTO_UNDEFINED);

	KUNIT_ASSERT_LE(test, caps->hist_len, SCARD_ATR_HIST_MAX);
	hist_end = len - (caps->tck_present ? 1 : 0);
	KUNIT_ASSERT_GE(test, hist_end, 2 + caps->hist_len);
	atr_expect_bytes(test, "hist", caps->hist,
			 caps->atr + hist_end - caps->hist_len, caps->hist_len);
}

static void atr_valid_test(struct kunit *test)
{
	const struct atr_valid_case *c = test->param_value;
	struct scard_card_caps caps;
	int ret;

	memset(&caps, 0xa5, sizeof(caps));
	ret = atr_parse_exact(test, &caps, c->atr, c->len);
	KUNIT_ASSERT_EQ(test, ret, 0);
	atr_check_caps(test, ret, &caps, c->atr, c->len);

	KUNIT_EXPECT_EQ(test, caps.protocols, c->protocols);
	KUNIT_EXPECT_EQ(test, caps.selected, c->selected);
	KUNIT_EXPECT_EQ(test, caps.fl, c->fl);
	KUNIT_EXPECT_EQ(test, caps.dl, c->dl);
	KUNIT_EXPECT_EQ(test, caps.n, c->n);
	KUNIT_EXPECT_EQ(test, caps.wi, c->wi);
	KUNIT_EXPECT_EQ(test, caps.ifsc, c->ifsc);
	KUNIT_EXPECT_EQ(test, caps.cwi, c->cwi);
	KUNIT_EXPECT_EQ(test, caps.bwi, c->bwi);
	KUNIT_EXPECT_EQ(test, caps.edc, c->edc);
	KUNIT_EXPECT_EQ(test, caps.hist_len, c->hist_len);
	KUNIT_EXPECT_EQ(test, caps.clock_stop, c->t15 >> 6);
	KUNIT_EXPECT_EQ(test, caps.classes, c->t15 & 0x3f);
	KUNIT_EXPECT_EQ(test, caps.specific, !!(c->flags & F_SPEC));
	KUNIT_EXPECT_EQ(test, caps.implicit, !!(c->flags & F_IMPL));
	KUNIT_EXPECT_EQ(test, caps.mode_fixed, !!(c->flags & F_FIXED));
	KUNIT_EXPECT_EQ(test, caps.inverse, !!(c->flags & F_INV));
	KUNIT_EXPECT_EQ(test, caps.tck_present, !!(c->flags & F_TCK));
	/* 0xa5 is a valid IFSD the caller chose: it must survive. */
	KUNIT_EXPECT_EQ(test, caps.ifsd, 0xa5);
}

/* Every proper prefix of a valid ATR is rejected. */
static void atr_truncated_test(struct kunit *test)
{
	const struct atr_valid_case *c = test->param_value;
	struct scard_card_caps caps;
	size_t len;
	int ret;

	for (len = 0; len < c->len; len++) {
		ret = atr_parse_exact(test, &caps, c->atr, len);
		KUNIT_EXPECT_EQ_MSG(test, ret, -EMEDIUMTYPE,
				    "prefix of %zu bytes", len);
		atr_check_caps(test, ret, &caps, c->atr, len);
	}
}

/* A valid ATR followed by one more byte is rejected. */
static void atr_trailing_test(struct kunit *test)
{
	const struct atr_valid_case *c = test->param_value;
	static const u8 extra[] = { 0x00, 0x3b, 0xff };
	struct scard_card_caps caps;
	u8 buf[SCARD_ATR_MAX + 1];
	size_t i;
	int ret;

	memcpy(buf, c->atr, c->len);
	for (i = 0; i < ARRAY_SIZE(extra); i++) {
		buf[c->len] = extra[i];
		ret = atr_parse_exact(test, &caps, buf, c->len + 1);
		KUNIT_EXPECT_EQ_MSG(test, ret, -EMEDIUMTYPE, "extra byte %02x",
				    extra[i]);
		atr_check_caps(test, ret, &caps, buf, c->len + 1);
	}
}

static void atr_expect_same(struct kunit *test,
			    const struct scard_card_caps *a,
			    const struct scard_card_caps *b)
{
	KUNIT_EXPECT_EQ(test, a->atr_len, b->atr_len);
	atr_expect_bytes(test, "atr", a->atr, b->atr, sizeof(a->atr));
	KUNIT_EXPECT_EQ(test, a->protocols, b->protocols);
	KUNIT_EXPECT_EQ(test, a->selected, b->selected);
	KUNIT_EXPECT_EQ(test, a->fl, b->fl);
	KUNIT_EXPECT_EQ(test, a->dl, b->dl);
	KUNIT_EXPECT_EQ(test, a->n, b->n);
	KUNIT_EXPECT_EQ(test, a->wi, b->wi);
	KUNIT_EXPECT_EQ(test, a->ifsc, b->ifsc);
	KUNIT_EXPECT_EQ(test, a->ifsd, b->ifsd);
	KUNIT_EXPECT_EQ(test, a->cwi, b->cwi);
	KUNIT_EXPECT_EQ(test, a->bwi, b->bwi);
	KUNIT_EXPECT_EQ(test, a->edc, b->edc);
	KUNIT_EXPECT_EQ(test, a->specific, b->specific);
	KUNIT_EXPECT_EQ(test, a->inverse, b->inverse);
	KUNIT_EXPECT_EQ(test, a->parsed, b->parsed);
	KUNIT_EXPECT_EQ(test, a->hist_len, b->hist_len);
	atr_expect_bytes(test, "hist", a->hist, b->hist, sizeof(a->hist));
	KUNIT_EXPECT_EQ(test, a->implicit, b->implicit);
	KUNIT_EXPECT_EQ(test, a->mode_fixed, b->mode_fixed);
	KUNIT_EXPECT_EQ(test, a->tck_present, b->tck_present);
	KUNIT_EXPECT_EQ(test, a->clock_stop, b->clock_stop);
	KUNIT_EXPECT_EQ(test, a->classes, b->classes);
	KUNIT_EXPECT_EQ(test, a->spu, b->spu);
}

/*
 * The same ATR in the three accepted conventions gives the same result,
 * apart from @inverse and TS; TS is not covered by TCK.
 */
static void atr_convention_test(struct kunit *test)
{
	const struct atr_valid_case *c = test->param_value;
	struct scard_card_caps ref = { }, caps = { };
	u8 buf[SCARD_ATR_MAX];
	size_t i;

	atr_decode(buf, c->atr, c->len);
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&ref, buf, c->len), 0);

	buf[0] = 0x3f;
	KUNIT_ASSERT_EQ(test, atr_parse_exact(test, &caps, buf, c->len), 0);
	KUNIT_EXPECT_TRUE(test, caps.inverse);
	ref.inverse = true;
	ref.atr[0] = 0x3f;
	atr_expect_same(test, &caps, &ref);

	for (i = 0; i < c->len; i++)
		buf[i] = bitrev8(~buf[i]);
	KUNIT_EXPECT_EQ(test, buf[0], 0x03);
	KUNIT_ASSERT_EQ(test, atr_parse_exact(test, &caps, buf, c->len), 0);
	atr_expect_same(test, &caps, &ref);

	/* A direct convention card read in inverse convention: TS 0x23. */
	buf[0] = bitrev8(~0x3b);
	KUNIT_EXPECT_EQ(test, atr_parse_exact(test, &caps, buf, c->len),
			-EMEDIUMTYPE);
}

static void atr_bad_test(struct kunit *test)
{
	const struct atr_bad_case *c = test->param_value;
	struct scard_card_caps caps;
	int ret;

	memset(&caps, 0xa5, sizeof(caps));
	caps.parsed = true;
	ret = atr_parse_exact(test, &caps, c->atr, c->len);
	KUNIT_EXPECT_EQ(test, ret, -EMEDIUMTYPE);
	atr_check_caps(test, ret, &caps, c->atr, c->len);
	/* Nothing of the previous card survives. */
	KUNIT_EXPECT_EQ(test, caps.fl, SCARD_ATR_DEFAULT_FL);
	KUNIT_EXPECT_EQ(test, caps.dl, SCARD_ATR_DEFAULT_DL);
	KUNIT_EXPECT_EQ(test, caps.ifsc, SCARD_ATR_DEFAULT_IFSC);
	KUNIT_EXPECT_EQ(test, caps.hist_len, 0);
	KUNIT_EXPECT_FALSE(test, caps.inverse);
	KUNIT_EXPECT_FALSE(test, caps.tck_present);
}

/* @atr may point into @caps->atr, as when re-parsing the stored ATR. */
static void atr_in_place_test(struct kunit *test)
{
	static const u8 raw[] = { 0x03, 0xfe, 0x7e, 0x73, 0x80, 0x5d, 0x2e };
	static const u8 dec[] = { 0x3f, 0x80, 0x81, 0x31, 0xfe, 0x45, 0x8b };
	struct scard_card_caps caps = { };

	memcpy(caps.atr, raw, sizeof(raw));
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&caps, caps.atr, sizeof(raw)),
			0);
	atr_expect_bytes(test, "atr", caps.atr, dec, sizeof(dec));
	KUNIT_EXPECT_EQ(test, caps.ifsc, 254);

	/* Re-parsing the decoded ATR gives the same result. */
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&caps, caps.atr, caps.atr_len),
			0);
	atr_expect_bytes(test, "atr", caps.atr, dec, sizeof(dec));
	KUNIT_EXPECT_TRUE(test, caps.inverse);
}

/* T=15: XI, UI and SPU from the first TA and TB for T=15 only. */
static void atr_t15_test(struct kunit *test)
{
	static const u8 atr[] = {
		0x3b, 0x80, 0x80, 0xbf, 0x86, 0x12, 0x3f, 0x44, 0x55, 0x05,
	};
	struct scard_card_caps caps = { };

	KUNIT_ASSERT_EQ(test, scard_atr_parse(&caps, atr, sizeof(atr)), 0);
	KUNIT_EXPECT_EQ(test, caps.protocols, SCARD_PROTO_T0);
	KUNIT_EXPECT_EQ(test, caps.clock_stop, 2);
	KUNIT_EXPECT_EQ(test, caps.classes,
			SCARD_VCC_CLASS_B | SCARD_VCC_CLASS_C);
	KUNIT_EXPECT_EQ(test, caps.spu, 0x12);
	KUNIT_EXPECT_EQ(test, caps.n, 0);
}

/* IFSD set by the caller is kept if valid, else set to the default. */
static void atr_ifsd_test(struct kunit *test)
{
	static const u8 atr[] = { 0x3b, 0x02, 0x14, 0x50 };
	static const struct {
		u8 in, out;
	} cases[] = {
		{ 0, 32 }, { 1, 1 }, { 32, 32 }, { 254, 254 }, { 255, 32 },
	};
	struct scard_card_caps caps;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		caps.ifsd = cases[i].in;
		KUNIT_EXPECT_EQ(test, scard_atr_parse(&caps, atr, sizeof(atr)),
				0);
		KUNIT_EXPECT_EQ(test, caps.ifsd, cases[i].out);

		caps.ifsd = cases[i].in;
		KUNIT_EXPECT_EQ(test, scard_atr_parse(&caps, atr, 3),
				-EMEDIUMTYPE);
		KUNIT_EXPECT_EQ(test, caps.ifsd, cases[i].out);
	}
}

/* ISO/IEC 7816-3:2006 tables 7 and 8. */
static void atr_tables_test(struct kunit *test)
{
	static const u16 fi[16] = {
		372, 372, 558, 744, 1116, 1488, 1860, 0,
		0, 512, 768, 1024, 1536, 2048, 0, 0,
	};
	static const u16 fmax[16] = {
		4000, 5000, 6000, 8000, 12000, 16000, 20000, 0,
		0, 5000, 7500, 10000, 15000, 20000, 0, 0,
	};
	static const u8 di[16] = {
		0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0,
	};
	unsigned int i;

	for (i = 0; i < 16; i++) {
		KUNIT_EXPECT_EQ(test, scard_fi_value(i), fi[i]);
		KUNIT_EXPECT_EQ(test, scard_fmax_khz(i), fmax[i]);
		KUNIT_EXPECT_EQ(test, scard_di_value(i), di[i]);
	}
	KUNIT_EXPECT_EQ(test, scard_fi_value(16), 0);
	KUNIT_EXPECT_EQ(test, scard_fmax_khz(UINT_MAX), 0);
	KUNIT_EXPECT_EQ(test, scard_di_value(16), 0);
}

static u32 atr_rand(u32 *state)
{
	u32 x = *state;

	/* xorshift32, deterministic so that failures can be replayed */
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

#define ATR_FUZZ_RUNS	20000
#define ATR_FUZZ_MAX	40

/* Random byte strings, most starting with an accepted TS. */
static void atr_fuzz_random_test(struct kunit *test)
{
	static const u8 ts[] = { 0x3b, 0x3f, 0x03 };
	struct scard_card_caps caps;
	u8 buf[ATR_FUZZ_MAX];
	u32 seed = 0x5ca7d00d;
	unsigned int run;
	size_t len, i;
	int ret;

	for (run = 0; run < ATR_FUZZ_RUNS; run++) {
		len = atr_rand(&seed) % (ATR_FUZZ_MAX + 1);
		for (i = 0; i < len; i++)
			buf[i] = atr_rand(&seed);
		if (len && run % 4)
			buf[0] = ts[run % ARRAY_SIZE(ts)];
		caps.ifsd = atr_rand(&seed);
		ret = atr_parse_exact(test, &caps, buf, len);
		atr_check_caps(test, ret, &caps, buf, len);
		/* Long on a debug kernel without preemption. */
		cond_resched();
	}
}

static void atr_put(u8 *buf, size_t *pos, u8 byte)
{
	if (*pos < ATR_FUZZ_MAX)
		buf[*pos] = byte;
	(*pos)++;
}

/*
 * A random ATR with a plausible structure and a correct TCK, then maybe
 * damaged: one byte changed, or the length changed by one.
 */
static size_t atr_fuzz_build(u32 *seed, u8 *buf)
{
	static const u8 protos[] = { 0, 1, 1, 15, 14 };
	bool tck = false;
	size_t pos = 0, i, len;
	u8 y, k, td, check = 0;
	u32 r;

	atr_put(buf, &pos, atr_rand(seed) & 1 ? 0x3f : 0x3b);
	r = atr_rand(seed);
	y = r & 0xf0;
	k = (r >> 8) & 0x0f;
	atr_put(buf, &pos, y | k);
	while (y) {
		r = atr_rand(seed);
		/* TA: mostly Fl 1 with any Dl, or IFSC 17..32 */
		if (y & 0x10)
			atr_put(buf, &pos, r & 0xf ? 0x11 + (r >> 28) : r >> 8);
		if (y & 0x20)
			atr_put(buf, &pos, (r >> 8) % 0xa0);
		if (y & 0x40)
			atr_put(buf, &pos, (r >> 16) | 1);
		if (!(y & 0x80))
			break;
		r = atr_rand(seed);
		td = protos[r % ARRAY_SIZE(protos)];
		tck |= td != 0;
		/* a new TD with a chance that falls with the ATR length */
		y = (r >> 8) & (pos < 12 ? 0xf0 : 0x70);
		atr_put(buf, &pos, y | td);
	}
	for (i = 0; i < k; i++)
		atr_put(buf, &pos, atr_rand(seed));
	if (tck) {
		for (i = 1; i < pos && i < ATR_FUZZ_MAX; i++)
			check ^= buf[i];
		atr_put(buf, &pos, check);
	}
	len = min_t(size_t, pos, ATR_FUZZ_MAX);

	r = atr_rand(seed);
	switch (r % 8) {
	case 0:
		buf[(r >> 8) % len] ^= 1 << ((r >> 16) % 8);
		break;
	case 1:
		len--;
		break;
	case 2:
		if (len < ATR_FUZZ_MAX)
			buf[len++] = r >> 8;
		break;
	default:
		break;
	}
	if (len && buf[0] == 0x3f && (r >> 24) & 1) {
		for (i = 0; i < len; i++)
			buf[i] = bitrev8(~buf[i]);
	}
	return len;
}

static void atr_fuzz_structured_test(struct kunit *test)
{
	struct scard_card_caps caps;
	u8 buf[ATR_FUZZ_MAX];
	u32 seed = 0x7816a3e1;
	unsigned int run, ok = 0;
	size_t len;
	int ret;

	for (run = 0; run < ATR_FUZZ_RUNS; run++) {
		len = atr_fuzz_build(&seed, buf);
		caps.ifsd = atr_rand(&seed);
		ret = atr_parse_exact(test, &caps, buf, len);
		atr_check_caps(test, ret, &caps, buf, len);
		if (!ret)
			ok++;
		cond_resched();
	}
	kunit_info(test, "%u of %u random ATRs valid\n", ok, ATR_FUZZ_RUNS);
	/* The generator must reach the success paths often. */
	KUNIT_EXPECT_GT(test, ok, ATR_FUZZ_RUNS / 10);
}

static struct kunit_case scard_atr_test_cases[] = {
	KUNIT_CASE_PARAM(atr_valid_test, atr_valid_gen_params),
	KUNIT_CASE_PARAM(atr_truncated_test, atr_valid_gen_params),
	KUNIT_CASE_PARAM(atr_trailing_test, atr_valid_gen_params),
	KUNIT_CASE_PARAM(atr_convention_test, atr_valid_gen_params),
	KUNIT_CASE_PARAM(atr_bad_test, atr_bad_gen_params),
	KUNIT_CASE(atr_in_place_test),
	KUNIT_CASE(atr_t15_test),
	KUNIT_CASE(atr_ifsd_test),
	KUNIT_CASE(atr_tables_test),
	KUNIT_CASE(atr_fuzz_random_test),
	KUNIT_CASE(atr_fuzz_structured_test),
	{}
};

static struct kunit_suite scard_atr_test_suite = {
	.name = "scard_atr",
	.test_cases = scard_atr_test_cases,
};

kunit_test_suite(scard_atr_test_suite);

MODULE_DESCRIPTION("KUnit tests for the scard ATR parser");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
