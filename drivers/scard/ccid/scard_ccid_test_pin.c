// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the CCID PIN pad: which readers are PIN pads, the
 * PC_to_RDR_Secure built from the PC/SC part 10 structures, the T=1
 * framing at TPDU level, the waits, and the replies a reader may send:
 * the card's answer, a timeout, a cancel, a refusal, a malicious block.
 */

#include <kunit/test.h>
#include <linux/scard.h>
#include <linux/string.h>

#include "../compat.h"
#include "scard_ccid_test.h"

#define LEVEL_SHORT_APDU	0x000204fe
#define LEVEL_TPDU		0x000104fe
#define LEVEL_CHAR		0x000004fe

#define VERIFY	SCARD_VENDOR_FEATURE(SCARD_FEATURE_VERIFY_PIN_DIRECT)
#define MODIFY	SCARD_VENDOR_FEATURE(SCARD_FEATURE_MODIFY_PIN_DIRECT)

/* OpenSC's VERIFY for PIN 1: ASCII, left justified, 8-byte block. */
static const u8 verify_in[] = {
	0x1e, 0x00, 0x82, 0x08, 0x00, 0x08, 0x04, 0x02, 0x01, 0x09, 0x04,
	0x00, 0x00, 0x00, 0x00,	13, 0, 0, 0,
	0x00, 0x20, 0x00, 0x01, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff,
};

/* abData of its Secure: no bTimerOut2, no ulDataLength. */
static const u8 verify_secure[] = {
	0x00, 0x1e, 0x82, 0x08, 0x00, 0x08, 0x04, 0x02, 0x01, 0x09, 0x04,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 0x00, 0x01, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff,
};

/* CHANGE REFERENCE DATA, both PINs typed, the new one twice. */
static const u8 modify_in[] = {
	0x0a, 0x00, 0x82, 0x08, 0x00, 0x00, 0x08, 0x08, 0x04, 0x03, 0x02,
	0x03, 0x09, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 21, 0, 0, 0,
	0x00, 0x24, 0x00, 0x01, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static const u8 sw_ok[] = { 0x90, 0x00 };

/* One slot with a card, @features, @pin_support; registered. */
static struct scard_reader *pin_reader(struct kunit *test, u32 features,
				       u8 pin_support, u32 protocols)
{
	struct ccid_fake *f = test->priv;
	struct ccid_desc *d = &f->dev.desc;

	d->features = features;
	d->max_msg_len = 271;
	d->protocols = protocols;
	d->default_clock = 4000;
	d->maximum_clock = 4000;
	d->data_rate = 9600;
	d->max_data_rate = 9600;
	d->max_ifsd = 254;
	d->pin_support = pin_support;
	d->lcd_layout = 0x0210;
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 0, 0x00, 0, 0, NULL, 0);
	KUNIT_ASSERT_EQ(test, ccid_dev_register(&f->dev), 0);
	f->registered = true;

	return f->dev.slots[0].reader;
}

static int pin_call(struct scard_reader *r, u32 code, const u8 *in,
		    size_t len, u8 *out, size_t *out_len)
{
	struct scard_request req = {
		.major = SCARD_FN_VENDOR,
		.minor = code,
		.send = in,
		.send_len = len,
		.recv = out,
		.recv_size = 258,
	};
	int ret;

	ret = r->reader_function[RDF_PIN_ENTRY](r, &req);
	*out_len = req.recv_len;

	return ret;
}

/* bPINSupport makes a PIN pad, but never at character level. */
static void ccid_test_pin_caps(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	struct scard_reader *r;

	r = pin_reader(test, LEVEL_SHORT_APDU, 0x03, CCID_PROTOCOL_T0);
	KUNIT_EXPECT_EQ(test, r->caps.pin, SCARD_PIN_VERIFY | SCARD_PIN_MODIFY);
	KUNIT_EXPECT_EQ(test, r->caps.lcd_layout, 0x0210);
	KUNIT_EXPECT_TRUE(test, r->reader_function[RDF_PIN_ENTRY] ==
			  ccid_pin_entry);
	ccid_dev_unregister(&f->dev);
	f->registered = false;

	memset(&f->dev.desc, 0, sizeof(f->dev.desc));
	r = pin_reader(test, LEVEL_TPDU, 0x00, CCID_PROTOCOL_T0);
	KUNIT_EXPECT_EQ(test, r->caps.pin, 0U);
	KUNIT_EXPECT_NULL(test, r->reader_function[RDF_PIN_ENTRY]);
	ccid_dev_unregister(&f->dev);
	f->registered = false;

	memset(&f->dev.desc, 0, sizeof(f->dev.desc));
	r = pin_reader(test, LEVEL_CHAR, 0x03, CCID_PROTOCOL_T0);
	KUNIT_EXPECT_EQ(test, r->caps.pin, 0U);
	KUNIT_EXPECT_NULL(test, r->reader_function[RDF_PIN_ENTRY]);
}

