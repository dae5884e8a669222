// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the library's protocol glue (core/proto.c) at TPDU and at
 * character level, through the core's POWER, SET_PROTOCOL and TRANSMIT
 * requests: PPS and its fallback, T=1 and T=0 exchanges, mute cards, and
 * cards in specific mode.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/string.h>

#include "scard_proto_test.h"

/* T=1 only, TA1 13 (Fi 372, Di 4). */
static const u8 atr_t1[] = { 0x3b, 0x90, 0x13, 0x01, 0x82 };
/* T=0 and T=1, T=0 first, TA1 13. */
static const u8 atr_dual[] = { 0x3b, 0x90, 0x13, 0x80, 0x01, 0x02 };
/* T=0 only, TA1 13. */
static const u8 scard_atr_t0[] = { 0x3b, 0x10, 0x13 };
/* Specific mode T=1, TA1 13, explicit (TA2 01) and implicit (TA2 11). */
static const u8 atr_spec[] = { 0x3b, 0x90, 0x13, 0x11, 0x01, 0x93 };
static const u8 atr_spec_impl[] = { 0x3b, 0x90, 0x13, 0x11, 0x11, 0x83 };

/* PPS requests: T=1 or T=0 with Fi/Di 13, T=1 with the defaults. */
static const u8 pps_t1_13[] = { 0xff, 0x11, 0x13, 0xfd };
static const u8 pps_t0_13[] = { 0xff, 0x10, 0x13, 0xfc };
static const u8 pps_t1_dflt[] = { 0xff, 0x01, 0xfe };

static const u8 cmd_select[] = { 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00 };
static const u8 cmd_read[] = { 0x00, 0xb0, 0x00, 0x00, 0x0a };
static const u8 rsp_read[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x90, 0x00 };

/* One command over the link in force: T=1 echo, T=0 READ BINARY. */
static void pt_exchange_ok(struct pt *p, u32 protocol)
{
	u8 echo[sizeof(cmd_select) + 2];
	int checks = p->checks;

	if (protocol == T1) {
		memcpy(echo, cmd_select, sizeof(cmd_select));
		echo[sizeof(cmd_select)] = 0x90;
		echo[sizeof(cmd_select) + 1] = 0x00;
		KUNIT_ASSERT_EQ(p->test, scard_pt_transmit(p, T1, 0, 0, cmd_select,
							   sizeof(cmd_select)), 0);
		scard_pt_expect_rsp(p, echo, sizeof(echo));
	} else {
		KUNIT_ASSERT_EQ(p->test, scard_pt_transmit(p, T0, 0, 0, cmd_read,
							   sizeof(cmd_read)), 0);
		scard_pt_expect_rsp(p, rsp_read, sizeof(rsp_read));
	}
	KUNIT_EXPECT_GT(p->test, p->checks, checks);
}

/* Each case of a table at TPDU level, then at character level. */
#define PT_LEVEL_PARAMS(prefix, cases)					\
static const void *prefix##_gen_params(const void *prev, char *desc)	\
{									\
	const struct pt_param *p;					\
									\
	BUILD_BUG_ON(sizeof(cases) > PT_MAX_CASES * sizeof((cases)[0])); \
	p = scard_pt_param_next(prev, sizeof(cases) / sizeof((cases)[0]));	\
	if (p)								\
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s level: %s",	\
			 scard_pt_level_name(p->level), (cases)[p->index].name); \
	return p;							\
}

static const void *level_gen_params(const void *prev, char *desc)
{
	const struct pt_param *p = scard_pt_param_next(prev, 1);

	if (p)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s level",
			 scard_pt_level_name(p->level));
	return p;
}

#define PT_ATR(a)	.atr = a, .atr_len = sizeof(a)
#define PT_PPS(r)	.req = r, .req_len = sizeof(r)

/* SET_PROTOCOL and PPS */

