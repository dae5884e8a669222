// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the PC/SC part 10 features the library serves through
 * SCARD_IOC_VENDOR: the feature list of a PIN pad and of a plain reader,
 * the properties, the checks of a PIN entry and its way to the driver.
 */

#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../compat.h"
#include "scard_core_test.h"

#define VERIFY	SCARD_VENDOR_FEATURE(SCARD_FEATURE_VERIFY_PIN_DIRECT)
#define MODIFY	SCARD_VENDOR_FEATURE(SCARD_FEATURE_MODIFY_PIN_DIRECT)
#define PIN_PROPS SCARD_VENDOR_FEATURE(SCARD_FEATURE_IFD_PIN_PROPERTIES)
#define TLV_PROPS SCARD_VENDOR_FEATURE(SCARD_FEATURE_GET_TLV_PROPERTIES)

#define EXPECT_OUT(test, got, want, len)				\
do {									\
	const void *__got = (got), *__want = (want);			\
	int __len = (len);						\
									\
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(__got, __want, __len),	\
			      "got %*ph, want %*ph", __len, __got,	\
			      __len, __want);				\
} while (0)

static int feature(struct fake *f, u32 code, const u8 *in, u32 in_len,
		   u8 *out, u32 *out_len)
{
	struct scard_vendor v = {
		.code = code,
		.in_len = in_len,
		.out_len = *out_len,
	};
	int ret;

	ret = scard_vendor(f->reader, &v, in, out);
	*out_len = v.out_len;

	return ret;
}

/* A PIN pad lists its PIN features; the codes are big endian. */
static void test_feature_list(struct kunit *test)
{
	static const u8 pinpad[] = {
		0x06, 4, 0, 0, 0x0d, 0x4e, 0x07, 4, 0, 0, 0x0d, 0x4f,
		0x0a, 4, 0, 0, 0x0d, 0x52, 0x12, 4, 0, 0, 0x0d, 0x5a,
	};
	struct fake *f = test->priv;
	u8 out[32];
	u32 len = sizeof(out);

	KUNIT_EXPECT_EQ(test, feature(f, 3400, NULL, 0, out, &len), 0);
	KUNIT_ASSERT_EQ(test, len, (u32)sizeof(pinpad));
	EXPECT_OUT(test, out, pinpad, sizeof(pinpad));

	/* Too small: nothing, and the size needed. */
	len = 23;
	KUNIT_EXPECT_EQ(test, feature(f, 3400, NULL, 0, out, &len), -ENOSPC);
	KUNIT_EXPECT_EQ(test, len, 24U);
	/* The request takes no input. */
	len = sizeof(out);
	KUNIT_EXPECT_EQ(test, feature(f, 3400, out, 1, out, &len), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_IOCTL_VENDOR], 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_PIN_ENTRY], 0);

	/* Without RDF_PIN_ENTRY, no PIN pad whatever the caps say. */
	scard_fake_reinit(f, BIT(RDF_PIN_ENTRY), false);
	len = sizeof(out);
	KUNIT_EXPECT_EQ(test, feature(f, 3400, NULL, 0, out, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 6U);
	EXPECT_OUT(test, out, pinpad + 18, 6);
	len = sizeof(out);
	KUNIT_EXPECT_EQ(test, feature(f, PIN_PROPS, NULL, 0, out, &len),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, feature(f, VERIFY, NULL, 0, out, &len),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_IOCTL_VENDOR], 0);
}

