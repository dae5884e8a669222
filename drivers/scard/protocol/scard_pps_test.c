// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the scard timing computations and the PPS engine.
 *
 * The expected times were computed with exact rational arithmetic from
 * the ISO/IEC 7816-3:2006 formulas and rounded up to the nanosecond. The
 * cards of the PPS cases come from real ATRs run through scard_atr_parse().
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/scard.h>
#include <linux/scard_pps.h>
#include <linux/scard_timing.h>
#include <linux/slab.h>
#include <linux/string.h>

#define T0	SCARD_PROTO_T0
#define T1	SCARD_PROTO_T1
#define TX	SCARD_PROTO_TX
#define DEF	SCARD_PROTO_DEFAULT

/* --- timing ------------------------------------------------------------- */

struct ppst_timing {
	const char *desc;
	u8 ta1_fl, n, wi, cwi, bwi;	/* the card */
	u8 fl, dl;			/* in force */
	u32 clk;
	u32 protocol;
	struct scard_timing exp;
};

/*
 * Columns: description; card: TA1 Fi index, N, WI, CWI, BWI; Fi and Di
 * indexes in force, clock (kHz), protocol; etu, GT, WT, CWT, BWT, BGT (ns).
 */
#define TIM(d, tfl, n_, wi_, cwi_, bwi_, fl_, dl_, f, p, e, g, w, c, b, bg) \
	{ d, tfl, n_, wi_, cwi_, bwi_, fl_, dl_, f, p,			\
	  { e, g, w, c, b, bg } }

static const struct ppst_timing ppst_timings[] = {
	TIM("Fd, Dd, 3.57 MHz: etu 104.2 us, WT 9600 etu",
	    1, 0, 10, 13, 4, 1, 1, 3570, T0,
	    104202, 1250421, 1000336135, 854766387, 1601684034, 2292437),
	TIM("Fd, Dd, 4 MHz: exact values",
	    1, 0, 10, 13, 4, 1, 1, 4000, T0,
	    93000, 1116000, 892800000, 762879000, 1429503000, 2046000),
	TIM("Fi 512, D 8, 5 MHz, N 2, CWI 5",
	    9, 2, 10, 5, 4, 9, 4, 5000, T1,
	    12800, 179200, 983040000, 550400, 1142924800, 281600),
	TIM("N 255 with T=0: 12 etu",
	    1, 255, 10, 13, 4, 1, 1, 4000, T0,
	    93000, 1116000, 892800000, 762879000, 1429503000, 2046000),
	TIM("N 255 with T=1: 11 etu",
	    1, 255, 10, 13, 4, 1, 1, 4000, T1,
	    93000, 1023000, 892800000, 762879000, 1429503000, 2046000),
	TIM("N 255 before selection: 12 etu",
	    1, 255, 10, 13, 4, 1, 1, 4000, 0,
	    93000, 1116000, 892800000, 762879000, 1429503000, 2046000),
	TIM("D 64: BWT keeps Fd, WT independent of D",
	    1, 0, 10, 13, 4, 1, 7, 4000, T1,
	    1454, 17438, 892800000, 11919985, 1428495985, 31969),
	TIM("D 12",
	    1, 0, 10, 13, 4, 1, 8, 4000, T1,
	    7750, 93000, 892800000, 63573250, 1428565250, 170500),
	TIM("D 20",
	    1, 0, 10, 13, 4, 1, 9, 4000, T1,
	    4650, 55800, 892800000, 38143950, 1428531150, 102300),
	TIM("WT with TA1's Fi 512 above the F in force",
	    9, 0, 10, 13, 4, 1, 1, 4000, T0,
	    93000, 1116000, 1228800000, 762879000, 1429503000, 2046000),
	TIM("Fi 2048, 20 MHz, WI 255, BWI 9, CWI 0",
	    13, 0, 255, 0, 9, 13, 1, 20000, T1,
	    102400, 1228800, 25067520000ULL, 1228800, 9143398400ULL, 2252800),
	TIM("1 kHz, Fi 2048, N 254, WI 255, CWI 15, BWI 15: no overflow",
	    13, 254, 255, 15, 15, 13, 1, 1, T1,
	    2048000000ULL, 544768000000ULL, 501350400000000ULL,
	    67131392000000ULL, 11702130688000000ULL, 45056000000ULL),
	TIM("U32_MAX kHz, D 64: rounded up, never 0",
	    1, 0, 10, 13, 4, 1, 7, U32_MAX, T0,
	    1, 1, 832, 12, 1331, 1),
};