struct pps_case {
	const char *name;
	const u8 *atr;
	size_t atr_len;
	u32 mask;
	enum pt_pps pps[2];
	const u8 *req;
	size_t req_len;
	int ret;
	unsigned int state;
	u32 protocol;
	int npps;
	u8 fl;
	u8 dl;
};

static const struct pps_case pps_cases[] = {
	{ .name = "T=1, Fi/Di 13 accepted", PT_ATR(atr_t1), .mask = T1,
	  PT_PPS(pps_t1_13), .state = SCARD_CARD_SPECIFIC, .protocol = T1,
	  .npps = 1, .fl = 1, .dl = 3 },
	{ .name = "T=1, answered without PPS1", PT_ATR(atr_t1), .mask = T1,
	  .pps = { PPS_NO_PPS1 }, PT_PPS(pps_t1_13), .state = SCARD_CARD_SPECIFIC,
	  .protocol = T1, .npps = 1, .fl = 1, .dl = 1 },
	{ .name = "T=1, silent: power again", PT_ATR(atr_t1), .mask = T1,
	  .pps = { PPS_SILENT }, PT_PPS(pps_t1_13), .ret = -EPROTO,
	  .state = SCARD_CARD_SWALLOWED, .npps = 1 },
	{ .name = "T=1, garbled: power again", PT_ATR(atr_t1), .mask = T1,
	  .pps = { PPS_GARBLE }, PT_PPS(pps_t1_13), .ret = -EPROTO,
	  .state = SCARD_CARD_SWALLOWED, .npps = 1 },
	{ .name = "T=1, default parameters: no PPS", PT_ATR(atr_t1),
	  .mask = T1 | DFLT, .state = SCARD_CARD_SPECIFIC, .protocol = T1,
	  .fl = 1, .dl = 1 },
	{ .name = "dual, T=1 preferred", PT_ATR(atr_dual), .mask = TX,
	  PT_PPS(pps_t1_13), .state = SCARD_CARD_SPECIFIC, .protocol = T1,
	  .npps = 1, .fl = 1, .dl = 3 },
	{ .name = "dual, T=1 silent: power again", PT_ATR(atr_dual),
	  .mask = T1, .pps = { PPS_SILENT }, PT_PPS(pps_t1_13),
	  .ret = -EPROTO, .state = SCARD_CARD_SWALLOWED, .npps = 1 },
	{ .name = "dual, T=1 garbled: power again", PT_ATR(atr_dual),
	  .mask = T1, .pps = { PPS_GARBLE }, PT_PPS(pps_t1_13),
	  .ret = -EPROTO, .state = SCARD_CARD_SWALLOWED, .npps = 1 },
	{ .name = "dual, default PPS garbled", PT_ATR(atr_dual),
	  .mask = T1 | DFLT, .pps = { PPS_GARBLE }, PT_PPS(pps_t1_dflt),
	  .ret = -EPROTO, .state = SCARD_CARD_SWALLOWED, .npps = 1 },
	{ .name = "dual, default PPS", PT_ATR(atr_dual), .mask = T1 | DFLT,
	  PT_PPS(pps_t1_dflt), .state = SCARD_CARD_SPECIFIC, .protocol = T1,
	  .npps = 1, .fl = 1, .dl = 1 },
	{ .name = "dual, T=0 accepted", PT_ATR(atr_dual), .mask = T0,
	  PT_PPS(pps_t0_13), .state = SCARD_CARD_SPECIFIC, .protocol = T0,
	  .npps = 1, .fl = 1, .dl = 3 },
	{ .name = "T=0, silent: power again", PT_ATR(scard_atr_t0),
	  .mask = T0, .pps = { PPS_SILENT }, PT_PPS(pps_t0_13),
	  .ret = -EPROTO, .state = SCARD_CARD_SWALLOWED, .npps = 1 },
	{ .name = "T=0, default parameters: no PPS", PT_ATR(scard_atr_t0),
	  .mask = T0 | DFLT, .state = SCARD_CARD_SPECIFIC, .protocol = T0,
	  .fl = 1, .dl = 1 },
};

