// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the scard CCID message layer: the messages built, the
 * replies matched and checked, bStatus and bError, time extensions,
 * timeouts and aborts, extended APDU chaining, the interrupt endpoint.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "../compat.h"
#include "scard_ccid_test.h"

/* Messages: every command built as the specification says. */

enum build_op {
	OP_POWER_ON, OP_POWER_OFF, OP_STATUS, OP_XFR, OP_GET_PARAMS,
	OP_RESET_PARAMS, OP_SET_T0, OP_SET_T1, OP_ESCAPE, OP_MECH,
	OP_RATE_CLOCK,
};

struct build_case {
	const char *name;
	enum build_op op;
	u8 rsp_type;
	u8 type;		/* the expected message: bMessageType, */
	u8 param[3];		/* bytes 7 to 9, */
	u8 data[8];		/* abData */
	size_t len;
};

static const struct build_case build_cases[] = {
	{ "PowerOn 3V", OP_POWER_ON, CCID_RDR_DATA_BLOCK, 0x62, { 2 } },
	{ "PowerOff", OP_POWER_OFF, CCID_RDR_SLOT_STATUS, 0x63 },
	{ "GetSlotStatus", OP_STATUS, CCID_RDR_SLOT_STATUS, 0x65 },
	{ "XfrBlock", OP_XFR, CCID_RDR_DATA_BLOCK, 0x6f, { 3, 0x02, 0x01 },
	  { 0xa0, 0xa1, 0xa2 }, 3 },
	{ "GetParameters", OP_GET_PARAMS, CCID_RDR_PARAMETERS, 0x6c },
	{ "ResetParameters", OP_RESET_PARAMS, CCID_RDR_PARAMETERS, 0x6d },
	{ "SetParameters T=0", OP_SET_T0, CCID_RDR_PARAMETERS, 0x61, { 0 },
	  { 0x11, 0x00, 0x00, 0x0a, 0x00 }, 5 },
	{ "SetParameters T=1", OP_SET_T1, CCID_RDR_PARAMETERS, 0x61, { 1 },
	  { 0x11, 0x10, 0x00, 0x4d, 0x00, 0x20, 0x00 }, 7 },
	{ "Escape", OP_ESCAPE, CCID_RDR_ESCAPE, 0x6b, { 0 }, { 0xa0, 0xa1 },
	  2 },
	{ "Mechanical eject", OP_MECH, CCID_RDR_SLOT_STATUS, 0x71, { 2 } },
	{ "SetDataRateAndClockFrequency", OP_RATE_CLOCK, CCID_RDR_RATE_CLOCK,
	  0x73, { 0 }, { 0xa0, 0x0f, 0, 0, 0x00, 0x2a, 0, 0 }, 8 },
};