static void ppst_timing_desc(const struct ppst_timing *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ppst_timing, ppst_timings, ppst_timing_desc);

static void ppst_caps(struct scard_card_caps *caps, u8 fl, u8 n, u8 wi,
		      u8 cwi, u8 bwi)
{
	memset(caps, 0, sizeof(*caps));
	caps->fl = fl;
	caps->dl = 1;
	caps->n = n;
	caps->wi = wi;
	caps->cwi = cwi;
	caps->bwi = bwi;
}

static void ppst_timing_test(struct kunit *test)
{
	const struct ppst_timing *c = test->param_value;
	struct scard_card_caps caps;
	struct scard_timing t;

	ppst_caps(&caps, c->ta1_fl, c->n, c->wi, c->cwi, c->bwi);
	KUNIT_ASSERT_EQ(test, scard_timing_compute(&t, &caps, c->protocol,
						   c->fl, c->dl, c->clk), 0);
	KUNIT_EXPECT_EQ(test, t.etu_ns, c->exp.etu_ns);
	KUNIT_EXPECT_EQ(test, t.gt_ns, c->exp.gt_ns);
	KUNIT_EXPECT_EQ(test, t.wt_ns, c->exp.wt_ns);
	KUNIT_EXPECT_EQ(test, t.cwt_ns, c->exp.cwt_ns);
	KUNIT_EXPECT_EQ(test, t.bwt_ns, c->exp.bwt_ns);
	KUNIT_EXPECT_EQ(test, t.bgt_ns, c->exp.bgt_ns);
}