/* Verify and modify at APDU level: the message, the wait, the answer. */
static void ccid_test_pin_apdu(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const u8 rsp[] = { 0x63, 0xc2 };
	struct scard_reader *r;
	u8 out[258];
	size_t len;

	r = pin_reader(test, LEVEL_SHORT_APDU, 0x03, CCID_PROTOCOL_T0);

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 1, 0, 0, 0, rsp, 2);
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), 0);
	KUNIT_ASSERT_EQ(test, f->n_sent, 2U);
	KUNIT_EXPECT_EQ(test, f->sent[1][CCID_OFF_TYPE], CCID_PC_SECURE);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(f->sent[1] + CCID_OFF_LEN),
			sizeof(verify_secure));
	KUNIT_EXPECT_EQ(test, f->sent[1][CCID_OFF_P1], 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(f->sent[1] + CCID_OFF_P2), 0);
	EXPECT_BYTES(test, f->sent[1] + CCID_HDR_LEN, verify_secure,
		     sizeof(verify_secure));
	KUNIT_EXPECT_EQ(test, len, 2U);
	EXPECT_BYTES(test, out, rsp, 2);
	/* 30 s for the user, and the card's time on top. */
	KUNIT_EXPECT_GE(test, f->recv_ms[f->n_recv - 1], 30000U);
	KUNIT_EXPECT_LE(test, f->recv_ms[f->n_recv - 1], 30000U + 62000U);

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 2, 0, 0, 0, sw_ok, 2);
	KUNIT_EXPECT_EQ(test, pin_call(r, MODIFY, modify_in, sizeof(modify_in),
				       out, &len), 0);
	KUNIT_ASSERT_EQ(test, f->n_sent, 3U);
	KUNIT_EXPECT_EQ(test, f->sent[2][CCID_HDR_LEN], 1);
	KUNIT_EXPECT_EQ(test, f->sent[2][CCID_HDR_LEN + 1], 0x0a);
	/* bmFormatString to bTeoPrologue, then the APDU. */
	EXPECT_BYTES(test, f->sent[2] + CCID_HDR_LEN + 2, modify_in + 2, 18);
	EXPECT_BYTES(test, f->sent[2] + CCID_HDR_LEN + 20, modify_in + 24, 21);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(f->sent[2] + CCID_OFF_LEN),
			2U + 18 + 21);
	/* Three entries of 10 s each. */
	KUNIT_EXPECT_GE(test, f->recv_ms[f->n_recv - 1], 30000U);
	KUNIT_EXPECT_EQ(test, len, 2U);
}

struct pin_error_case {
	const char *name;
	u8 status;
	u8 error;
	int ret;
	u8 sw2;		/* 64 xx when ret is 0 */
};

static const struct pin_error_case pin_error_cases[] = {
	{ "nobody typed", 0x40, CCID_ERR_PIN_TIMEOUT, 0, 0x00 },
	{ "user cancelled", 0x40, CCID_ERR_PIN_CANCELLED, 0, 0x01 },
	{ "not supported", 0x40, CCID_ERR_CMD_NOT_SUPPORTED, -EOPNOTSUPP, 0 },
	{ "bad parameter", 0x40, 0x05, -EIO, 0 },
	{ "card mute", 0x40, CCID_ERR_ICC_MUTE, -ETIMEDOUT, 0 },
	{ "aborted", 0x40, CCID_ERR_CMD_ABORTED, -ECANCELED, 0 },
	{ "card gone", 0x42, CCID_ERR_PIN_TIMEOUT, -ENOMEDIUM, 0 },
};

static void pin_error_desc(const struct pin_error_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pin_error, pin_error_cases, pin_error_desc);

static void ccid_test_pin_error(struct kunit *test)
{
	const struct pin_error_case *c = test->param_value;
	struct ccid_fake *f = test->priv;
	struct scard_reader *r;
	u8 out[258];
	size_t len;

	r = pin_reader(test, LEVEL_SHORT_APDU, 0x01, CCID_PROTOCOL_T0);
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 1, c->status, c->error, 0,
			NULL, 0);
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), c->ret);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);
	if (c->ret) {
		KUNIT_EXPECT_EQ(test, len, 0U);
		return;
	}
	KUNIT_ASSERT_EQ(test, len, 2U);
	KUNIT_EXPECT_EQ(test, out[0], 0x64);
	KUNIT_EXPECT_EQ(test, out[1], c->sw2);
}

/* No reply at all: the wait ends, and the reader is told to stop. */
static void ccid_test_pin_silent(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	struct scard_reader *r;
	u8 out[258];
	size_t len;

	r = pin_reader(test, LEVEL_SHORT_APDU, 0x01, CCID_PROTOCOL_T0);
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, f->n_abort, 1U);
	KUNIT_EXPECT_EQ(test, len, 0U);
}

