// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the scard requests that reach the driver: registration,
 * POWER, SET_PROTOCOL, TRANSMIT, EJECT/SWALLOW/CONFISCATE and vendor
 * requests, success and error paths.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "scard_core_test.h"

/* Registration and lifetime */

static const enum scard_rdf mandatory_cases[] = {
	RDF_CARD_POWER, RDF_TRANSMIT, RDF_CARD_TRACKING, RDF_SET_PROTOCOL,
};

static void mandatory_desc(const enum scard_rdf *idx, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "without callback %d", *idx);
}

KUNIT_ARRAY_PARAM(mandatory, mandatory_cases, mandatory_desc);

static void test_register_mandatory(struct kunit *test)
{
	const enum scard_rdf *idx = test->param_value;
	struct scard_reader *reader = scard_reader_alloc(scard_fake_parent);

	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	scard_fake_fill(reader);
	reader->reader_function[*idx] = NULL;
	KUNIT_EXPECT_EQ(test, scard_reader_register(reader), -EINVAL);
	scard_reader_put(reader);
}

static const enum scard_rdf unused_cases[] = {
	RDF_DEBUG_LEVEL, RDF_PIN_ENTRY + 1, RDF_MAX - 1,
};

static void unused_desc(const enum scard_rdf *idx, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "with callback %d", *idx);
}

KUNIT_ARRAY_PARAM(unused, unused_cases, unused_desc);

/* The entries smclib leaves unused stay NULL. */
static void test_register_unused(struct kunit *test)
{
	const enum scard_rdf *idx = test->param_value;
	struct scard_reader *reader = scard_reader_alloc(scard_fake_parent);

	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	scard_fake_fill(reader);
	reader->reader_function[*idx] = scard_fake_vendor;
	KUNIT_EXPECT_EQ(test, scard_reader_register(reader), -EINVAL);
	reader->reader_function[*idx] = NULL;
	KUNIT_EXPECT_EQ(test, scard_reader_register(reader), 0);
	scard_reader_unregister(reader);
	scard_reader_put(reader);
}

/* The table is the one registered: a later write changes nothing. */
static void test_register_copy(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_reader *reader = f->reader;
	struct scard_vendor v = { .code = 3500, .in_len = 3, .out_len = 8 };

	scard_fake_setup(f, S_PRESENT);
	reader->reader_function[RDF_CARD_EJECT] = NULL;
	reader->reader_function[RDF_READER_SWALLOW] = scard_fake_vendor;
	reader->reader_function[RDF_ATR_PARSE] = scard_fake_atr_parse;
	reader->reader_function[RDF_CARD_TRACKING] = NULL;

	KUNIT_EXPECT_EQ(test, scard_mechanical(reader, SCARD_FN_EJECT), 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_EJECT], 1);
	KUNIT_EXPECT_EQ(test, scard_mechanical(reader, SCARD_FN_SWALLOW), 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_READER_SWALLOW], 1);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_IOCTL_VENDOR], 0);
	KUNIT_EXPECT_EQ(test, scard_wait_card(&f->client, SCARD_FN_IS_ABSENT,
					      true), -EAGAIN);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_TRACKING], 1);
	KUNIT_EXPECT_EQ(test, scard_vendor(reader, &v, scard_fake_cmd,
					   f->recv), 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_IOCTL_VENDOR], 1);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_ATR_PARSE], 0);
	KUNIT_EXPECT_FALSE(test, scard_reader_has(reader, RDF_ATR_PARSE));

	/* Put back, so that the log shows only what the test did. */
	memcpy(reader->reader_function, reader->fn,
	       sizeof(reader->reader_function));
}