static void ppst_timing_errors_test(struct kunit *test)
{
	struct scard_card_caps caps;
	struct scard_timing t;

	ppst_caps(&caps, 1, 0, 10, 13, 4);
	KUNIT_EXPECT_EQ(test, scard_timing_compute(&t, &caps, T0, 1, 1, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_timing_compute(&t, &caps, T0, 7, 1, 4000),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_timing_compute(&t, &caps, T0, 16, 1, 4000),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_timing_compute(&t, &caps, T0, 1, 0, 4000),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_timing_compute(&t, &caps, T0, 1, 10, 4000),
			-EINVAL);
	caps.bwi = 16;
	KUNIT_EXPECT_EQ(test, scard_timing_compute(&t, &caps, T1, 1, 1, 4000),
			-EINVAL);
	caps.bwi = 4;
	caps.cwi = 16;
	KUNIT_EXPECT_EQ(test, scard_timing_compute(&t, &caps, T1, 1, 1, 4000),
			-EINVAL);

	/* A WI of 0 (no parsed ATR) counts as 10. */
	ppst_caps(&caps, 1, 0, 0, 13, 4);
	KUNIT_ASSERT_EQ(test, scard_timing_compute(&t, &caps, T0, 1, 1, 4000),
			0);
	KUNIT_EXPECT_EQ(test, t.wt_ns, 892800000);
	/* An RFU Fi index in the card's TA1 leaves WT to the F in force. */
	ppst_caps(&caps, 7, 0, 10, 13, 4);
	KUNIT_ASSERT_EQ(test, scard_timing_compute(&t, &caps, T0, 1, 1, 4000),
			0);
	KUNIT_EXPECT_EQ(test, t.wt_ns, 892800000);
}

static void ppst_timing_misc_test(struct kunit *test)
{
	struct scard_timing t = { .bwt_ns = 1429503000 };

	KUNIT_EXPECT_EQ(test, scard_timing_bwt_wtx_ns(&t, 1), 1429503000);
	KUNIT_EXPECT_EQ(test, scard_timing_bwt_wtx_ns(&t, 0), 1429503000);
	KUNIT_EXPECT_EQ(test, scard_timing_bwt_wtx_ns(&t, 3), 4288509000ULL);
	KUNIT_EXPECT_EQ(test, scard_timing_bwt_wtx_ns(&t, 255),
			364523265000ULL);
	t.bwt_ns = U64_MAX / 2;
	KUNIT_EXPECT_EQ(test, scard_timing_bwt_wtx_ns(&t, 3), U64_MAX);

	KUNIT_EXPECT_EQ(test, scard_timing_initial_wt_ns(3570), 1000336135);
	KUNIT_EXPECT_EQ(test, scard_timing_initial_wt_ns(4000), 892800000);
	KUNIT_EXPECT_EQ(test, scard_timing_initial_wt_ns(1), 3571200000000ULL);
	KUNIT_EXPECT_EQ(test, scard_timing_initial_wt_ns(0), 0);

	KUNIT_EXPECT_EQ(test, scard_data_rate_bps(1, 1, 3570), 9596);
	KUNIT_EXPECT_EQ(test, scard_data_rate_bps(1, 8, 4000), 129032);
	KUNIT_EXPECT_EQ(test, scard_data_rate_bps(9, 6, 4800), 300000);
	KUNIT_EXPECT_EQ(test, scard_data_rate_bps(1, 7, U32_MAX), U32_MAX);
	KUNIT_EXPECT_EQ(test, scard_data_rate_bps(7, 1, 4000), 0);
	KUNIT_EXPECT_EQ(test, scard_data_rate_bps(1, 0, 4000), 0);
}

/* --- PPS request --------------------------------------------------------- */

struct ppst_build {
	const char *desc;
	u32 protocol;
	u8 fl, dl;
	int ret;
	u8 req[SCARD_PPS_MAX];
};

static const struct ppst_build ppst_builds[] = {
	{ "T=0, defaults: no PPS1", T0, 1, 1, 3, { 0xff, 0x00, 0xff } },
	{ "T=1, defaults: no PPS1", T1, 1, 1, 3, { 0xff, 0x01, 0xfe } },
	{ "T=1, Fi 512, Di 32", T1, 9, 6, 4, { 0xff, 0x11, 0x96, 0x78 } },
	{ "T=0, Di 12", T0, 1, 8, 4, { 0xff, 0x10, 0x18, 0xf7 } },
	{ "T=1, Fi index 0 (372, 4 MHz)", T1, 0, 1, 4,
	  { 0xff, 0x11, 0x01, 0xef } },
	{ "raw protocol", SCARD_PROTO_RAW, 1, 1, -EINVAL },
	{ "no protocol", 0, 1, 1, -EINVAL },
	{ "two protocols", TX, 1, 1, -EINVAL },
	{ "RFU Fi index 7", T0, 7, 1, -EINVAL },
	{ "RFU Di index 0", T0, 1, 0, -EINVAL },
	{ "RFU Di index 10", T0, 1, 10, -EINVAL },
};

static void ppst_build_desc(const struct ppst_build *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ppst_build, ppst_builds, ppst_build_desc);

static void ppst_build_test(struct kunit *test)
{
	const struct ppst_build *c = test->param_value;
	u8 buf[SCARD_PPS_MAX];
	int ret;

	memset(buf, 0xee, sizeof(buf));
	ret = scard_pps_build(buf, c->protocol, c->fl, c->dl);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret < 0)
		return;
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(buf, c->req, ret),
			      "built %*ph, expected %*ph", ret, buf, ret,
			      c->req);
	KUNIT_EXPECT_EQ(test, buf[ret], 0xee);
}

/* --- parameter selection ------------------------------------------------- */