static void build_case_desc(const struct build_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(build, build_cases, build_case_desc);

static int build_power(struct ccid_dev *dev, bool on)
{
	u8 atr[16];
	size_t len;
	int ret;

	ret = ccid_io_lock(dev, FAKE_SLOT);
	if (ret)
		return ret;
	if (on)
		ret = ccid_power_on_locked(dev, FAKE_SLOT, CCID_POWER_3V, atr,
					   sizeof(atr), &len);
	else
		ret = ccid_power_off_locked(dev, FAKE_SLOT);
	ccid_io_unlock(dev, FAKE_SLOT);

	return ret;
}

static int build_run(struct ccid_dev *dev, enum build_op op)
{
	static const u8 t0[] = { 0x11, 0x00, 0x00, 0x0a, 0x00 };
	static const u8 t1[] = { 0x11, 0x10, 0x00, 0x4d, 0x00, 0x20, 0x00 };
	static const u8 data[] = { 0xa0, 0xa1, 0xa2 };
	u8 rsp[16], proto, icc;
	u32 clk = 4000, rate = 10752;
	size_t len;

	switch (op) {
	case OP_POWER_ON:
	case OP_POWER_OFF:
		return build_power(dev, op == OP_POWER_ON);
	case OP_STATUS:
		return ccid_slot_status(dev, FAKE_SLOT, &icc);
	case OP_XFR:
		return ccid_xfr_block(dev, FAKE_SLOT, 3, 0x0102, data,
				      sizeof(data), rsp, sizeof(rsp), &len,
				      &ccid_wait_3s);
	case OP_GET_PARAMS:
		return ccid_get_params(dev, FAKE_SLOT, &proto, rsp, &len);
	case OP_RESET_PARAMS:
		return ccid_reset_params(dev, FAKE_SLOT, &proto, rsp, &len);
	case OP_SET_T0:
		return ccid_set_params(dev, FAKE_SLOT, CCID_PROTO_T0, t0,
				       sizeof(t0));
	case OP_SET_T1:
		return ccid_set_params(dev, FAKE_SLOT, CCID_PROTO_T1, t1,
				       sizeof(t1));
	case OP_ESCAPE:
		return ccid_escape(dev, FAKE_SLOT, data, 2, rsp, sizeof(rsp),
				   &len);
	case OP_MECH:
		return ccid_mechanical(dev, FAKE_SLOT, CCID_MECH_EJECT);
	case OP_RATE_CLOCK:
		return ccid_set_rate_clock(dev, FAKE_SLOT, &clk, &rate);
	}

	return -EINVAL;
}

static void ccid_test_build(struct kunit *test)
{
	const struct build_case *c = test->param_value;
	struct ccid_fake *f = ccid_fake_dev(test, CCID_FEAT_LEVEL_TPDU,
				       FAKE_MSG_LEN, 2);
	static const u8 rate[8] = { 0x40, 0x1f, 0, 0, 0x00, 0x54, 0, 0 };
	u8 want[CCID_HDR_LEN + sizeof(c->data)] = {
		c->type, c->len, 0, 0, 0, FAKE_SLOT, FAKE_SEQ,
		c->param[0], c->param[1], c->param[2],
	};

	memcpy(want + CCID_HDR_LEN, c->data, c->len);
	ccid_fake_reply(f, c->rsp_type, FAKE_SLOT, FAKE_SEQ, 0, 0, 0, rate,
			c->op == OP_RATE_CLOCK ? sizeof(rate) : 0);
	KUNIT_EXPECT_EQ(test, build_run(&f->dev, c->op), 0);
	KUNIT_ASSERT_EQ(test, f->n_sent, 1U);
	KUNIT_EXPECT_EQ(test, f->sent_len[0], CCID_HDR_LEN + c->len);
	EXPECT_BYTES(test, f->sent[0], want, CCID_HDR_LEN + c->len);
	KUNIT_EXPECT_EQ(test, f->dev.seq, FAKE_SEQ + 1);
}

static void ccid_test_rate_clock(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	static const u8 rate[8] = { 0x40, 0x1f, 0, 0, 0x00, 0x54, 0, 0 };
	u32 clk = 4000, bps = 10752;

	ccid_fake_reply(f, CCID_RDR_RATE_CLOCK, FAKE_SLOT, FAKE_SEQ, 0, 0, 0, rate,
			sizeof(rate));
	KUNIT_EXPECT_EQ(test, ccid_set_rate_clock(&f->dev, FAKE_SLOT, &clk,
						  &bps), 0);
	KUNIT_EXPECT_EQ(test, clk, 8000U);
	KUNIT_EXPECT_EQ(test, bps, 21504U);
}

/* bStatus and bError */

struct status_case {
	u8 status;
	u8 error;
	int ret;
};

static const struct status_case status_cases[] = {
	{ 0x00, 0x00, 0 },
	{ 0x01, 0x00, 0 },
	{ 0x02, 0x00, 0 },
	{ 0x03, 0x00, -EPROTO },
	{ 0xc0, 0x00, -EPROTO },
	{ 0x42, 0xfe, -ENOMEDIUM },
	{ 0x40, 0xfe, -ETIMEDOUT },
	{ 0x41, 0xfd, -EBADMSG },
	{ 0x40, 0xfc, -EIO },
	{ 0x40, 0xfb, -EIO },
	{ 0x40, 0xf8, -EMEDIUMTYPE },
	{ 0x40, 0xf7, -EMEDIUMTYPE },
	{ 0x40, 0xf6, -EPROTO },
	{ 0x40, 0xf5, -EPROTO },
	{ 0x40, 0xf4, -EPROTO },
	{ 0x40, 0xf3, -EPROTO },
	{ 0x40, 0xf2, -EIO },
	{ 0x40, 0xf0, -ETIMEDOUT },
	{ 0x40, 0xe0, -EIO },
	{ 0x40, 0xff, -ECANCELED },
	{ 0x40, 0xef, -ECANCELED },
	{ 0x40, 0x00, -EOPNOTSUPP },
	{ 0x40, 0x07, -EIO },
	{ 0x40, 0x90, -EIO },
};

static void status_case_desc(const struct status_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "bStatus %02x bError %02x",
		 c->status, c->error);
}

KUNIT_ARRAY_PARAM(status, status_cases, status_case_desc);

static void ccid_test_status(struct kunit *test)
{
	const struct status_case *c = test->param_value;
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	u8 icc = 0xff;

	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, FAKE_SLOT, FAKE_SEQ, c->status,
			c->error, 0, NULL, 0);
	KUNIT_EXPECT_EQ(test, ccid_slot_status(&f->dev, FAKE_SLOT, &icc),
			c->ret);
	KUNIT_EXPECT_EQ(test, icc, c->status & CCID_ICC_STATUS);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);
}

/*
 * No bError gives -EBUSY, which user space reads as "a request of this
 * reader is pending": the errnos are those of the library's table and the
 * two the protocol engines act on (-EBADMSG, -ECANCELED).
 */