PT_LEVEL_PARAMS(pps, pps_cases);

static void test_pps(struct kunit *test)
{
	const struct pt_param *param = test->param_value;
	const struct pps_case *c = &pps_cases[param->index];
	struct pt *p = scard_pt_start(test, param->level, c->atr, c->atr_len);

	p->pps[0] = c->pps[0];
	p->pps[1] = c->pps[1];
	KUNIT_EXPECT_EQ(test, scard_pt_set_protocol(p, c->mask), c->ret);
	scard_pt_expect_state(p, c->state, c->protocol);
	/* SET_PROTOCOL never resets the card. */
	KUNIT_EXPECT_EQ(test, p->power_calls, 0);
	KUNIT_EXPECT_EQ(test, p->pps_count, c->npps);
	if (c->npps) {
		KUNIT_EXPECT_EQ(test, memcmp(p->pps_req, c->req, c->req_len),
				0);
		KUNIT_EXPECT_GE(test, p->checks, c->npps);
	}
	if (c->ret) {
		KUNIT_EXPECT_EQ(test, p->params_calls, 0);
		return;
	}

	KUNIT_EXPECT_EQ(test, p->params_calls, 1);
	KUNIT_EXPECT_EQ(test, p->p_protocol, c->protocol);
	KUNIT_EXPECT_EQ(test, p->p_fl, c->fl);
	KUNIT_EXPECT_EQ(test, p->p_dl, c->dl);
	KUNIT_EXPECT_EQ(test, p->p_clk, PT_CLK);

	/* The link works with the negotiated parameters. */
	scard_pt_expect(p, c->protocol, c->fl, c->dl);
	pt_exchange_ok(p, c->protocol);
	KUNIT_EXPECT_EQ(test, p->params_calls, 1);
}

/*
 * A change of protocol needs a reset (PPS only follows an ATR), which is
 * the caller's: -EBADFD, the card and the link left as they were.
 */
static void test_pps_change(struct kunit *test)
{
	const struct pt_param *param = test->param_value;
	struct pt *p = scard_pt_start(test, param->level, atr_dual, sizeof(atr_dual));
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };

	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T0 | DFLT), 0);
	KUNIT_EXPECT_EQ(test, p->pps_count, 0);
	scard_pt_expect_state(p, SCARD_CARD_SPECIFIC, T0);
	scard_pt_expect(p, T0, 1, 1);
	pt_exchange_ok(p, T0);

	KUNIT_EXPECT_EQ(test, scard_pt_set_protocol(p, T1), -EBADFD);
	KUNIT_EXPECT_EQ(test, p->power_calls, 0);
	KUNIT_EXPECT_EQ(test, p->pps_count, 0);
	KUNIT_EXPECT_EQ(test, p->params_calls, 1);
	scard_pt_expect_state(p, SCARD_CARD_SPECIFIC, T0);
	pt_exchange_ok(p, T0);

	/* The caller resets the card, then T=1 is negotiated. */
	p->expect = false;
	KUNIT_ASSERT_EQ(test, scard_power(p->reader, &pw), 0);
	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T1), 0);
	KUNIT_EXPECT_EQ(test, p->power_calls, 1);
	KUNIT_EXPECT_EQ(test, p->pps_count, 1);
	KUNIT_EXPECT_EQ(test, memcmp(p->pps_req, pps_t1_13,
				     sizeof(pps_t1_13)), 0);
	scard_pt_expect_state(p, SCARD_CARD_SPECIFIC, T1);
	KUNIT_EXPECT_EQ(test, p->params_calls, 2);
	KUNIT_EXPECT_EQ(test, p->p_protocol, T1);
	KUNIT_EXPECT_EQ(test, p->p_dl, 3);
	scard_pt_expect(p, T1, 1, 3);
	pt_exchange_ok(p, T1);
}

struct pps_again_case {
	const char *name;
	const u8 *atr;
	size_t atr_len;
	u32 protocol;
	enum pt_pps pps;
	bool pps_default;	/* a PPS for T=1 after the reset */
};