/* Cards: the length of the ATR, then the ATR (with TCK where due). */
#define ATR_T0_11	{ 3, 0x3b, 0x10, 0x11 }
#define ATR_T0_13	{ 3, 0x3b, 0x10, 0x13 }
#define ATR_T0_17	{ 3, 0x3b, 0x10, 0x17 }
#define ATR_T0_19	{ 3, 0x3b, 0x10, 0x19 }
#define ATR_T0_24	{ 3, 0x3b, 0x10, 0x24 }
#define ATR_T1_96	{ 5, 0x3b, 0x90, 0x96, 0x01, 0x07 }
#define ATR_T01_18	{ 6, 0x3b, 0x90, 0x18, 0x80, 0x01, 0x09 }
#define ATR_T10_11	{ 6, 0x3b, 0x90, 0x11, 0x81, 0x00, 0x00 }
#define ATR_SPEC_T1	{ 6, 0x3b, 0x90, 0x13, 0x11, 0x01, 0x93 }
#define ATR_IMPL_T1	{ 6, 0x3b, 0x90, 0x13, 0x11, 0x11, 0x83 }
#define ATR_SPEC_T0	{ 5, 0x3b, 0x90, 0x13, 0x10, 0x00 }

/* Rates at 4 MHz for F 372 and D 1 to 32, and at 3.58 MHz for D 1, 2. */
#define RATES_4M	{ 9600, 10752, 19200, 21505, 43010, 86021, 129032,	\
			  172043, 344086 }

/**
 * struct ppst_sel - a selection case
 * @desc: description
 * @atr: the length of the card's ATR, then the ATR
 * @mask: SET_PROTOCOL mask
 * @protocols: the reader's protocols (0: T=0 and T=1)
 * @clk_default: the reader's default clock
 * @clk_max: the reader's maximum clock
 * @rate_default: the reader's default rate
 * @rate_max: the reader's maximum rate
 * @clks: the reader's clock list
 * @rates: the reader's rate list
 * @ret: expected return value
 * @protocol: expected protocol
 * @fl: expected Fi index
 * @dl: expected Di index
 * @clk: expected clock
 * @req: expected PPS request (none if @req[0] is 0)
 */
struct ppst_sel {
	const char *desc;
	u8 atr[8];
	u32 mask;
	u32 protocols;
	u32 clk_default, clk_max, rate_default, rate_max;
	u32 clks[4];
	u32 rates[10];
	int ret;
	u32 protocol;
	u8 fl, dl;
	u32 clk;
	u8 req[4];
};

/* The reader of most cases: a CCID-like list reader, 4 MHz by default. */
#define RDR_LIST_F	.clk_default = 4000, .clks = { 3580, 4000, 4800 },	\
			.rates = RATES_4M
#define RDR_LIST	(RDR_LIST_F)
#define UNPAREN(...)	__VA_ARGS__
#define RES(p, f, d, c, ...)	.protocol = p, .fl = f, .dl = d, .clk = c, \
				.req = { __VA_ARGS__ }
/* Columns: description, ATR, mask, (reader fields), expected result. */
#define SEL(d, a, m, rdr, res)	{ .desc = d, .atr = a, .mask = m,	\
				  UNPAREN rdr, res }
#define SEL_ERR(d, a, m, rdr, r) { .desc = d, .atr = a, .mask = m,	\
				  UNPAREN rdr, .ret = r }