static void ccid_test_errno_set(struct kunit *test)
{
	unsigned int e;
	int ret;

	for (e = 0; e <= U8_MAX; e++) {
		ret = ccid_errno(e);
		KUNIT_EXPECT_TRUE_MSG(test, ret == -ETIMEDOUT ||
				      ret == -EBADMSG || ret == -EMEDIUMTYPE ||
				      ret == -EPROTO || ret == -ECANCELED ||
				      ret == -EOPNOTSUPP || ret == -EIO,
				      "bError %#x: %d", e, ret);
	}
}

/* Malformed and stale bulk-in transfers */

/* The bSeq of an earlier command whose reply was not read (an orphan). */
#define ORPHAN_SEQ	(FAKE_SEQ - 2)

enum xfer_kind {
	X_END, X_GOOD, X_SEQ, X_SLOT, X_ORPHAN, X_ZLP, X_TRUNC, X_SHORT_DATA,
	X_HUGE_LEN, X_TYPE, X_OVERRUN, X_BIG_DATA, X_TIMEOUT, X_KILLED,
};

struct bad_case {
	const char *name;
	enum xfer_kind script[4];
	int ret;
};

static const struct bad_case bad_cases[] = {
	{ "good", { X_GOOD }, 0 },
	{ "wrong bSeq", { X_SEQ, X_GOOD }, -EPROTO },
	{ "wrong slot", { X_SLOT, X_GOOD }, -EPROTO },
	{ "orphaned reply skipped", { X_ORPHAN, X_GOOD }, 0 },
	{ "an orphan is skipped once", { X_ORPHAN, X_ORPHAN, X_GOOD }, -EPROTO },
	{ "zero-length transfers skipped", { X_ZLP, X_ZLP, X_GOOD }, 0 },
	{ "orphan then ZLP then reply", { X_ORPHAN, X_ZLP, X_GOOD }, 0 },
	{ "truncated header", { X_TRUNC, X_GOOD }, -EPROTO },
	{ "dwLength beyond the transfer", { X_SHORT_DATA }, -EPROTO },
	{ "dwLength beyond the buffer", { X_HUGE_LEN }, -EPROTO },
	{ "wrong message type", { X_TYPE }, -EPROTO },
	{ "transport overrun", { X_OVERRUN }, -EIO },
	{ "abData larger than the caller's", { X_BIG_DATA }, -EMSGSIZE },
	{ "only an orphaned reply", { X_ORPHAN }, -ETIMEDOUT },
	{ "transport error", { X_TIMEOUT }, -ETIMEDOUT },
	{ "caller killed: aborted", { X_KILLED }, -EINTR },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

static const u8 good_data[] = { 0x90, 0x00 };

static void fake_push_kind(struct ccid_fake *f, enum xfer_kind kind)
{
	u8 buf[CCID_HDR_LEN + 4] = { CCID_RDR_DATA_BLOCK, 2, 0, 0, 0,
				     FAKE_SLOT, FAKE_SEQ, 0, 0, 0, 0x90, 0 };
	static const u8 big[16];

	switch (kind) {
	case X_SEQ:
		buf[CCID_OFF_SEQ]--;
		break;
	case X_ORPHAN:
		buf[CCID_OFF_SEQ] = ORPHAN_SEQ;
		break;
	case X_SLOT:
		buf[CCID_OFF_SLOT] = 0;
		break;
	case X_ZLP:
		ccid_fake_push(f, buf, 0);
		return;
	case X_TRUNC:
		ccid_fake_push(f, buf, CCID_HDR_LEN - 1);
		return;
	case X_SHORT_DATA:
		buf[CCID_OFF_LEN] = 3;
		break;
	case X_HUGE_LEN:
		put_unaligned_le32(U32_MAX, buf + CCID_OFF_LEN);
		break;
	case X_TYPE:
		buf[CCID_OFF_TYPE] = CCID_RDR_SLOT_STATUS;
		break;
	case X_OVERRUN:
		ccid_fake_next(f)->overrun = true;
		return;
	case X_BIG_DATA:
		ccid_fake_block(f, FAKE_SEQ, 0, big, sizeof(big));
		return;
	case X_TIMEOUT:
		ccid_fake_push_ret(f, -ETIMEDOUT);
		return;
	case X_KILLED:
		ccid_fake_push_ret(f, -EINTR);
		return;
	default:
		break;
	}
	ccid_fake_push(f, buf, CCID_HDR_LEN + 2);
}

static void ccid_test_bad_reply(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	u8 rx[8];
	size_t len;
	int i;

	__set_bit(ORPHAN_SEQ, f->dev.orphans);
	for (i = 0; i < ARRAY_SIZE(c->script) && c->script[i] != X_END; i++)
		fake_push_kind(f, c->script[i]);
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), c->ret);
	if (!c->ret) {
		KUNIT_EXPECT_EQ(test, len, sizeof(good_data));
		EXPECT_BYTES(test, rx, good_data, sizeof(good_data));
	}
	KUNIT_EXPECT_EQ(test, f->n_abort,
			c->ret == -ETIMEDOUT || c->ret == -EINTR ? 1U : 0U);
}