static void test_lifetime(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_reader *reader = f->reader;
	struct scard_client other = {};
	struct scard_perf perf = { .tag = SCARD_PERF_NUM_TRANSMISSIONS + 4 };
	struct scard_last_error err;
	struct scard_state st;

	KUNIT_EXPECT_EQ(test, strncmp(reader->name, "scard", 5), 0);
	KUNIT_EXPECT_NOT_NULL(test, reader->misc.this_device);
	KUNIT_EXPECT_EQ(test, kref_read(&reader->kref), 2);

	scard_reader_unregister(reader);
	KUNIT_EXPECT_EQ(test, kref_read(&reader->kref), 2);
	KUNIT_EXPECT_EQ(test, scard_client_open(&other, reader, false),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, scard_get_card_state(&f->client, &st), -ENODEV);
	KUNIT_EXPECT_EQ(test, scard_get_last_error(reader, &err), -ENODEV);
	/* Arguments are checked first, also on an unplugged reader. */
	KUNIT_EXPECT_EQ(test, scard_get_perf(reader, &perf), -EINVAL);
	perf.tag = SCARD_PERF_NUM_TRANSMISSIONS;
	KUNIT_EXPECT_EQ(test, scard_get_perf(reader, &perf), -ENODEV);
	KUNIT_EXPECT_EQ(test, fake_poll(&f->client),
			POLL_GONE);
	KUNIT_EXPECT_EQ(test, scard_fake_do_power(f), -ENODEV);
	KUNIT_EXPECT_EQ(test, scard_mechanical(reader, SCARD_FN_EJECT),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_POWER], 0);
}

/* POWER */

struct power_case {
	const char *name;
	enum scard_fake_setup setup;
	u32 disposition;
	u8 reserved;
	const u8 *atr;
	size_t atr_len;
	int drv_ret;
	int ret;
	unsigned int state;
	u32 protocol;
	int calls;
};

static const struct power_case power_cases[] = {
	{ "cold T=0", S_PRESENT, SCARD_COLD_RESET, 0, scard_atr_t0,
	  sizeof(scard_atr_t0), 0, 0, SCARD_CARD_NEGOTIABLE, 0, 1 },
	{ "warm TA2", S_T0, SCARD_WARM_RESET, 0, scard_atr_ta2,
	  sizeof(scard_atr_ta2), 0, 0, SCARD_CARD_SPECIFIC, SCARD_PROTO_T1, 1 },
	{ "unparsable", S_PRESENT, SCARD_COLD_RESET, 0, scard_atr_bad,
	  sizeof(scard_atr_bad), 0, 0, SCARD_CARD_POWERED, 0, 1 },
	{ "down", S_T1, SCARD_POWER_DOWN, 0, NULL, 0, 0, 0,
	  SCARD_CARD_SWALLOWED, 0, 1 },
	{ "no ATR", S_PRESENT, SCARD_COLD_RESET, 0, NULL, 0, 0, -EIO,
	  SCARD_CARD_PRESENT, 0, 1 },
	{ "timeout", S_T1, SCARD_COLD_RESET, 0, NULL, 0, -ETIMEDOUT,
	  -ETIMEDOUT, SCARD_CARD_SWALLOWED, 0, 1 },
	{ "absent", S_ABSENT, SCARD_COLD_RESET, 0, NULL, 0, 0,
	  -ENOMEDIUM, SCARD_CARD_ABSENT, 0, 0 },
	{ "unknown", S_UNKNOWN, SCARD_COLD_RESET, 0, NULL, 0, 0,
	  -ENOMEDIUM, SCARD_CARD_UNKNOWN, 0, 0 },
	{ "bad disposition", S_PRESENT, 3, 0, NULL, 0, 0, -EINVAL,
	  SCARD_CARD_PRESENT, 0, 0 },
	{ "reserved", S_PRESENT, SCARD_COLD_RESET, 1, NULL, 0, 0,
	  -EINVAL, SCARD_CARD_PRESENT, 0, 0 },
};