static const struct ppst_sel ppst_sels[] = {
	SEL("DEFAULT, T=0 first: no PPS", ATR_T01_18, T0 | DEF, RDR_LIST,
	    RES(T0, 1, 1, 4000)),
	SEL("DEFAULT, T=1 preferred: PPS0 only", ATR_T01_18, TX | DEF,
	    RDR_LIST, RES(T1, 1, 1, 4000, 0xff, 0x01, 0xfe)),
	SEL("OPTIMAL: TA1's D 12 at 4 MHz", ATR_T01_18, TX, RDR_LIST,
	    RES(T1, 1, 8, 4000, 0xff, 0x11, 0x18, 0xf6)),
	SEL("OPTIMAL, TA1 11, T=0 only: no PPS", ATR_T0_11, T0, RDR_LIST,
	    RES(T0, 1, 1, 4000)),
	SEL("OPTIMAL: TA1's D 4 at 4 MHz", ATR_T0_13, T0,
	    RDR_LIST, RES(T0, 1, 3, 4000, 0xff, 0x10, 0x13, 0xfc)),
	SEL("OPTIMAL: {default, max} rates: D 2", ATR_T0_13, T0,
	    (.clk_default = 4000, .clk_max = 4000, .rate_default = 10752,
	     .rate_max = 21505), RES(T0, 1, 2, 4000, 0xff, 0x10, 0x12, 0xfd)),
	SEL("OPTIMAL: no rate matches: defaults", ATR_T0_13, T0,
	    (.clk_default = 4000, .clk_max = 4000, .rate_default = 9600,
	     .rate_max = 9600), RES(T0, 1, 1, 4000)),
	SEL("OPTIMAL: highest clock up to fmax", ATR_T1_96, T1,
	    (.clk_default = 4000, .clks = { 4000, 6000, 4800 },
	     .rates = { 250000, 300000 }),
	    RES(T1, 9, 6, 4800, 0xff, 0x11, 0x96, 0x78)),
	SEL("OPTIMAL: F stepped down to 372", ATR_T0_24, T0,
	    (.clk_default = 4000, .clks = { 4000 }, .rates = { 43010 }),
	    RES(T0, 1, 3, 4000, 0xff, 0x10, 0x13, 0xfc)),
	SEL("OPTIMAL: rate never above TA1's", ATR_T0_24, T0,
	    (.clk_default = 4000, .clks = { 4000 }, .rates = { 86021 }),
	    RES(T0, 1, 1, 4000)),
	SEL("OPTIMAL: rate 0.9 % off accepted", ATR_T0_13, T0,
	    (.clk_default = 4000, .clks = { 4000 }, .rates = { 43400 }),
	    RES(T0, 1, 3, 4000, 0xff, 0x10, 0x13, 0xfc)),
	SEL("OPTIMAL: rate 1.1 % off refused", ATR_T0_13, T0,
	    (.clk_default = 4000, .clks = { 4000 }, .rates = { 43500 }),
	    RES(T0, 1, 1, 4000)),
	SEL("OPTIMAL: clock above fmax ignored", ATR_T0_11, T0,
	    (.clk_default = 4000, .clks = { 8000 }, .rates = { 21505 }),
	    RES(T0, 1, 1, 4000)),
	SEL("OPTIMAL: D 64", ATR_T0_17, T0,
	    (.clk_default = 4000, .clks = { 4000 }, .rates = { 688172 }),
	    RES(T0, 1, 7, 4000, 0xff, 0x10, 0x17, 0xf8)),
	SEL("OPTIMAL: D 20, then 16", ATR_T0_19, T0,
	    (.clk_default = 4000, .clks = { 4000 }, .rates = { 172043 }),
	    RES(T0, 1, 5, 4000, 0xff, 0x10, 0x15, 0xfa)),
	SEL("OPTIMAL: D 20, 16, then 12", ATR_T0_19, T0,
	    (.clk_default = 4000, .clks = { 4000 }, .rates = { 129032 }),
	    RES(T0, 1, 8, 4000, 0xff, 0x10, 0x18, 0xf7)),
	SEL("OPTIMAL: reader without clocks and rates", ATR_T01_18, TX,
	    (.protocols = 0), RES(T1, 1, 1, 0, 0xff, 0x01, 0xfe)),
	SEL("reader runs T=0 only", ATR_T01_18, TX,
	    (.protocols = T0, RDR_LIST_F),
	    RES(T0, 1, 8, 4000, 0xff, 0x10, 0x18, 0xf7)),
	SEL("T=1 first in the ATR: no PPS", ATR_T10_11, TX | DEF, RDR_LIST,
	    RES(T1, 1, 1, 4000)),
	SEL("T=1 first, T=0 asked: PPS0 only", ATR_T10_11, T0, RDR_LIST,
	    RES(T0, 1, 1, 4000, 0xff, 0x00, 0xff)),
	SEL("specific mode, explicit: TA1's, no PPS", ATR_SPEC_T1, TX,
	    RDR_LIST, RES(T1, 1, 3, 4000)),
	SEL("specific mode, DEFAULT asked: still TA1's", ATR_SPEC_T1,
	    TX | DEF, RDR_LIST, RES(T1, 1, 3, 4000)),
	SEL("specific mode, rate unsupported: highest clock", ATR_SPEC_T1,
	    T1, (.clk_default = 3580, .clks = { 3580, 4800 },
		 .rates = { 9600 }), RES(T1, 1, 3, 4800)),
	SEL("specific mode, implicit: Fd, Dd", ATR_IMPL_T1, TX, RDR_LIST,
	    RES(T1, 1, 1, 4000)),
	SEL("specific mode, T=0", ATR_SPEC_T0, TX, RDR_LIST,
	    RES(T0, 1, 3, 4000)),
	SEL_ERR("specific mode, protocol not in the mask", ATR_SPEC_T1, T0,
		RDR_LIST, -EOPNOTSUPP),
	SEL_ERR("no common protocol", ATR_T0_11, T1, RDR_LIST, -EOPNOTSUPP),
	SEL_ERR("raw only", ATR_T0_11, SCARD_PROTO_RAW, RDR_LIST,
		-EOPNOTSUPP),
	SEL_ERR("reader runs T=1 only, card T=0", ATR_T0_11, TX,
		(.protocols = T1, RDR_LIST_F), -EOPNOTSUPP),
};