/*
 * QEMU on xHCI: a 64-byte reply, then a phantom zero-length transfer, then
 * the next command's reply. Each command gets its own reply.
 */
static void ccid_test_phantom_zlp(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, CCID_FEAT_LEVEL_TPDU,
				       FAKE_MSG_LEN, 2);
	u8 r1[54], rx[64];
	size_t len;

	memset(r1, 0xab, sizeof(r1));
	r1[52] = 0x90;
	r1[53] = 0x00;
	ccid_fake_block(f, FAKE_SEQ, 0, r1, sizeof(r1));
	ccid_fake_push(f, r1, 0);
	ccid_fake_block(f, FAKE_SEQ + 1, 0, good_data, sizeof(good_data));

	KUNIT_ASSERT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(r1));
	EXPECT_BYTES(test, rx, r1, sizeof(r1));

	KUNIT_ASSERT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(good_data));
	EXPECT_BYTES(test, rx, good_data, sizeof(good_data));
	KUNIT_EXPECT_EQ(test, f->pos, 3U);
}

/*
 * A reply nobody waits for fails the command with -EPROTO; the reader stays
 * usable, and the command's own reply, coming late, is skipped by the next.
 */
static void ccid_test_unexpected_seq(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	static const u8 late[] = { 0x6a, 0x82 };
	u8 rx[8];
	size_t len;

	ccid_fake_block(f, 0x10, 0, late, sizeof(late));
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), -EPROTO);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);

	ccid_fake_block(f, FAKE_SEQ, 0, late, sizeof(late));
	ccid_fake_block(f, FAKE_SEQ + 1, 0, good_data, sizeof(good_data));
	KUNIT_ASSERT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(good_data));
	EXPECT_BYTES(test, rx, good_data, sizeof(good_data));

	/* Skipped once only: now the late reply is unexpected again. */
	ccid_fake_block(f, FAKE_SEQ, 0, late, sizeof(late));
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), -EPROTO);
}

/*
 * Before the first reply matched, transfers with another bSeq are what a
 * previous user of the reader left (pcscd, a reader reset): skipped.
 */
static void ccid_test_unsynced(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	static const u8 old[] = { 0x6a, 0x82 };
	u8 rx[8];
	size_t len;

	f->dev.synced = false;
	ccid_fake_block(f, 0x10, 0, old, sizeof(old));
	ccid_fake_block(f, 0x11, 0, old, sizeof(old));
	ccid_fake_block(f, FAKE_SEQ, 0, good_data, sizeof(good_data));
	KUNIT_ASSERT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), 0);
	EXPECT_BYTES(test, rx, good_data, sizeof(good_data));
	KUNIT_EXPECT_TRUE(test, f->dev.synced);

	ccid_fake_block(f, 0x12, 0, old, sizeof(old));
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), -EPROTO);
}

/*
 * A transfer too long for the buffer (the transport's -EPROTO) fails the
 * command; what is left of it, too long again, shorter than a header or
 * with another bSeq, is skipped by the next command, which gets its
 * reply.
 */
static void ccid_test_rest_of_long_transfer(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	u8 rest[CCID_HDR_LEN + 20];
	u8 rx[8];
	size_t len;

	ccid_fake_push_ret(f, -EPROTO);
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), -EPROTO);
	KUNIT_EXPECT_FALSE(test, f->dev.synced);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);

	memset(rest, 0x55, sizeof(rest));
	ccid_fake_push_ret(f, -EPROTO);
	ccid_fake_push(f, rest, 7);
	ccid_fake_push(f, rest, sizeof(rest));
	ccid_fake_block(f, FAKE_SEQ + 1, 0, good_data, sizeof(good_data));
	KUNIT_ASSERT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), 0);
	EXPECT_BYTES(test, rx, good_data, sizeof(good_data));
	KUNIT_EXPECT_TRUE(test, f->dev.synced);
}

/*
 * A reader that stops answering: the command is aborted (class request,
 * then PC_to_RDR_Abort with the same bSeq) and fails with -ETIMEDOUT; its
 * late reply and the abort's reply do not confuse the next command.
 */