static const struct pps_again_case pps_again_cases[] = {
	{ "T=1 silent, then the defaults", PT_ATR(atr_t1), T1, PPS_SILENT },
	{ "T=1 garbled, then the defaults", PT_ATR(atr_t1), T1, PPS_GARBLE },
	{ "dual T=1 silent, then default PPS", PT_ATR(atr_dual), T1,
	  PPS_SILENT, true },
	{ "T=0 silent, then the defaults", PT_ATR(scard_atr_t0), T0,
	  PPS_SILENT },
};

PT_LEVEL_PARAMS(pps_again, pps_again_cases);

/*
 * A failed PPS leaves the card waiting for a reset: TRANSMIT and
 * SET_PROTOCOL refuse until POWER, after which the caller asks for the
 * default parameters.
 */
static void test_pps_power_again(struct kunit *test)
{
	const struct pt_param *param = test->param_value;
	const struct pps_again_case *c = &pps_again_cases[param->index];
	struct pt *p = scard_pt_start(test, param->level, c->atr, c->atr_len);
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };
	struct scard_protocol proto = { .mask = c->protocol | DFLT };

	p->pps[0] = c->pps;
	p->pps[1] = PPS_ACCEPT;
	KUNIT_EXPECT_EQ(test, scard_pt_set_protocol(p, c->protocol), -EPROTO);
	scard_pt_expect_state(p, SCARD_CARD_SWALLOWED, 0);
	KUNIT_EXPECT_EQ(test, scard_set_protocol(p->reader, &proto), -EBADFD);
	KUNIT_EXPECT_EQ(test, scard_pt_transmit(p, c->protocol, 0, 0, cmd_read,
						sizeof(cmd_read)), -EBADFD);
	KUNIT_EXPECT_EQ(test, p->power_calls, 0);
	KUNIT_EXPECT_EQ(test, p->pps_count, 1);
	KUNIT_EXPECT_EQ(test, p->params_calls, 0);

	KUNIT_ASSERT_EQ(test, scard_power(p->reader, &pw), 0);
	KUNIT_EXPECT_EQ(test, pw.atr_len, c->atr_len);
	KUNIT_ASSERT_EQ(test, scard_set_protocol(p->reader, &proto), 0);
	KUNIT_EXPECT_EQ(test, proto.selected, c->protocol);
	KUNIT_EXPECT_EQ(test, p->power_calls, 1);
	KUNIT_EXPECT_EQ(test, p->pps_count, c->pps_default ? 2 : 1);
	scard_pt_expect_state(p, SCARD_CARD_SPECIFIC, c->protocol);
	KUNIT_EXPECT_EQ(test, p->params_calls, 1);
	KUNIT_EXPECT_EQ(test, p->p_fl, 1);
	KUNIT_EXPECT_EQ(test, p->p_dl, 1);
	scard_pt_expect(p, c->protocol, 1, 1);
	pt_exchange_ok(p, c->protocol);
}

static struct kunit_case scard_proto_pps_cases[] = {
	KUNIT_CASE_PARAM(test_pps, pps_gen_params),
	KUNIT_CASE_PARAM(test_pps_change, level_gen_params),
	KUNIT_CASE_PARAM(test_pps_power_again, pps_again_gen_params),
	{}
};

static struct kunit_suite scard_proto_pps_suite = {
	.name = "scard_proto_pps",
	.suite_init = scard_pt_suite_init,
	.suite_exit = scard_pt_suite_exit,
	.init = scard_pt_init,
	.exit = scard_pt_exit,
	.test_cases = scard_proto_pps_cases,
};

/* T=1 */

struct t1_case {
	const char *name;
	size_t len;
	u8 nad;
	bool wtx;
	bool no_ifs;
};