static void power_desc(const struct power_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(power, power_cases, power_desc);

static void test_power(struct kunit *test)
{
	const struct power_case *c = test->param_value;
	struct fake *f = test->priv;
	struct scard_power p = { .disposition = c->disposition };
	int ret;

	scard_fake_setup(f, c->setup);
	p.reserved[6] = c->reserved;
	f->atr = c->atr;
	f->atr_len = c->atr_len;
	f->ret[RDF_CARD_POWER] = c->drv_ret;

	ret = scard_power(f->reader, &p);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_POWER], c->calls);
	scard_fake_expect_state(f, c->state, c->protocol);
	if (c->calls)
		KUNIT_EXPECT_EQ(test, f->last.minor, c->disposition);
	if (!ret) {
		KUNIT_EXPECT_EQ(test, p.atr_len, c->atr_len);
		KUNIT_EXPECT_EQ(test, memcmp(p.atr, c->atr, p.atr_len), 0);
	}
}

/* SET_PROTOCOL */

struct proto_case {
	const char *name;
	enum scard_fake_setup setup;
	u32 mask;
	u32 reader_protocols;
	bool atr_parse;
	u32 parse_protocols;
	int drv_ret;
	int ret;
	u32 selected;
	unsigned int state;
	int calls;
	int parse_calls;
};

static const struct proto_case proto_cases[] = {
	{ "T=1 preferred", S_T01, TX, 0, false, 0, 0, 0, T1,
	  SCARD_CARD_SPECIFIC, 1, 0 },
	{ "T=0 asked", S_T01, T0, 0, false, 0, 0, 0, T0, SCARD_CARD_SPECIFIC, 1, 0 },
	{ "default", S_T01, T1 | DFLT, 0, false, 0, 0, 0, T1,
	  SCARD_CARD_SPECIFIC, 1, 0 },
	{ "card lacks T=1", S_T0, T1, 0, false, 0, 0, -EOPNOTSUPP, 0,
	  SCARD_CARD_NEGOTIABLE, 0, 0 },
	{ "reader lacks T=1", S_T01, T1, T0, false, 0, 0, -EOPNOTSUPP, 0,
	  SCARD_CARD_NEGOTIABLE, 0, 0 },
	{ "PPS fails", S_T01, TX, 0, false, 0, -EPROTO, -EPROTO, 0,
	  SCARD_CARD_NEGOTIABLE, 1, 0 },
	{ "already specific", S_T1, TX, 0, false, 0, 0, 0, T1,
	  SCARD_CARD_SPECIFIC, 0, 0 },
	{ "raw, no parser", S_T01, RAW, 0, false, 0, 0, -EOPNOTSUPP, 0,
	  SCARD_CARD_NEGOTIABLE, 0, 0 },
	{ "raw, driver parses", S_T01, RAW, 0, true, RAW, 0, 0, RAW,
	  SCARD_CARD_SPECIFIC, 1, 1 },
	{ "bad ATR", S_POWERED, T1, 0, false, 0, 0, -EMEDIUMTYPE, 0,
	  SCARD_CARD_POWERED, 0, 0 },
	{ "bad ATR, driver parses", S_POWERED, T1, 0, true, T1, 0, 0, T1,
	  SCARD_CARD_SPECIFIC, 1, 1 },
	{ "not reset", S_PRESENT, T1, 0, false, 0, 0, -EBADFD, 0,
	  SCARD_CARD_PRESENT, 0, 0 },
	{ "absent", S_ABSENT, T1, 0, false, 0, 0, -ENOMEDIUM, 0,
	  SCARD_CARD_ABSENT, 0, 0 },
	{ "no protocol", S_T01, DFLT, 0, false, 0, 0, -EINVAL, 0,
	  SCARD_CARD_NEGOTIABLE, 0, 0 },
	{ "unknown bit", S_T01, T1 | 0x100, 0, false, 0, 0, -EINVAL, 0,
	  SCARD_CARD_NEGOTIABLE, 0, 0 },
};