static void ccid_test_timeout(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	static const u8 abort_msg[] = { 0x72, 0, 0, 0, 0, FAKE_SLOT,
					FAKE_SEQ + 1, 0, 0, 0 };
	static const u8 late[] = { 0x6a, 0x82 };
	u8 rx[8];
	size_t len;

	ccid_fake_push_ret(f, -ETIMEDOUT);
	ccid_fake_push_ret(f, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, f->n_abort, 1U);
	KUNIT_EXPECT_EQ(test, f->abort_slot, FAKE_SLOT);
	KUNIT_EXPECT_EQ(test, f->abort_seq, FAKE_SEQ + 1);
	KUNIT_ASSERT_EQ(test, f->n_sent, 2U);
	KUNIT_EXPECT_EQ(test, f->sent_len[1], sizeof(abort_msg));
	EXPECT_BYTES(test, f->sent[1], abort_msg, sizeof(abort_msg));
	KUNIT_EXPECT_LE(test, f->recv_ms[0], 3000U);

	/* The late reply, the abort's, then the reply of the next command. */
	ccid_fake_block(f, FAKE_SEQ, 0, late, sizeof(late));
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, FAKE_SLOT, FAKE_SEQ + 1, 0x40,
			CCID_ERR_CMD_ABORTED, 0, NULL, 0);
	ccid_fake_block(f, FAKE_SEQ + 2, 0, good_data, sizeof(good_data));
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(good_data));
	EXPECT_BYTES(test, rx, good_data, sizeof(good_data));
}

static void ccid_test_gone(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	u8 icc;

	WRITE_ONCE(f->dev.gone, true);
	KUNIT_EXPECT_EQ(test, ccid_slot_status(&f->dev, 0, &icc), -ENODEV);
	KUNIT_EXPECT_EQ(test, f->n_sent, 0U);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);
}

static void ccid_test_too_long(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, CCID_FEAT_LEVEL_SHORT_APDU,
				       CCID_HDR_LEN + 40, 1);
	static const u8 apdu[41];
	u8 rx[8];
	size_t len;

	KUNIT_EXPECT_EQ(test, ccid_xfr_apdu(&f->dev, 0, apdu, sizeof(apdu),
					    rx, sizeof(rx), &len, &ccid_wait_3s),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, f->n_sent, 0U);
}

/* Time extensions */

static void ccid_test_time_ext(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	struct ccid_wait w = { .timeout_ms = 3000, .ext_ms = 2000 };
	u8 rx[8];
	size_t len;

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, FAKE_SLOT, FAKE_SEQ, 0x80, 3, 0,
			NULL, 0);
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, FAKE_SLOT, FAKE_SEQ, 0x80, 1, 0,
			NULL, 0);
	ccid_fake_block(f, FAKE_SEQ, 0, good_data, sizeof(good_data));
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len, &w), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(good_data));
	KUNIT_ASSERT_EQ(test, f->n_recv, 3U);
	/* 3 * BWT, then at least the command's own timeout */
	KUNIT_EXPECT_GT(test, f->recv_ms[1], 5000U);
	KUNIT_EXPECT_LE(test, f->recv_ms[1], 6000U);
	KUNIT_EXPECT_GT(test, f->recv_ms[2], 2000U);
	KUNIT_EXPECT_LE(test, f->recv_ms[2], 3000U);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);
}

struct ext_case {
	unsigned int n;
	int ret;
};

static const struct ext_case ext_cases[] = {
	{ 1, 0 },
	{ CCID_TIME_EXT_MAX, 0 },
	{ CCID_TIME_EXT_MAX + 1, -ETIMEDOUT },
};

static void ext_case_desc(const struct ext_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u time extensions", c->n);
}

KUNIT_ARRAY_PARAM(ext, ext_cases, ext_case_desc);

static void ccid_test_time_ext_bound(struct kunit *test)
{
	const struct ext_case *c = test->param_value;
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	u8 rx[8];
	size_t len;
	unsigned int i;

	for (i = 0; i < c->n; i++)
		ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, FAKE_SLOT, FAKE_SEQ, 0x80,
				255, 0, NULL, 0);
	ccid_fake_block(f, FAKE_SEQ, 0, good_data, sizeof(good_data));
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len,
					     &ccid_wait_3s), c->ret);
	KUNIT_EXPECT_EQ(test, f->n_abort, c->ret ? 1U : 0U);
	for (i = 0; i < min_t(unsigned int, f->n_recv, FAKE_SCRIPT_MAX); i++)
		KUNIT_EXPECT_LE(test, f->recv_ms[i], CCID_WAIT_MAX_MS);
}

/*
 * A card that keeps asking for time: the command ends when its budget (the
 * first wait and CCID_TIME_EXT_MAX card waits, here 100 + 64 * 2 ms) is
 * spent, however many extensions it had, and is aborted.
 */