static const struct t1_case t1_cases[] = {
	{ .name = "short command", .len = 7 },
	{ .name = "chained command", .len = 200 },
	{ .name = "no S(IFS), chained response", .len = 60,
	  .no_ifs = true },
	{ .name = "NAD 12", .len = 7, .nad = 0x12 },
	{ .name = "S(WTX) 3", .len = 7, .wtx = true },
};

PT_LEVEL_PARAMS(t1, t1_cases);

static void test_t1(struct kunit *test)
{
	const struct pt_param *param = test->param_value;
	const struct t1_case *c = &t1_cases[param->index];
	struct pt *p = scard_pt_start(test, param->level, atr_t1, sizeof(atr_t1));
	struct scard_attr attr = { .tag = SCARD_TAG_SUPRESS_T1_IFS_REQUEST };
	u8 *cmd = kunit_kzalloc(test, c->len + 2, GFP_KERNEL);
	u8 nad = (c->nad & 0x07) << 4 | (c->nad >> 4 & 0x07);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, cmd);
	for (i = 0; i < c->len; i++)
		cmd[i] = i * 7 + 1;
	cmd[c->len] = 0x90;
	p->wtx = c->wtx;

	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T1 | DFLT), 0);
	/* Between SET_PROTOCOL and the first TRANSMIT it still counts. */
	if (c->no_ifs)
		KUNIT_ASSERT_EQ(test, scard_set_attribute(p->reader, &attr,
							  NULL), 0);
	scard_pt_expect(p, T1, 1, 1);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, scard_pt_transmit(p, T1, 0, c->nad, cmd,
							c->len), 0);
		scard_pt_expect_rsp(p, cmd, c->len + 2);
		KUNIT_EXPECT_EQ(test, p->rx_nad, nad);
	}
	KUNIT_EXPECT_EQ(test, p->ifs_reqs, c->no_ifs ? 0 : 1);
	KUNIT_EXPECT_EQ(test, p->card_ifsd, c->no_ifs ?
			SCARD_T1_IFSD_DEFAULT : PT_IFSD);
	KUNIT_EXPECT_EQ(test, p->wtx_done, c->wtx);
	KUNIT_EXPECT_GT(test, p->checks, 0);
	scard_pt_expect_state(p, SCARD_CARD_SPECIFIC, T1);
}

/*
 * A caller's reply buffer too short for the card's answer: -ENOSPC with the
 * size needed (the engine counts it), and the link goes on.
 */
static void test_t1_short_buffer(struct kunit *test)
{
	const struct pt_param *param = test->param_value;
	struct pt *p = scard_pt_start(test, param->level, atr_t1, sizeof(atr_t1));
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x10, 0x01, 0x02,
				  0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
	struct scard_transmit x = {
		.protocol = T1,
		.send_len = sizeof(cmd),
		.recv_len = 4,
	};
	u8 rsp[4];

	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T1 | DFLT), 0);
	KUNIT_EXPECT_EQ(test, scard_transmit(p->reader, &x, cmd, rsp),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, x.recv_len, sizeof(cmd) + 2);
	scard_pt_expect_state(p, SCARD_CARD_SPECIFIC, T1);
	KUNIT_ASSERT_EQ(test, scard_pt_transmit(p, T1, 0, 0, cmd, sizeof(cmd)),
			0);
	KUNIT_EXPECT_EQ(test, p->rx_len, sizeof(cmd) + 2);
}