static void proto_desc(const struct proto_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(proto, proto_cases, proto_desc);

static void test_set_protocol(struct kunit *test)
{
	const struct proto_case *c = test->param_value;
	struct fake *f = test->priv;
	struct scard_protocol p = { .mask = c->mask };
	int ret;

	if (c->atr_parse)
		scard_fake_reinit(f, 0, true);
	scard_fake_setup(f, c->setup);
	if (c->reader_protocols)
		f->reader->caps.protocols = c->reader_protocols;
	f->parse_protocols = c->parse_protocols;
	f->ret[RDF_SET_PROTOCOL] = c->drv_ret;

	ret = scard_set_protocol(f->reader, &p);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (!ret)
		KUNIT_EXPECT_EQ(test, p.selected, c->selected);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_SET_PROTOCOL], c->calls);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_ATR_PARSE], c->parse_calls);
	scard_fake_expect_state(f, c->state, ret ? 0 : c->selected);
	KUNIT_EXPECT_EQ(test, f->reader->card.selected, ret ? 0 : c->selected);
	if (c->calls) {
		KUNIT_EXPECT_EQ(test, f->last.major, SCARD_FN_SET_PROTOCOL);
		KUNIT_EXPECT_EQ(test, f->last.flags, c->mask & DFLT);
	}
}

/*
 * Another protocol than the one selected needs a reset, which SET_PROTOCOL
 * leaves to the caller, on every reader level: -EBADFD, nothing changed.
 */
static void test_set_protocol_switch(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_protocol p = { .mask = T1 };
	struct scard_transmit x = {
		.protocol = T1,
		.send_len = sizeof(scard_fake_cmd),
		.recv_len = sizeof(f->recv),
	};

	scard_fake_setup(f, S_T01);
	KUNIT_ASSERT_EQ(test, scard_set_protocol(f->reader, &p), 0);
	p.mask = T0 | DFLT;
	KUNIT_EXPECT_EQ(test, scard_set_protocol(f->reader, &p), -EBADFD);
	scard_fake_expect_state(f, SCARD_CARD_SPECIFIC, T1);
	KUNIT_EXPECT_EQ(test, f->reader->card.selected, T1);
	p.mask = TX;
	KUNIT_EXPECT_EQ(test, scard_set_protocol(f->reader, &p), 0);
	KUNIT_EXPECT_EQ(test, p.selected, T1);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_SET_PROTOCOL], 1);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_POWER], 0);
	f->reply_len = 2;
	KUNIT_EXPECT_EQ(test, scard_fake_xfer(f, &x), 0);

	/* After POWER the card may take the other one. */
	KUNIT_ASSERT_EQ(test, scard_fake_do_power(f), 0);
	p.mask = T0;
	KUNIT_EXPECT_EQ(test, scard_set_protocol(f->reader, &p), 0);
	scard_fake_expect_state(f, SCARD_CARD_SPECIFIC, T0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_SET_PROTOCOL], 2);

	/* A card fixed by TA2 stays with its protocol. */
	scard_fake_setup(f, S_T1);
	KUNIT_EXPECT_EQ(test, scard_set_protocol(f->reader, &p), -EBADFD);
	scard_fake_expect_state(f, SCARD_CARD_SPECIFIC, T1);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_SET_PROTOCOL], 0);
}

/* TRANSMIT */

struct xfer_case {
	const char *name;
	enum scard_fake_setup setup;
	u32 protocol;
	u32 flags;
	u32 send_len;
	u8 reserved;
	u32 recv_len;
	size_t reply_len;
	int drv_ret;
	int ret;
	u32 out_len;
};