static void test_feature_properties(struct kunit *test)
{
	static const u8 tlv[] = {
		0x01, 2, 0x10, 0x02, 0x02, 1, 0x02, 0x03, 1, 0x00,
		0x06, 1, 4, 0x07, 1, 8, 0x0a, 4, 0xff, 0xff, 0x00, 0x00,
	};
	static const u8 props[] = { 0x10, 0x02, 0x02, 0x00 };
	struct fake *f = test->priv;
	u8 out[32];
	u32 len = sizeof(out);

	KUNIT_EXPECT_EQ(test, feature(f, TLV_PROPS, NULL, 0, out, &len), 0);
	KUNIT_ASSERT_EQ(test, len, (u32)sizeof(tlv));
	EXPECT_OUT(test, out, tlv, sizeof(tlv));

	len = sizeof(out);
	KUNIT_EXPECT_EQ(test, feature(f, PIN_PROPS, NULL, 0, out, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 4U);
	EXPECT_OUT(test, out, props, sizeof(props));
	len = 3;
	KUNIT_EXPECT_EQ(test, feature(f, PIN_PROPS, NULL, 0, out, &len),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, len, 4U);

	/* A short APDU reader: dwMaxAPDUDataSize 0, and no PIN pad. */
	scard_fake_reinit(f, BIT(RDF_PIN_ENTRY), false);
	f->reader->caps.max_apdu = SCARD_SHORT_APDU_MAX;
	len = sizeof(out);
	KUNIT_EXPECT_EQ(test, feature(f, TLV_PROPS, NULL, 0, out, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 6U);
	EXPECT_OUT(test, out, "\x0a\x04\0\0\0\0", 6);
}

/* Verify: OpenSC's structure for a 4 to 8 digit PIN, ASCII, 8 bytes. */
static const u8 verify_in[] = {
	0x1e, 0x00, 0x82, 0x08, 0x00, 0x08, 0x04, 0x02, 0x01, 0x09, 0x04,
	0x00, 0x00, 0x00, 0x00, 13, 0, 0, 0,
	0x00, 0x20, 0x00, 0x01, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff,
};

struct pin_case {
	const char *name;
	u32 code;
	int at;		/* byte changed, -1: none */
	u8 val;
	int len;	/* input length, 0: all of it */
	int ret;
};

static const struct pin_case pin_cases[] = {
	{ "good", VERIFY, -1, 0, 0, 0 },
	{ "header only", VERIFY, -1, 0, 19, -EINVAL },
	{ "APDU of 3 bytes", VERIFY, 15, 3, 22, -EINVAL },
	{ "ulDataLength too long", VERIFY, 15, 14, 0, -EINVAL },
	{ "ulDataLength too short", VERIFY, 15, 12, 0, -EINVAL },
	{ "ulDataLength 4 GB", VERIFY, 18, 0xff, 0, -EINVAL },
	{ "validation 0", VERIFY, 7, 0, 0, -EINVAL },
	{ "validation 8", VERIFY, 7, 8, 0, -EINVAL },
	{ "validation 7", VERIFY, 7, 7, 0, 0 },
	{ "4 messages", VERIFY, 8, 4, 0, -EINVAL },
	{ "default messages", VERIFY, 8, 0xff, 0, 0 },
	{ "modify with a verify structure", MODIFY, -1, 0, 0, -EINVAL },
};

static void pin_desc(const struct pin_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pin, pin_cases, pin_desc);

static void test_pin_check(struct kunit *test)
{
	const struct pin_case *c = test->param_value;
	u8 in[sizeof(verify_in)];

	memcpy(in, verify_in, sizeof(in));
	if (c->at >= 0)
		in[c->at] = c->val;
	KUNIT_EXPECT_EQ(test, scard_pin_check(c->code, in,
					      c->len ?: sizeof(in)), c->ret);
}

/* An APDU longer than a short one is refused before the driver. */
static void test_pin_long_apdu(struct kunit *test)
{
	size_t len = sizeof(struct scard_pin_verify) + SCARD_SHORT_APDU_MAX + 1;
	struct scard_pin_verify *v;
	u8 *in;

	in = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	v = (struct scard_pin_verify *)in;
	v->entry_validation = 2;
	put_unaligned_le32(SCARD_SHORT_APDU_MAX + 1, v->data_length);
	KUNIT_EXPECT_EQ(test, scard_pin_check(VERIFY, in, len), -EMSGSIZE);
	put_unaligned_le32(SCARD_SHORT_APDU_MAX, v->data_length);
	KUNIT_EXPECT_EQ(test, scard_pin_check(VERIFY, in, len - 1), 0);
}

/* The entry reaches the driver only with a protocol selected. */
static void test_pin_entry(struct kunit *test)
{
	struct fake *f = test->priv;
	u8 out[8];
	u32 len = sizeof(out);

	scard_fake_setup(f, S_ABSENT);
	KUNIT_EXPECT_EQ(test, feature(f, VERIFY, verify_in, sizeof(verify_in),
				      out, &len), -ENOMEDIUM);
	scard_fake_setup(f, S_T0);
	KUNIT_EXPECT_EQ(test, feature(f, VERIFY, verify_in, sizeof(verify_in),
				      out, &len), -EBADFD);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_PIN_ENTRY], 0);

	scard_fake_setup(f, S_T1);
	f->reply_len = 2;
	KUNIT_EXPECT_EQ(test, feature(f, VERIFY, verify_in, sizeof(verify_in),
				      out, &len), 0);
	KUNIT_ASSERT_EQ(test, f->calls[RDF_PIN_ENTRY], 1);
	KUNIT_EXPECT_EQ(test, f->last.major, SCARD_FN_VENDOR);
	KUNIT_EXPECT_EQ(test, f->last.minor, VERIFY);
	KUNIT_EXPECT_EQ(test, f->last.send_len, sizeof(verify_in));
	KUNIT_EXPECT_EQ(test, f->last.recv_size, 258);
	EXPECT_OUT(test, f->sent, verify_in, sizeof(f->sent));
	KUNIT_EXPECT_EQ(test, len, 2U);
	EXPECT_OUT(test, out, scard_fake_reply, 2);

	/* A reply longer than the caller's room: -ENOSPC and the size. */
	f->reply_len = 4;
	len = 3;
	KUNIT_EXPECT_EQ(test, feature(f, VERIFY, verify_in, sizeof(verify_in),
				      out, &len), -ENOSPC);
	KUNIT_EXPECT_EQ(test, len, 4U);

	/* The driver's error goes to the caller. */
	f->ret[RDF_PIN_ENTRY] = -ETIMEDOUT;
	len = sizeof(out);
	KUNIT_EXPECT_EQ(test, feature(f, MODIFY, verify_in, sizeof(verify_in),
				      out, &len), -EINVAL);
	KUNIT_EXPECT_EQ(test, feature(f, VERIFY, verify_in, sizeof(verify_in),
				      out, &len), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_PIN_ENTRY], 3);
}