/* A mute card: bounded, then the card must be powered again. */
static void test_t1_mute(struct kunit *test)
{
	const struct pt_param *param = test->param_value;
	struct pt *p = scard_pt_start(test, param->level, atr_t1, sizeof(atr_t1));
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };
	int ret, calls;

	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T1 | DFLT), 0);
	scard_pt_expect(p, T1, 1, 1);
	p->mute = true;
	ret = scard_pt_transmit(p, T1, 0, 0, cmd_select, sizeof(cmd_select));
	KUNIT_EXPECT_TRUE(test, ret == -EPROTO || ret == -ETIMEDOUT);
	calls = p->xfers + p->recvs;
	KUNIT_EXPECT_GE(test, calls, 3);
	KUNIT_EXPECT_LE(test, calls, 16);
	KUNIT_EXPECT_EQ(test, p->checks,
			param->level == TPDU ? calls : 2 * calls);
	scard_pt_expect_state(p, SCARD_CARD_SWALLOWED, 0);
	KUNIT_EXPECT_EQ(test, scard_pt_transmit(p, T1, 0, 0, cmd_select,
						sizeof(cmd_select)), -EBADFD);

	p->mute = false;
	KUNIT_ASSERT_EQ(test, scard_power(p->reader, &pw), 0);
	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T1 | DFLT), 0);
	pt_exchange_ok(p, T1);
}

/* Specific mode: the link is set up at the first TRANSMIT. */
struct spec_case {
	const char *name;
	const u8 *atr;
	size_t atr_len;
	u8 dl;
};

static const struct spec_case spec_cases[] = {
	{ .name = "explicit: TA1", PT_ATR(atr_spec), .dl = 3 },
	{ .name = "implicit: defaults", PT_ATR(atr_spec_impl), .dl = 1 },
};

PT_LEVEL_PARAMS(spec, spec_cases);

static void test_specific(struct kunit *test)
{
	const struct pt_param *param = test->param_value;
	const struct spec_case *c = &spec_cases[param->index];
	struct pt *p = scard_pt_start(test, param->level, c->atr, c->atr_len);

	scard_pt_expect_state(p, SCARD_CARD_SPECIFIC, T1);
	KUNIT_EXPECT_EQ(test, p->params_calls, 0);
	scard_pt_expect(p, T1, 1, c->dl);
	pt_exchange_ok(p, T1);
	KUNIT_EXPECT_EQ(test, p->params_calls, 1);
	KUNIT_EXPECT_EQ(test, p->p_protocol, T1);
	KUNIT_EXPECT_EQ(test, p->p_fl, 1);
	KUNIT_EXPECT_EQ(test, p->p_dl, c->dl);
	KUNIT_EXPECT_EQ(test, p->p_clk, PT_CLK);
	KUNIT_EXPECT_EQ(test, p->pps_count, 0);
	pt_exchange_ok(p, T1);
	KUNIT_EXPECT_EQ(test, p->params_calls, 1);
}

/*
 * TA2 fixes the card to T=2 (3B 90 11 10 02): specific mode, but for no
 * protocol the library speaks. SPECIFIC must mean a usable protocol.
 */
static void test_specific_unknown(struct kunit *test)
{
	static const u8 atr[] = { 0x3b, 0x90, 0x11, 0x10, 0x02 };
	const struct pt_param *param = test->param_value;
	struct pt *p = scard_pt_start(test, param->level, atr, sizeof(atr));

	scard_pt_expect_state(p, SCARD_CARD_NEGOTIABLE, 0);
	KUNIT_EXPECT_EQ(test, scard_pt_set_protocol(p, T0 | T1), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, scard_pt_transmit(p, 0, 0, 0, cmd_select,
						sizeof(cmd_select)), -EBADFD);
	KUNIT_EXPECT_EQ(test, scard_pt_transmit(p, T0, 0, 0, cmd_select,
						sizeof(cmd_select)), -EBADFD);
	KUNIT_EXPECT_EQ(test, p->params_calls, 0);
	KUNIT_EXPECT_EQ(test, p->pps_count, 0);
}

static struct kunit_case scard_proto_t1_cases[] = {
	KUNIT_CASE_PARAM(test_t1, t1_gen_params),
	KUNIT_CASE_PARAM(test_t1_mute, level_gen_params),
	KUNIT_CASE_PARAM(test_t1_short_buffer, level_gen_params),
	KUNIT_CASE_PARAM(test_specific, spec_gen_params),
	KUNIT_CASE_PARAM(test_specific_unknown, level_gen_params),
	{}
};