static const struct xfer_case xfer_cases[] = {
	{ "ok", S_T1, T1, 0, 5, 0, 8, 2, 0, 0, 2 },
	{ "apdu flag", S_T1, T1, SCARD_TRANSMIT_APDU, 5, 0, 8, 4, 0,
	  0, 4 },
	{ "exact fit", S_T1, T1, 0, 5, 0, 2, 2, 0, 0, 2 },
	{ "too small", S_T1, T1, 0, 5, 0, 1, 2, 0, -ENOSPC, 2 },
	{ "reply overflow", S_T1, T1, 0, 5, 0, 8, SCARD_MAX_RECV + 1,
	  0, -EIO, 8 },
	{ "bad flags", S_T1, T1, 2, 5, 0, 8, 2, 0, -EINVAL, 8 },
	{ "empty", S_T1, T1, 0, 0, 0, 8, 2, 0, -EINVAL, 8 },
	{ "too long", S_T1, T1, 0, SCARD_MAX_SEND + 1, 0, 8, 2, 0,
	  -EMSGSIZE, 8 },
	{ "reserved", S_T1, T1, 0, 5, 1, 8, 2, 0, -EINVAL, 8 },
	{ "wrong protocol", S_T1, T0, 0, 5, 0, 8, 2, 0, -EBADFD, 8 },
	{ "not specific", S_T01, T1, 0, 5, 0, 8, 2, 0, -EBADFD, 8 },
	{ "absent", S_ABSENT, T1, 0, 5, 0, 8, 2, 0, -ENOMEDIUM, 8 },
	{ "timeout", S_T1, T1, 0, 5, 0, 8, 0, -ETIMEDOUT, -ETIMEDOUT,
	  8 },
	/* A driver's errno reaches user space only from the table. */
	{ "driver EPROTO", S_T1, T1, 0, 5, 0, 8, 0, -EPROTO, -EPROTO,
	  8 },
	{ "driver ENOMEDIUM", S_T1, T1, 0, 5, 0, 8, 0, -ENOMEDIUM,
	  -ENOMEDIUM, 8 },
	{ "driver ENOTTY", S_T1, T1, 0, 5, 0, 8, 0, -ENOTTY,
	  -EOPNOTSUPP, 8 },
	{ "driver ENOSPC", S_T1, T1, 0, 5, 0, 8, 0, -ENOSPC, -EIO, 8 },
	{ "driver EMSGSIZE", S_T1, T1, 0, 5, 0, 8, 0, -EMSGSIZE, -EIO,
	  8 },
	{ "driver EBUSY", S_T1, T1, 0, 5, 0, 8, 0, -EBUSY, -EIO, 8 },
	{ "driver EPIPE", S_T1, T1, 0, 5, 0, 8, 0, -EPIPE, -EIO, 8 },
	{ "driver ECANCELED", S_T1, T1, 0, 5, 0, 8, 0, -ECANCELED,
	  -EIO, 8 },
	{ "driver ESHUTDOWN", S_T1, T1, 0, 5, 0, 8, 0, -ESHUTDOWN,
	  -ENODEV, 8 },
	{ "driver ECONNABORTED", S_T1, T1, 0, 5, 0, 8, 0, -ECONNABORTED,
	  -EPROTO, 8 },
	{ "driver EBADMSG", S_T1, T1, 0, 5, 0, 8, 0, -EBADMSG, -EPROTO, 8 },
};