static void ccid_test_budget(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	const struct ccid_wait w = { .timeout_ms = 100, .ext_ms = 2 };
	const unsigned int budget = 100 + CCID_TIME_EXT_MAX * 2;
	unsigned long start;
	unsigned int i;
	u8 rx[8];
	size_t len;

	for (i = 0; i < 40; i++) {
		ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, FAKE_SLOT, FAKE_SEQ, 0x80,
				1, 0, NULL, 0);
		ccid_fake_delay(f, 20);
	}
	start = jiffies;
	KUNIT_EXPECT_EQ(test, ccid_xfr_block(&f->dev, FAKE_SLOT, 0, 0, NULL,
					     0, rx, sizeof(rx), &len, &w),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, f->n_abort, 1U);
	/* About budget / 20 ms extensions were read, not 40. */
	KUNIT_EXPECT_GE(test, f->abort_pos, 5U);
	KUNIT_EXPECT_LE(test, f->abort_pos, 20U);
	/* No wait went past the budget. */
	for (i = 0; i < f->abort_pos; i++)
		KUNIT_EXPECT_LE(test, f->recv_ms[i], budget);
	/* The command and its abort: the budget and 1 s for the abort. */
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - start),
			budget + CCID_ABORT_TIMEOUT_MS + 500);
}

/* The budget: from the card's waiting time, with a ceiling. */
static void ccid_test_budget_ms(struct kunit *test)
{
	struct ccid_msg m = { .timeout_ms = 3000 };

	KUNIT_EXPECT_EQ(test, ccid_budget_ms(&m), 3000U * CCID_UNTIMED_WAITS);
	m.timeout_ms = 4000;
	m.ext_ms = 1000;
	KUNIT_EXPECT_EQ(test, ccid_budget_ms(&m),
			4000U + CCID_TIME_EXT_MAX * 1000);
	m.timeout_ms = CCID_WAIT_MAX_MS;
	m.ext_ms = CCID_WAIT_MAX_MS;
	KUNIT_EXPECT_EQ(test, ccid_budget_ms(&m), CCID_CMD_MAX_MS);
	m.ext_ms = UINT_MAX;
	KUNIT_EXPECT_EQ(test, ccid_budget_ms(&m), CCID_CMD_MAX_MS);
	m.timeout_ms = 0;
	m.ext_ms = 0;
	KUNIT_EXPECT_EQ(test, ccid_budget_ms(&m), 1U);
}

/* A program whose slot waits behind another slot's command */

struct waiter {
	struct ccid_fake *f;
	struct completion done;
	int ret;
};

static int waiter_fn(void *data)
{
	struct waiter *w = data;
	u8 icc;

	allow_signal(SIGKILL);
	w->ret = ccid_slot_status(&w->f->dev, 0, &icc);
	complete(&w->done);

	set_current_state(TASK_UNINTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_UNINTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);

	return 0;
}

/*
 * While slot 1 holds the device (a mute card), a request on slot 0 waits;
 * killed, it returns at once with -EINTR and sends nothing.
 */
static void ccid_test_wait_killable(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	struct waiter w = { .f = f };
	struct task_struct *t;
	bool done;

	init_completion(&w.done);
	KUNIT_ASSERT_EQ(test, ccid_io_lock(&f->dev, FAKE_SLOT), 0);
	t = kthread_run(waiter_fn, &w, "ccid-waiter");
	if (IS_ERR(t)) {
		ccid_io_unlock(&f->dev, FAKE_SLOT);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		return;
	}

	msleep(100);
	KUNIT_EXPECT_FALSE(test, completion_done(&w.done));
	send_sig(SIGKILL, t, 1);
	done = wait_for_completion_timeout(&w.done, HZ);
	ccid_io_unlock(&f->dev, FAKE_SLOT);
	if (!done)
		wait_for_completion(&w.done);
	kthread_stop(t);

	KUNIT_EXPECT_TRUE_MSG(test, done, "still waiting 1 s after SIGKILL");
	KUNIT_EXPECT_EQ(test, w.ret, -EINTR);
	KUNIT_EXPECT_EQ(test, f->n_sent, 0U);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);
}

/* Without a signal it gets the device when the other command ends. */
static void ccid_test_wait_turn(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	struct waiter w = { .f = f };
	struct task_struct *t;

	init_completion(&w.done);
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, FAKE_SEQ, 0x01, 0, 0, NULL,
			0);
	KUNIT_ASSERT_EQ(test, ccid_io_lock(&f->dev, FAKE_SLOT), 0);
	t = kthread_run(waiter_fn, &w, "ccid-waiter");
	if (IS_ERR(t)) {
		ccid_io_unlock(&f->dev, FAKE_SLOT);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		return;
	}

	msleep(50);
	KUNIT_EXPECT_EQ(test, f->n_sent, 0U);
	ccid_io_unlock(&f->dev, FAKE_SLOT);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&w.done, 5 * HZ));
	kthread_stop(t);
	KUNIT_EXPECT_EQ(test, w.ret, 0);
	KUNIT_EXPECT_EQ(test, f->n_sent, 1U);
}

/* Extended APDU level chaining */