static struct kunit_suite scard_proto_t1_suite = {
	.name = "scard_proto_t1",
	.suite_init = scard_pt_suite_init,
	.suite_exit = scard_pt_suite_exit,
	.init = scard_pt_init,
	.exit = scard_pt_exit,
	.test_cases = scard_proto_t1_cases,
};

/* T=0 */

static const u8 cmd_read_20[] = { 0x00, 0xb0, 0x00, 0x00, 0x20 };
static const u8 cmd_select4[] = {
	0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00, 0x00,
};

static const u8 cmd_update[] = {
	0x00, 0xd6, 0x00, 0x00, 0x04, 0x11, 0x22, 0x33, 0x44,
};

static const u8 cmd_case1[] = { 0x00, 0xd6, 0x00, 0x00 };
static const u8 cmd_unknown[] = { 0x80, 0xca, 0x00, 0x00, 0x00 };
static const u8 rsp_6c0a[] = { 0x6c, 0x0a };
static const u8 rsp_6104[] = { 0x61, 0x04 };
static const u8 rsp_9000[] = { 0x90, 0x00 };
static const u8 rsp_6d00[] = { 0x6d, 0x00 };
static const u8 rsp_fci[] = { 0xde, 0xad, 0xbe, 0xef, 0x90, 0x00 };

struct t0_case {
	const char *name;
	enum pt_ack ack;
	u32 flags;
	const u8 *cmd;
	size_t cmd_len;
	const u8 *rsp;
	size_t rsp_len;
	int ret;
	int tpdus;
	unsigned int state;
};

#define PT_CMD(c)	.cmd = c, .cmd_len = sizeof(c)
#define PT_RSP(r)	.rsp = r, .rsp_len = sizeof(r)

static const struct t0_case t0_cases[] = {
	{ .name = "READ BINARY", PT_CMD(cmd_read), PT_RSP(rsp_read),
	  .tpdus = 1 },
	{ .name = "wrong Le: 6Cxx returned", PT_CMD(cmd_read_20),
	  PT_RSP(rsp_6c0a), .tpdus = 1 },
	{ .name = "wrong Le, APDU transport", .flags = APDU,
	  PT_CMD(cmd_read_20), PT_RSP(rsp_read), .tpdus = 2 },
	{ .name = "case 3: 61xx returned", PT_CMD(cmd_select),
	  PT_RSP(rsp_6104), .tpdus = 1 },
	{ .name = "case 4, APDU transport: GET RESPONSE", .flags = APDU,
	  PT_CMD(cmd_select4), PT_RSP(rsp_fci), .tpdus = 2 },
	{ .name = "case 4 without the APDU transport", PT_CMD(cmd_select4),
	  .ret = -EINVAL },
	{ .name = "UPDATE BINARY", PT_CMD(cmd_update), PT_RSP(rsp_9000),
	  .tpdus = 1 },
	{ .name = "case 1", PT_CMD(cmd_case1), PT_RSP(rsp_9000), .tpdus = 1 },
	{ .name = "unknown INS", PT_CMD(cmd_unknown), PT_RSP(rsp_6d00),
	  .tpdus = 1 },
};

PT_LEVEL_PARAMS(t0, t0_cases);

/* Character level only: the procedure bytes. */
static const struct t0_case t0_char_cases[] = {
	{ .ack = ACK_ONE, .name = "~INS: READ BINARY", PT_CMD(cmd_read),
	  PT_RSP(rsp_read), .tpdus = 1 },
	{ .ack = ACK_ONE, .name = "~INS: UPDATE BINARY", PT_CMD(cmd_update),
	  PT_RSP(rsp_9000), .tpdus = 1 },
	{ .ack = ACK_ONE, .name = "~INS: GET RESPONSE", .flags = APDU,
	  PT_CMD(cmd_select4), PT_RSP(rsp_fci), .tpdus = 2 },
	{ .ack = ACK_NULL, .name = "NULL: READ BINARY", PT_CMD(cmd_read),
	  PT_RSP(rsp_read), .tpdus = 1 },
	{ .ack = ACK_NULL, .name = "NULL: UPDATE BINARY", PT_CMD(cmd_update),
	  PT_RSP(rsp_9000), .tpdus = 1 },
	{ .ack = ACK_BAD, .name = "invalid procedure byte", PT_CMD(cmd_read),
	  .ret = -EPROTO, .tpdus = 1, .state = SCARD_CARD_SWALLOWED },
};