static void xfer_desc(const struct xfer_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(xfer, xfer_cases, xfer_desc);

static void test_transmit(struct kunit *test)
{
	const struct xfer_case *c = test->param_value;
	struct fake *f = test->priv;
	struct scard_transmit x = {
		.protocol = c->protocol,
		.flags = c->flags,
		.send_len = c->send_len,
		.recv_len = c->recv_len,
		.nad = 0x12,
	};
	int ret;

	scard_fake_setup(f, c->setup);
	x.reserved[0] = c->reserved;
	f->reply_len = c->reply_len;
	f->ret[RDF_TRANSMIT] = c->drv_ret;

	ret = scard_fake_xfer(f, &x);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_EQ(test, x.recv_len, c->out_len);
	if (f->calls[RDF_TRANSMIT]) {
		KUNIT_EXPECT_EQ(test, f->last.send_len, c->send_len);
		KUNIT_EXPECT_EQ(test, memcmp(f->sent, scard_fake_cmd, 5), 0);
		KUNIT_EXPECT_EQ(test, f->last.flags, c->flags);
		KUNIT_EXPECT_EQ(test, f->last.nad, 0x12);
		KUNIT_EXPECT_EQ(test, f->last.recv_size, SCARD_MAX_RECV);
	}
	if (!ret) {
		KUNIT_EXPECT_EQ(test, memcmp(f->recv, scard_fake_reply, x.recv_len),
				0);
		KUNIT_EXPECT_EQ(test, x.nad, 0x21);
	}
}

/* A reader that carries short APDUs only never gets a longer one. */
static void test_transmit_max_apdu(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_transmit x = { .protocol = T1, .recv_len = 8 };
	u8 *cmd = kunit_kzalloc(test, SCARD_SHORT_APDU_MAX + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cmd);
	scard_fake_setup(f, S_T1);
	f->reader->caps.max_apdu = SCARD_SHORT_APDU_MAX;
	f->reply_len = 2;
	x.send_len = SCARD_SHORT_APDU_MAX + 1;
	KUNIT_EXPECT_EQ(test, scard_transmit(f->reader, &x, cmd, f->recv),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_TRANSMIT], 0);
	x.send_len = SCARD_SHORT_APDU_MAX;
	KUNIT_EXPECT_EQ(test, scard_transmit(f->reader, &x, cmd, f->recv), 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_TRANSMIT], 1);
	f->reader->caps.max_apdu = 0;
}

/* EJECT, SWALLOW, CONFISCATE */

struct mech_case {
	const char *name;
	unsigned int fn;
	int idx;
	bool no_cb;
	int drv_ret;
	int ret;
};

static const struct mech_case mech_cases[] = {
	{ "eject", SCARD_FN_EJECT, RDF_CARD_EJECT, false, 0, 0 },
	{ "eject fails", SCARD_FN_EJECT, RDF_CARD_EJECT, false, -EIO, -EIO },
	{ "no eject", SCARD_FN_EJECT, RDF_CARD_EJECT, true, 0, -EOPNOTSUPP },
	{ "swallow", SCARD_FN_SWALLOW, RDF_READER_SWALLOW, false, 0, 0 },
	{ "no swallow", SCARD_FN_SWALLOW, RDF_READER_SWALLOW, true, 0,
	  -EOPNOTSUPP },
	{ "confiscate", SCARD_FN_CONFISCATE, RDF_CARD_CONFISCATE, false, 0,
	  0 },
	{ "no confiscate", SCARD_FN_CONFISCATE, RDF_CARD_CONFISCATE, true, 0,
	  -EOPNOTSUPP },
	{ "other request", SCARD_FN_POWER, RDF_NONE, false, 0, -EINVAL },
};

static void mech_desc(const struct mech_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mech, mech_cases, mech_desc);

static void test_mechanical(struct kunit *test)
{
	const struct mech_case *c = test->param_value;
	struct fake *f = test->priv;
	int i, calls = 0;

	if (c->idx != RDF_NONE) {
		f->ret[c->idx] = c->drv_ret;
		if (c->no_cb)
			scard_fake_reinit(f, BIT(c->idx), false);
	}
	scard_fake_setup(f, S_PRESENT);

	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, c->fn), c->ret);
	for (i = 0; i < RDF_MAX; i++)
		calls += f->calls[i];
	KUNIT_EXPECT_EQ(test, calls, c->idx == RDF_NONE || c->no_cb ? 0 : 1);
	if (calls)
		KUNIT_EXPECT_EQ(test, f->calls[c->idx], 1);
}

/* Vendor requests */

struct vendor_case {
	const char *name;
	u32 code;
	u32 in_len;
	u32 out_len;
	u32 reserved;
	bool no_cb;
	size_t reply_len;
	int ret;
	u32 out;
};