static void ppst_sel_desc(const struct ppst_sel *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ppst_sel, ppst_sels, ppst_sel_desc);

static size_t ppst_count(const u32 *v, size_t n)
{
	while (n && !v[n - 1])
		n--;
	return n;
}

/* The reader of a case, its lists in heap buffers of their exact size. */
static void ppst_reader(struct kunit *test, const struct ppst_sel *c,
			struct scard_reader_caps *r)
{
	size_t nc = ppst_count(c->clks, ARRAY_SIZE(c->clks));
	size_t nr = ppst_count(c->rates, ARRAY_SIZE(c->rates));

	memset(r, 0, sizeof(*r));
	r->protocols = c->protocols ?: TX;
	r->clk_default = c->clk_default;
	r->clk_max = c->clk_max;
	r->rate_default = c->rate_default;
	r->rate_max = c->rate_max;
	if (nc) {
		r->clk_list = kunit_kmalloc_array(test, nc, sizeof(u32),
						  GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r->clk_list);
		memcpy((u32 *)r->clk_list, c->clks, nc * sizeof(u32));
		r->clk_count = nc;
	}
	if (nr) {
		r->rate_list = kunit_kmalloc_array(test, nr, sizeof(u32),
						   GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r->rate_list);
		memcpy((u32 *)r->rate_list, c->rates, nr * sizeof(u32));
		r->rate_count = nr;
	}
}

static void ppst_card(struct kunit *test, const struct ppst_sel *c,
		      struct scard_card_caps *card)
{
	u8 *atr = kunit_kmalloc(test, c->atr[0], GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, atr);
	memcpy(atr, c->atr + 1, c->atr[0]);
	memset(card, 0, sizeof(*card));
	KUNIT_ASSERT_EQ(test, scard_atr_parse(card, atr, c->atr[0]), 0);
}

static void ppst_sel_test(struct kunit *test)
{
	const struct ppst_sel *c = test->param_value;
	struct scard_reader_caps reader;
	struct scard_card_caps card;
	struct scard_pps pps;
	size_t req_len;
	int ret;

	ppst_card(test, c, &card);
	ppst_reader(test, c, &reader);
	memset(&pps, 0xa5, sizeof(pps));
	ret = scard_pps_select(&pps, &card, &reader, c->mask);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret)
		return;
	req_len = c->req[0] ? (c->req[1] & 0x10 ? 4 : 3) : 0;
	KUNIT_EXPECT_EQ(test, pps.protocol, c->protocol);
	KUNIT_EXPECT_EQ(test, pps.fl, c->fl);
	KUNIT_EXPECT_EQ(test, pps.dl, c->dl);
	KUNIT_EXPECT_EQ(test, pps.clk_khz, c->clk);
	KUNIT_EXPECT_EQ(test, pps.rate_bps,
			scard_data_rate_bps(c->fl, c->dl, c->clk));
	KUNIT_ASSERT_EQ(test, pps.req_len, req_len);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(pps.req, c->req, req_len),
			      "request %*ph, expected %*ph", (int)req_len,
			      pps.req, (int)req_len, c->req);
}