/*
 * Random structures, most of them nearly right: the checks answer 0,
 * -EINVAL or -EMSGSIZE only, what they accept has the lengths they
 * promise, and it reaches the driver whole. Each input sits in a buffer
 * of its own size, so that KASAN sees a read past it.
 */
static void test_pin_random(struct kunit *test)
{
	struct fake *f = test->priv;
	unsigned int i, accepted = 0;
	struct rnd_state rs;
	size_t len, hdr;
	u8 *in, out[8];
	u32 code, olen;
	int ret;

	prandom_seed_state(&rs, 0x5eed);
	scard_fake_setup(f, S_T1);
	f->reply_len = 2;
	for (i = 0; i < 4000; i++) {
		code = prandom_u32_state(&rs) & 1 ? VERIFY : MODIFY;
		hdr = code == VERIFY ? sizeof(struct scard_pin_verify) :
			sizeof(struct scard_pin_modify);
		len = prandom_u32_state(&rs) % 300;
		in = kmalloc(len ?: 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, in);
		prandom_bytes_state(&rs, in, len);
		if (len >= hdr && (prandom_u32_state(&rs) & 3)) {
			put_unaligned_le32(len - hdr, in + hdr - 4);
			in[code == VERIFY ? 7 : 10] =
				1 + prandom_u32_state(&rs) % 7;
			in[code == VERIFY ? 8 : 11] =
				prandom_u32_state(&rs) % 4;
		}
		ret = scard_pin_check(code, in, len);
		KUNIT_EXPECT_TRUE(test, !ret || ret == -EINVAL ||
				  ret == -EMSGSIZE);
		if (!ret) {
			accepted++;
			KUNIT_EXPECT_GE(test, len, hdr + 4);
			KUNIT_EXPECT_LE(test, len - hdr, SCARD_SHORT_APDU_MAX);
			olen = sizeof(out);
			KUNIT_EXPECT_EQ(test, feature(f, code, in, len, out,
						      &olen), 0);
			KUNIT_EXPECT_EQ(test, f->last.send_len, len);
		}
		kfree(in);
	}
	KUNIT_EXPECT_GT(test, accepted, 1000U);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_PIN_ENTRY], (int)accepted);
}

static struct kunit_case scard_feature_cases[] = {
	KUNIT_CASE(test_feature_list),
	KUNIT_CASE(test_feature_properties),
	KUNIT_CASE_PARAM(test_pin_check, pin_gen_params),
	KUNIT_CASE(test_pin_long_apdu),
	KUNIT_CASE(test_pin_entry),
	KUNIT_CASE(test_pin_random),
	{}
};

static struct kunit_suite scard_feature_suite = {
	.name = "scard_core_features",
	.suite_init = scard_fake_suite_init,
	.suite_exit = scard_fake_suite_exit,
	.init = scard_fake_init,
	.exit = scard_fake_exit,
	.test_cases = scard_feature_cases,
};

kunit_test_suite(scard_feature_suite);