static const struct vendor_case vendor_cases[] = {
	{ "ok", 3500, 3, 8, 0, false, 2, 0, 2 },
	{ "no input", SCARD_VENDOR_CODE_MIN, 0, 8, 0, false, 0, 0, 0 },
	{ "too small", SCARD_VENDOR_CODE_MAX, 3, 1, 0, false, 2, -ENOSPC, 2 },
	{ "low code", SCARD_VENDOR_CODE_MIN - 1, 3, 8, 0, false, 2, -EINVAL,
	  8 },
	{ "high code", SCARD_VENDOR_CODE_MAX + 1, 3, 8, 0, false, 2, -EINVAL,
	  8 },
	{ "reserved", 3500, 3, 8, 1, false, 2, -EINVAL, 8 },
	{ "too long", 3500, SCARD_VENDOR_MAX_BUF + 1, 8, 0, false, 2,
	  -EMSGSIZE, 8 },
	{ "no callback", 3500, 3, 8, 0, true, 2, -EOPNOTSUPP, 8 },
	{ "next to the features", 3401, 3, 8, 0, false, 2, 0, 2 },
	{ "a PIN feature: the library's", 3406, 3, 8, 0, false, 2, -EINVAL,
	  8 },
	{ "a feature: the library's", 3418, 3, 8, 0, false, 2, -EINVAL, 8 },
};

static void vendor_desc(const struct vendor_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vendor, vendor_cases, vendor_desc);

static void test_vendor(struct kunit *test)
{
	const struct vendor_case *c = test->param_value;
	struct fake *f = test->priv;
	struct scard_vendor v = {
		.code = c->code,
		.in_len = c->in_len,
		.out_len = c->out_len,
		.reserved = c->reserved,
	};

	if (c->no_cb)
		scard_fake_reinit(f, BIT(RDF_IOCTL_VENDOR), false);
	f->reply_len = c->reply_len;
	KUNIT_EXPECT_EQ(test, scard_vendor(f->reader, &v, scard_fake_cmd, f->recv),
			c->ret);
	KUNIT_EXPECT_EQ(test, v.out_len, c->out);
	if (f->calls[RDF_IOCTL_VENDOR]) {
		KUNIT_EXPECT_EQ(test, f->last.major, SCARD_FN_VENDOR);
		KUNIT_EXPECT_EQ(test, f->last.minor, c->code);
		KUNIT_EXPECT_EQ(test, f->last.send_len, c->in_len);
		KUNIT_EXPECT_EQ(test, f->last.recv_size, SCARD_VENDOR_MAX_BUF);
	}
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, memcmp(f->recv, scard_fake_reply, v.out_len), 0);
}

static struct kunit_case scard_request_cases[] = {
	KUNIT_CASE_PARAM(test_register_mandatory, mandatory_gen_params),
	KUNIT_CASE_PARAM(test_register_unused, unused_gen_params),
	KUNIT_CASE(test_register_copy),
	KUNIT_CASE(test_lifetime),
	KUNIT_CASE_PARAM(test_power, power_gen_params),
	KUNIT_CASE_PARAM(test_set_protocol, proto_gen_params),
	KUNIT_CASE(test_set_protocol_switch),
	KUNIT_CASE_PARAM(test_transmit, xfer_gen_params),
	KUNIT_CASE(test_transmit_max_apdu),
	KUNIT_CASE_PARAM(test_mechanical, mech_gen_params),
	KUNIT_CASE_PARAM(test_vendor, vendor_gen_params),
	{}
};

static struct kunit_suite scard_request_suite = {
	.name = "scard_core_requests",
	.suite_init = scard_fake_suite_init,
	.suite_exit = scard_fake_suite_exit,
	.init = scard_fake_init,
	.exit = scard_fake_exit,
	.test_cases = scard_request_cases,
};

kunit_test_suite(scard_request_suite);