/* --- response check ------------------------------------------------------ */

struct ppst_chk {
	const char *desc;
	bool dflt;		/* request FF 01 FE, else FF 11 18 F6 */
	u8 rsp[8];
	u8 len;
	int ret;
	u8 fl, dl;
	u32 clk;
};

#define RSP(...)	.rsp = { __VA_ARGS__ },				\
			.len = sizeof((u8[]){ __VA_ARGS__ })
#define CHK_OK(d, f, dl_, c, ...)	{ .desc = d, RSP(__VA_ARGS__),	\
					  .fl = f, .dl = dl_, .clk = c }
#define CHK_BAD(d, ...)		{ .desc = d, RSP(__VA_ARGS__), .ret = -EPROTO }

static const struct ppst_chk ppst_chks[] = {
	CHK_OK("echo", 1, 8, 4000, 0xff, 0x11, 0x18, 0xf6),
	CHK_OK("PPS1 left out: Fd, Dd, default clock", 1, 1, 3580,
	       0xff, 0x01, 0xfe),
	CHK_BAD("wrong PCK", 0xff, 0x11, 0x18, 0xf7),
	CHK_BAD("other protocol", 0xff, 0x10, 0x18, 0xf7),
	CHK_BAD("other PPS1", 0xff, 0x11, 0x13, 0xfd),
	CHK_BAD("PPSS FE", 0xfe, 0x11, 0x18, 0xf7),
	CHK_BAD("PCK missing", 0xff, 0x11, 0x18),
	CHK_BAD("PPS1 and PCK missing", 0xff, 0x11),
	CHK_BAD("PPSS only", 0xff),
	CHK_BAD("byte after PCK", 0xff, 0x11, 0x18, 0xf6, 0x00),
	CHK_BAD("PPS2 the request did not have", 0xff, 0x31, 0x18, 0x00, 0xd6),
	CHK_BAD("PPS0 bit 8 (RFU)", 0xff, 0x91, 0x18, 0x76),
	CHK_BAD("PPS0 announces PPS1, none follows", 0xff, 0x11, 0xee),
	CHK_BAD("PPS1 not announced by PPS0", 0xff, 0x01, 0x18, 0xe6),
	CHK_BAD("7 bytes", 0xff, 0x71, 0x18, 0x00, 0x00, 0x00, 0x96),
	{ .desc = "empty", .ret = -EPROTO },
	{ "no PPS1 asked: echo", true, RSP(0xff, 0x01, 0xfe), 0, 1, 1, 3580 },
	{ "no PPS1 asked: PPS1 added", true, RSP(0xff, 0x11, 0x11, 0xff),
	  -EPROTO },
};

static void ppst_chk_desc(const struct ppst_chk *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ppst_chk, ppst_chks, ppst_chk_desc);

/* A T=0/T=1 card with TA1 18 and a reader at 3.58 or 4 MHz. */
static void ppst_chk_select(struct kunit *test, struct scard_pps *pps,
			    u32 mask)
{
	static const u8 atr[] = ATR_T01_18;
	static const u32 clks[] = { 3580, 4000 };
	static const u32 rates[] = RATES_4M;
	struct scard_reader_caps reader = {
		.protocols = TX,
		.clk_default = 3580,
		.clk_list = clks,
		.clk_count = ARRAY_SIZE(clks),
		.rate_list = rates,
		.rate_count = ARRAY_SIZE(rates),
	};
	struct scard_card_caps card = { };

	KUNIT_ASSERT_EQ(test, scard_atr_parse(&card, atr + 1, atr[0]), 0);
	KUNIT_ASSERT_EQ(test, scard_pps_select(pps, &card, &reader, mask), 0);
}