/* A PIN pad asks for time while the user types, more than a card may. */
static void ccid_test_pin_time_ext(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	struct scard_reader *r;
	unsigned int i;
	u8 out[258];
	size_t len;

	r = pin_reader(test, LEVEL_SHORT_APDU, 0x01, CCID_PROTOCOL_T0);
	for (i = 0; i < CCID_TIME_EXT_MAX + 6; i++)
		ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 1, 0x80, 1, 0, NULL,
				0);
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 1, 0, 0, 0, sw_ok, 2);
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2U);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);
}

/*
 * TPDU level with T=1: the prologue carries the library's sequence
 * number, the card's I-block is checked and unwrapped, and a block that
 * is not the expected one fails and leaves the link to resynchronise.
 */
static void ccid_test_pin_t1(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	/* T=1 only, IFSC 32, BWI 4, LRC */
	static const u8 atr[] = { 0x3b, 0x80, 0x81, 0x31, 0x20, 0x45, 0x55 };
	static const u8 blk0[] = { 0x00, 0x00, 0x02, 0x90, 0x00, 0x92 };
	static const u8 blk1[] = { 0x00, 0x40, 0x02, 0x63, 0xc1, 0xe0 };
	static const u8 r_blk[] = { 0x00, 0x81, 0x00, 0x81 };
	struct scard_reader *r;
	u8 out[258];
	size_t len;

	r = pin_reader(test, LEVEL_TPDU, 0x01, CCID_PROTOCOL_T1);
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&r->card, atr, sizeof(atr)), 0);
	r->card.selected = SCARD_PROTO_T1;

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 1, 0, 0, 0, blk0,
			sizeof(blk0));
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), 0);
	KUNIT_ASSERT_EQ(test, f->n_sent, 2U);
	/* bTeoPrologue: NAD 0, PCB I(0), LEN 0 */
	EXPECT_BYTES(test, f->sent[1] + CCID_HDR_LEN + 12, "\0\0\0", 3);
	KUNIT_EXPECT_EQ(test, len, 2U);
	EXPECT_BYTES(test, out, sw_ok, 2);

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 2, 0, 0, 0, blk1,
			sizeof(blk1));
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), 0);
	KUNIT_EXPECT_EQ(test, f->sent[2][CCID_HDR_LEN + 13], 0x40);
	KUNIT_EXPECT_EQ(test, out[0], 0x63);

	/* An R-block where the card's I-block should be. */
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 3, 0, 0, 0, r_blk,
			sizeof(r_blk));
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), -EPROTO);
	KUNIT_EXPECT_EQ(test, len, 0U);
	/* The sequence numbers are lost: resynchronise first. */
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), -EPROTO);
	KUNIT_EXPECT_EQ(test, f->n_sent, 4U);
}

/* A reply that would not fit, and one with a bad EDC. */
static void ccid_test_pin_malicious(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const u8 atr[] = { 0x3b, 0x80, 0x81, 0x31, 0x20, 0x45, 0x55 };
	static const u8 bad_edc[] = { 0x00, 0x00, 0x02, 0x90, 0x00, 0x00 };
	static const u8 long_len[] = { 0x00, 0x00, 0xfe, 0x90, 0x00, 0x6e };
	u8 big[100], out[258];
	struct scard_reader *r;
	size_t len;

	r = pin_reader(test, LEVEL_SHORT_APDU, 0x01, CCID_PROTOCOL_T0);
	memset(big, 0x55, sizeof(big));
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 1, 0, 0, 0, big,
			sizeof(big));
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(big));
	ccid_dev_unregister(&f->dev);
	f->registered = false;

	memset(&f->dev.desc, 0, sizeof(f->dev.desc));
	r = pin_reader(test, LEVEL_TPDU, 0x01, CCID_PROTOCOL_T1);
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&r->card, atr, sizeof(atr)), 0);
	r->card.selected = SCARD_PROTO_T1;
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 1, 0, 0, 0, bad_edc,
			sizeof(bad_edc));
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), -EPROTO);
	r->t1_ready = false;
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 2, 0, 0, 0, long_len,
			sizeof(long_len));
	KUNIT_EXPECT_EQ(test, pin_call(r, VERIFY, verify_in, sizeof(verify_in),
				       out, &len), -EPROTO);
	KUNIT_EXPECT_EQ(test, len, 0U);
}

static struct kunit_case ccid_pin_test_cases[] = {
	KUNIT_CASE(ccid_test_pin_caps),
	KUNIT_CASE(ccid_test_pin_apdu),
	KUNIT_CASE_PARAM(ccid_test_pin_error, pin_error_gen_params),
	KUNIT_CASE(ccid_test_pin_silent),
	KUNIT_CASE(ccid_test_pin_time_ext),
	KUNIT_CASE(ccid_test_pin_t1),
	KUNIT_CASE(ccid_test_pin_malicious),
	{}
};

struct kunit_suite ccid_pin_test_suite = {
	.name = "scard_ccid_pin",
	.suite_init = ccid_suite_init,
	.suite_exit = ccid_suite_exit,
	.init = ccid_test_init,
	.exit = ccid_test_exit,
	.test_cases = ccid_pin_test_cases,
};