static void ccid_test_chain_out(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, CCID_FEAT_LEVEL_EXT_APDU,
				       CCID_HDR_LEN + 40, 2);
	static const u16 levels[] = { 0x01, 0x03, 0x02 };
	static const size_t parts[] = { 40, 40, 20 };
	u8 apdu[100], rx[8];
	size_t len, off = 0;
	int i;

	for (i = 0; i < sizeof(apdu); i++)
		apdu[i] = i;
	ccid_fake_block(f, FAKE_SEQ, CCID_CHAIN_MORE, NULL, 0);
	ccid_fake_block(f, FAKE_SEQ + 1, CCID_CHAIN_MORE, NULL, 0);
	ccid_fake_block(f, FAKE_SEQ + 2, CCID_CHAIN_NONE, good_data,
			sizeof(good_data));

	KUNIT_ASSERT_EQ(test, ccid_xfr_apdu(&f->dev, FAKE_SLOT, apdu,
					    sizeof(apdu), rx, sizeof(rx), &len,
					    &ccid_wait_3s), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(good_data));
	KUNIT_ASSERT_EQ(test, f->n_sent, 3U);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, f->sent[i][CCID_OFF_TYPE],
				CCID_PC_XFR_BLOCK);
		KUNIT_EXPECT_EQ(test, get_unaligned_le32(f->sent[i] + 1),
				parts[i]);
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(f->sent[i] + 8),
				levels[i]);
		EXPECT_BYTES(test, f->sent[i] + CCID_HDR_LEN, apdu + off,
			     parts[i]);
		off += parts[i];
	}
}

static void ccid_test_chain_in(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, CCID_FEAT_LEVEL_EXT_APDU,
				       CCID_HDR_LEN + 40, 2);
	static const u8 more[] = { 0x6f, 0, 0, 0, 0, FAKE_SLOT, FAKE_SEQ + 1,
				   0, 0x10, 0x00 };
	static const u8 apdu[5] = { 0x00, 0xb0, 0x00, 0x00, 0x00 };
	u8 r[70], rx[80];
	size_t len;
	int i;

	for (i = 0; i < sizeof(r); i++)
		r[i] = 0x80 + i;
	ccid_fake_block(f, FAKE_SEQ, CCID_CHAIN_BEGIN, r, 30);
	ccid_fake_block(f, FAKE_SEQ + 1, CCID_CHAIN_MIDDLE, r + 30, 30);
	ccid_fake_block(f, FAKE_SEQ + 2, CCID_CHAIN_END, r + 60, 10);

	KUNIT_ASSERT_EQ(test, ccid_xfr_apdu(&f->dev, FAKE_SLOT, apdu,
					    sizeof(apdu), rx, sizeof(rx), &len,
					    &ccid_wait_3s), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(r));
	EXPECT_BYTES(test, rx, r, sizeof(r));
	KUNIT_ASSERT_EQ(test, f->n_sent, 3U);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(f->sent[0] + 8), 0);
	KUNIT_EXPECT_EQ(test, f->sent_len[1], sizeof(more));
	EXPECT_BYTES(test, f->sent[1], more, sizeof(more));
}

struct chain_case {
	const char *name;
	size_t apdu_len;
	u8 chain[2];
	size_t dlen[2];
	int ret;
};

static const struct chain_case chain_cases[] = {
	{ "command part not acknowledged", 60, { 0x00 }, { 0 }, -EPROTO },
	{ "response begins with an end", 5, { 0x02 }, { 2 }, -EPROTO },
	{ "empty middle of a response", 5, { 0x01, 0x03 }, { 2, 0 },
	  -EPROTO },
	{ "response begins twice", 5, { 0x01, 0x01 }, { 2, 2 }, -EPROTO },
	{ "response too long", 5, { 0x01, 0x02 }, { 30, 30 }, -EMSGSIZE },
};

static void chain_case_desc(const struct chain_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(chain, chain_cases, chain_case_desc);

static void ccid_test_chain_bad(struct kunit *test)
{
	const struct chain_case *c = test->param_value;
	struct ccid_fake *f = ccid_fake_dev(test, CCID_FEAT_LEVEL_EXT_APDU,
				       CCID_HDR_LEN + 40, 2);
	static const u8 apdu[60], data[30];
	u8 rx[40];
	size_t len = 1;
	int i;

	for (i = 0; i < 2; i++)
		ccid_fake_block(f, FAKE_SEQ + i, c->chain[i], data, c->dlen[i]);
	KUNIT_EXPECT_EQ(test, ccid_xfr_apdu(&f->dev, FAKE_SLOT, apdu,
					    c->apdu_len, rx, sizeof(rx), &len,
					    &ccid_wait_3s), c->ret);
	KUNIT_EXPECT_EQ(test, len, 0);
}

/* bChainParameter is reserved below the extended APDU level. */
static void ccid_test_short_apdu(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, CCID_FEAT_LEVEL_SHORT_APDU,
				       FAKE_MSG_LEN, 2);
	static const u8 apdu[5];
	u8 rx[8];
	size_t len;

	ccid_fake_block(f, FAKE_SEQ, CCID_CHAIN_BEGIN, good_data,
			sizeof(good_data));
	KUNIT_EXPECT_EQ(test, ccid_xfr_apdu(&f->dev, FAKE_SLOT, apdu,
					    sizeof(apdu), rx, sizeof(rx), &len,
					    &ccid_wait_3s), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(good_data));
	KUNIT_EXPECT_EQ(test, f->n_sent, 1U);
}