static void ppst_chk_test(struct kunit *test)
{
	const struct ppst_chk *c = test->param_value;
	u8 *rsp = kunit_kmalloc(test, c->len ?: 1, GFP_KERNEL);
	struct scard_pps pps, before;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rsp);
	memcpy(rsp, c->rsp, c->len);
	ppst_chk_select(test, &pps, c->dflt ? TX | DEF : TX);
	KUNIT_ASSERT_EQ(test, pps.req_len, c->dflt ? 3 : 4);
	before = pps;

	KUNIT_EXPECT_EQ(test, scard_pps_check(&pps, rsp, c->len), c->ret);
	if (c->ret) {
		KUNIT_EXPECT_TRUE(test, !memcmp(&pps, &before, sizeof(pps)));
		return;
	}
	KUNIT_EXPECT_EQ(test, pps.protocol, T1);
	KUNIT_EXPECT_EQ(test, pps.fl, c->fl);
	KUNIT_EXPECT_EQ(test, pps.dl, c->dl);
	KUNIT_EXPECT_EQ(test, pps.clk_khz, c->clk);
	KUNIT_EXPECT_EQ(test, pps.rate_bps,
			scard_data_rate_bps(c->fl, c->dl, c->clk));
}

static void ppst_next_action_test(struct kunit *test)
{
	struct scard_pps pps1, pps0, none;
	static const u8 ok[] = { 0xff, 0x11, 0x18, 0xf6 };

	ppst_chk_select(test, &pps1, TX);
	ppst_chk_select(test, &pps0, TX | DEF);
	memset(&none, 0, sizeof(none));

	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps1, 0), SCARD_PPS_DONE);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps1, -EPROTO),
			SCARD_PPS_RETRY_DEFAULT);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps1, -ETIMEDOUT),
			SCARD_PPS_RETRY_DEFAULT);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps1, -EBADMSG),
			SCARD_PPS_RETRY_DEFAULT);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps1, -EMSGSIZE),
			SCARD_PPS_RETRY_DEFAULT);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps1, -ENOMEDIUM),
			SCARD_PPS_FAIL);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps1, -EIO),
			SCARD_PPS_FAIL);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps0, -EPROTO),
			SCARD_PPS_FAIL);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&pps0, 0), SCARD_PPS_DONE);
	KUNIT_EXPECT_EQ(test, scard_pps_next_action(&none, -EPROTO),
			SCARD_PPS_FAIL);

	/* The retry after a refusal asks for the defaults: no PPS1. */
	KUNIT_EXPECT_EQ(test, pps0.req_len, 3);
	KUNIT_EXPECT_EQ(test, scard_pps_check(&pps1, ok, sizeof(ok)), 0);
	/* Nothing to check without a request. */
	KUNIT_EXPECT_EQ(test, scard_pps_check(&none, ok, sizeof(ok)), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_pps_check(&pps1, NULL, 0), -EPROTO);
}

static struct kunit_case scard_pps_test_cases[] = {
	KUNIT_CASE_PARAM(ppst_timing_test, ppst_timing_gen_params),
	KUNIT_CASE(ppst_timing_errors_test),
	KUNIT_CASE(ppst_timing_misc_test),
	KUNIT_CASE_PARAM(ppst_build_test, ppst_build_gen_params),
	KUNIT_CASE_PARAM(ppst_sel_test, ppst_sel_gen_params),
	KUNIT_CASE_PARAM(ppst_chk_test, ppst_chk_gen_params),
	KUNIT_CASE(ppst_next_action_test),
	{}
};

static struct kunit_suite scard_pps_test_suite = {
	.name = "scard_pps",
	.test_cases = scard_pps_test_cases,
};

kunit_test_suite(scard_pps_test_suite);

MODULE_DESCRIPTION("KUnit tests for the scard timing and PPS engines");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