static void t0_char_desc(const struct t0_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "char level: %s", c->name);
}

KUNIT_ARRAY_PARAM(t0_char, t0_char_cases, t0_char_desc);

static void t0_run(struct kunit *test, const struct t0_case *c,
		   unsigned int level)
{
	struct pt *p = scard_pt_start(test, level, scard_atr_t0, sizeof(scard_atr_t0));

	p->ack = c->ack;
	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T0 | DFLT), 0);
	scard_pt_expect(p, T0, 1, 1);
	KUNIT_EXPECT_EQ(test, scard_pt_transmit(p, T0, c->flags, 0, c->cmd,
						c->cmd_len), c->ret);
	if (!c->ret) {
		scard_pt_expect_rsp(p, c->rsp, c->rsp_len);
		KUNIT_EXPECT_GT(test, p->checks, 0);
	}
	KUNIT_EXPECT_EQ(test, p->tpdus, c->tpdus);
	if (c->state)
		scard_pt_expect_state(p, c->state, 0);
	else
		scard_pt_expect_state(p, SCARD_CARD_SPECIFIC, T0);
}

static void test_t0(struct kunit *test)
{
	const struct pt_param *param = test->param_value;

	t0_run(test, &t0_cases[param->index], param->level);
}

static void test_t0_char(struct kunit *test)
{
	t0_run(test, test->param_value, CHR);
}

/* A mute card: -ETIMEDOUT within the bound, then it must be powered. */
static void test_t0_mute(struct kunit *test)
{
	const struct pt_param *param = test->param_value;
	struct pt *p = scard_pt_start(test, param->level, scard_atr_t0, sizeof(scard_atr_t0));
	struct scard_power pw = { .disposition = SCARD_COLD_RESET };

	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T0 | DFLT), 0);
	scard_pt_expect(p, T0, 1, 1);
	p->mute = true;
	KUNIT_EXPECT_EQ(test, scard_pt_transmit(p, T0, APDU, 0, cmd_read,
						sizeof(cmd_read)), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, p->xfers + p->recvs, 1);
	KUNIT_EXPECT_EQ(test, p->checks, param->level == TPDU ? 1 : 2);
	scard_pt_expect_state(p, SCARD_CARD_SWALLOWED, 0);
	KUNIT_EXPECT_EQ(test, scard_pt_transmit(p, T0, 0, 0, cmd_read,
						sizeof(cmd_read)), -EBADFD);

	p->mute = false;
	KUNIT_ASSERT_EQ(test, scard_power(p->reader, &pw), 0);
	KUNIT_ASSERT_EQ(test, scard_pt_set_protocol(p, T0 | DFLT), 0);
	pt_exchange_ok(p, T0);
}

static struct kunit_case scard_proto_t0_cases[] = {
	KUNIT_CASE_PARAM(test_t0, t0_gen_params),
	KUNIT_CASE_PARAM(test_t0_char, t0_char_gen_params),
	KUNIT_CASE_PARAM(test_t0_mute, level_gen_params),
	{}
};

static struct kunit_suite scard_proto_t0_suite = {
	.name = "scard_proto_t0",
	.suite_init = scard_pt_suite_init,
	.suite_exit = scard_pt_suite_exit,
	.init = scard_pt_init,
	.exit = scard_pt_exit,
	.test_cases = scard_proto_t0_cases,
};

kunit_test_suites(&scard_proto_pps_suite, &scard_proto_t1_suite,
		  &scard_proto_t0_suite);

MODULE_DESCRIPTION("KUnit tests of the scard protocol glue");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