/* The interrupt endpoint */

static void ccid_test_notify(struct kunit *test)
{
	struct ccid_fake *f = ccid_fake_dev(test, 0, FAKE_MSG_LEN, 2);
	struct ccid_slot *s = f->dev.slots;
	static const u8 hw_error[] = { 0x51, 0, 7, 1 };
	static const u8 unknown[] = { 0x52, 0xff };
	u8 msg[3] = { 0x50, 0xf4, 0xff };	/* slot 1 present */

	ccid_notify(&f->dev, msg, 1);
	KUNIT_EXPECT_EQ(test, s[0].events, 0U);

	ccid_notify(&f->dev, msg, sizeof(msg));
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_FALSE(test, s[0].present);
	KUNIT_EXPECT_TRUE(test, s[1].present);
	KUNIT_EXPECT_EQ(test, s[1].events, 1U);
	/* Bits of slots 2 and 3 and the second byte touch nothing. */
	KUNIT_EXPECT_EQ(test, s[2].events, 0U);
	KUNIT_EXPECT_NULL(test, s[2].dev);
	/* No slot changed: nothing to ask. */
	KUNIT_EXPECT_EQ(test, f->n_sent, 0U);

	/* Slot 0 in, slot 1 out; asked again, slot 1 says it has a card. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, FAKE_SEQ, 0x01, 0, 0, NULL, 0);
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 1, FAKE_SEQ + 1, 0x01, 0, 0, NULL,
			0);
	msg[1] = 0x0b;
	ccid_notify(&f->dev, msg, 2);
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_ASSERT_EQ(test, f->n_sent, 2U);
	KUNIT_EXPECT_EQ(test, f->sent[0][CCID_OFF_TYPE],
			CCID_PC_GET_SLOT_STATUS);
	KUNIT_EXPECT_EQ(test, f->sent[0][CCID_OFF_SLOT], 0);
	KUNIT_EXPECT_EQ(test, f->sent[1][CCID_OFF_SLOT], 1);
	KUNIT_EXPECT_TRUE(test, s[0].present);
	KUNIT_EXPECT_TRUE(test, s[1].present);

	ccid_notify(&f->dev, hw_error, sizeof(hw_error));
	ccid_notify(&f->dev, hw_error, 2);
	ccid_notify(&f->dev, unknown, sizeof(unknown));
	ccid_notify(&f->dev, msg, 0);
	KUNIT_EXPECT_TRUE(test, s[0].present);

	ccid_notify_stop(&f->dev);
	msg[1] = 0x0a;
	ccid_notify(&f->dev, msg, 2);
	KUNIT_EXPECT_TRUE(test, s[0].present);
	KUNIT_EXPECT_EQ(test, f->n_sent, 2U);
}

static struct kunit_case ccid_msg_test_cases[] = {
	KUNIT_CASE_PARAM(ccid_test_build, build_gen_params),
	KUNIT_CASE(ccid_test_rate_clock),
	KUNIT_CASE_PARAM(ccid_test_status, status_gen_params),
	KUNIT_CASE(ccid_test_errno_set),
	KUNIT_CASE_PARAM(ccid_test_bad_reply, bad_gen_params),
	KUNIT_CASE(ccid_test_phantom_zlp),
	KUNIT_CASE(ccid_test_unexpected_seq),
	KUNIT_CASE(ccid_test_unsynced),
	KUNIT_CASE(ccid_test_rest_of_long_transfer),
	KUNIT_CASE(ccid_test_timeout),
	KUNIT_CASE(ccid_test_gone),
	KUNIT_CASE(ccid_test_too_long),
	KUNIT_CASE(ccid_test_time_ext),
	KUNIT_CASE_PARAM(ccid_test_time_ext_bound, ext_gen_params),
	KUNIT_CASE(ccid_test_budget),
	KUNIT_CASE(ccid_test_budget_ms),
	KUNIT_CASE(ccid_test_wait_killable),
	KUNIT_CASE(ccid_test_wait_turn),
	KUNIT_CASE(ccid_test_chain_out),
	KUNIT_CASE(ccid_test_chain_in),
	KUNIT_CASE_PARAM(ccid_test_chain_bad, chain_gen_params),
	KUNIT_CASE(ccid_test_short_apdu),
	KUNIT_CASE(ccid_test_notify),
	{}
};

struct kunit_suite ccid_msg_test_suite = {
	.name = "scard_ccid_msg",
	.suite_init = ccid_suite_init,
	.suite_exit = ccid_suite_exit,
	.init = ccid_test_init,
	.exit = ccid_test_exit,
	.test_cases = ccid_msg_test_cases,
};
