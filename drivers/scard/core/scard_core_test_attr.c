// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of what the scard library answers itself: every attribute
 * tag, the card state machine and event counters, openers, last error and
 * performance counters.
 */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "scard_core_test.h"

struct attr_case {
	const char *name;
	u32 tag;
	enum scard_fake_setup setup;
	int ret;
	u32 len;
	u32 value;		/* integer values (1 or 4 bytes) */
	const char *str;	/* strings and the ATR */
};

static const struct attr_case attr_cases[] = {
	{ "vendor name", SCARD_TAG_VENDOR_NAME, S_UNKNOWN, 0, 4, 0, "ACME" },
	{ "ifd type", SCARD_TAG_VENDOR_IFD_TYPE, S_ABSENT, 0, 4, 0, "SC-1" },
	{ "ifd version", SCARD_TAG_VENDOR_IFD_VERSION, S_UNKNOWN, 0, 4,
	  0x01020003 },
	{ "no serial", SCARD_TAG_VENDOR_IFD_SERIAL_NO, S_UNKNOWN,
	  -EOPNOTSUPP },
	{ "channel", SCARD_TAG_CHANNEL_ID, S_UNKNOWN, 0, 4, 0x00201234 },
	{ "protocols", SCARD_TAG_PROTOCOL_TYPES, S_UNKNOWN, 0, 4, TX | RAW },
	{ "default clk", SCARD_TAG_DEFAULT_CLK, S_UNKNOWN, 0, 4, 3580 },
	{ "max clk", SCARD_TAG_MAX_CLK, S_UNKNOWN, 0, 4, 8000 },
	{ "default rate", SCARD_TAG_DEFAULT_DATA_RATE, S_UNKNOWN, 0, 4,
	  9600 },
	{ "max rate", SCARD_TAG_MAX_DATA_RATE, S_UNKNOWN, 0, 4, 115200 },
	{ "max ifsd", SCARD_TAG_MAX_IFSD, S_UNKNOWN, 0, 4, 254 },
	{ "power mgmt", SCARD_TAG_POWER_MGMT_SUPPORT, S_UNKNOWN, 0, 4, 1 },
	{ "characteristics", SCARD_TAG_CHARACTERISTICS, S_UNKNOWN, 0, 4,
	  SCARD_READER_EJECTS },
	{ "device unit", SCARD_TAG_DEVICE_UNIT, S_UNKNOWN, 0, 4, 2 },
	{ "max input", SCARD_TAG_MAXINPUT, S_UNKNOWN, 0, 4, SCARD_MAX_SEND },
	{ "protocol, no card", SCARD_TAG_CURRENT_PROTOCOL_TYPE, S_PRESENT,
	  -EBADFD },
	{ "protocol, negotiable", SCARD_TAG_CURRENT_PROTOCOL_TYPE, S_T0, 0, 4,
	  0 },
	{ "protocol, specific", SCARD_TAG_CURRENT_PROTOCOL_TYPE, S_T1, 0, 4,
	  T1 },
	{ "clk", SCARD_TAG_CURRENT_CLK, S_T0, 0, 4, 3580 },
	{ "F default", SCARD_TAG_CURRENT_F, S_T0, 0, 4, 372 },
	{ "F", SCARD_TAG_CURRENT_F, S_FD, 0, 4, 512 },
	{ "D", SCARD_TAG_CURRENT_D, S_FD, 0, 4, 32 },
	{ "F, powered", SCARD_TAG_CURRENT_F, S_POWERED, -EBADFD },
	{ "N", SCARD_TAG_CURRENT_N, S_T0, 0, 4, 0 },
	{ "W", SCARD_TAG_CURRENT_W, S_T0, 0, 4, 10 },
	{ "IFSC", SCARD_TAG_CURRENT_IFSC, S_T1, 0, 4, 32 },
	{ "IFSD", SCARD_TAG_CURRENT_IFSD, S_T1, 0, 4, 254 },
	{ "BWT", SCARD_TAG_CURRENT_BWT, S_T1, 0, 4, 4 },
	{ "CWT", SCARD_TAG_CURRENT_CWT, S_T1, 0, 4, 13 },
	{ "EDC", SCARD_TAG_CURRENT_EBC_ENCODING, S_T1, 0, 4, 0 },
	{ "extended BWT", SCARD_TAG_EXTENDED_BWT, S_PRESENT, -EOPNOTSUPP },
	{ "presence unknown", SCARD_TAG_ICC_PRESENCE, S_UNKNOWN, -EBADFD },
	{ "presence absent", SCARD_TAG_ICC_PRESENCE, S_ABSENT, 0, 1, 0 },
	{ "presence present", SCARD_TAG_ICC_PRESENCE, S_PRESENT, 0, 1, 1 },
	{ "presence reset", SCARD_TAG_ICC_PRESENCE, S_T0, 0, 1, 2 },
	{ "contacts off", SCARD_TAG_ICC_INTERFACE_STATUS, S_PRESENT, 0, 1,
	  0 },
	{ "contacts on", SCARD_TAG_ICC_INTERFACE_STATUS, S_POWERED, 0, 1,
	  0xff },
	{ "io state", SCARD_TAG_CURRENT_IO_STATE, S_T0, -EOPNOTSUPP },
	{ "ATR, no card", SCARD_TAG_ATR_STRING, S_PRESENT, -EBADFD },
	{ "ATR", SCARD_TAG_ATR_STRING, S_T0, 0, 4, 0, "\x3b\x02\x14\x50" },
	{ "ATR, unparsable", SCARD_TAG_ATR_STRING, S_POWERED, 0, 4, 0,
	  "\x3b\x80\x01\x00" },
	{ "type, negotiable", SCARD_TAG_ICC_TYPE_PER_ATR, S_T0, 0, 1, 0 },
	{ "type, specific", SCARD_TAG_ICC_TYPE_PER_ATR, S_T1, 0, 1, 1 },
	{ "type, no card", SCARD_TAG_ICC_TYPE_PER_ATR, S_ABSENT, -EBADFD },
	{ "in use", SCARD_TAG_DEVICE_IN_USE, S_UNKNOWN, -EOPNOTSUPP },
	{ "friendly name", SCARD_TAG_DEVICE_FRIENDLY_NAME_A, S_UNKNOWN,
	  -EOPNOTSUPP },
	{ "suppress IFS", SCARD_TAG_SUPRESS_T1_IFS_REQUEST, S_UNKNOWN,
	  -EOPNOTSUPP },
	{ "sync protocols", SCARD_TAG_SYNC_PROTOCOL_TYPES, S_UNKNOWN,
	  -EOPNOTSUPP },
	{ "unknown", 0x00012345, S_UNKNOWN, -EOPNOTSUPP },
};

static void attr_desc(const struct attr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(attr, attr_cases, attr_desc);

static void test_get_attribute(struct kunit *test)
{
	const struct attr_case *c = test->param_value;
	struct fake *f = test->priv;
	struct scard_attr a = { .tag = c->tag, .len = SCARD_TAG_VALUE_MAX };
	u8 value[SCARD_TAG_VALUE_MAX];
	u32 v;

	scard_fake_setup(f, c->setup);
	KUNIT_ASSERT_EQ(test, scard_get_attribute(f->reader, &a, value),
			c->ret);
	if (c->ret)
		return;

	KUNIT_EXPECT_EQ(test, a.len, c->len);
	if (c->str) {
		KUNIT_EXPECT_EQ(test, memcmp(value, c->str, c->len), 0);
	} else if (c->len == 1) {
		KUNIT_EXPECT_EQ(test, value[0], c->value);
	} else {
		memcpy(&v, value, sizeof(v));
		KUNIT_EXPECT_EQ(test, v, c->value);
	}
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_POWER], 0);
}

/* Out of memory says nothing about the reader: not its last error. */
static void test_last_error_enomem(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_transmit x = { .protocol = T1, .send_len = 5,
				    .recv_len = 8 };
	struct scard_last_error err;

	scard_fake_setup(f, S_T1);
	f->ret[RDF_TRANSMIT] = -ETIMEDOUT;
	KUNIT_EXPECT_EQ(test, scard_fake_xfer(f, &x), -ETIMEDOUT);
	f->ret[RDF_TRANSMIT] = -ENOMEM;
	KUNIT_EXPECT_EQ(test, scard_fake_xfer(f, &x), -ENOMEM);
	KUNIT_EXPECT_EQ(test, scard_get_last_error(f->reader, &err), 0);
	KUNIT_EXPECT_EQ(test, err.error, ETIMEDOUT);
}

static void test_attribute_sizes(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_attr a = { .tag = SCARD_TAG_DEFAULT_CLK, .len = 3 };
	u8 value[SCARD_TAG_VALUE_MAX];
	struct scard_last_error err;

	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, a.len, 4);
	scard_get_last_error(f->reader, &err);
	KUNIT_EXPECT_EQ(test, err.error, ENOSPC);

	scard_fake_setup(f, S_T0);
	a.tag = SCARD_TAG_ATR_STRING;
	a.len = sizeof(scard_atr_t0) - 1;
	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, a.len, sizeof(scard_atr_t0));
	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value), 0);

	a.reserved = 1;
	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value),
			-EINVAL);

	/* Fi/Di outside the ISO tables (the parser never lets them in). */
	a.reserved = 0;
	a.tag = SCARD_TAG_CURRENT_F;
	f->reader->card.fl = 7;
	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value),
			-EMEDIUMTYPE);

	a.tag = SCARD_TAG_VENDOR_IFD_SERIAL_NO;
	a.len = SCARD_TAG_VALUE_MAX;
	strscpy(f->reader->vendor.ifd_serial, "0042",
		sizeof(f->reader->vendor.ifd_serial));
	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value), 0);
	KUNIT_EXPECT_EQ(test, a.len, 4);
	KUNIT_EXPECT_EQ(test, memcmp(value, "0042", 4), 0);
}

static void test_set_attribute(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_attr a = { .tag = SCARD_TAG_SUPRESS_T1_IFS_REQUEST };
	const u8 v[4] = { 1 };
	struct scard_power p = { .disposition = SCARD_COLD_RESET };

	scard_fake_setup(f, S_T1);
	KUNIT_EXPECT_EQ(test, scard_set_attribute(f->reader, &a, v), 0);
	KUNIT_EXPECT_TRUE(test, f->reader->suppress_ifs_request);
	f->atr = scard_atr_ta2;
	f->atr_len = sizeof(scard_atr_ta2);
	KUNIT_EXPECT_EQ(test, scard_power(f->reader, &p), 0);
	KUNIT_EXPECT_FALSE(test, f->reader->suppress_ifs_request);

	a.tag = SCARD_TAG_DEVICE_IN_USE;
	KUNIT_EXPECT_EQ(test, scard_set_attribute(f->reader, &a, v), 0);
	a.tag = SCARD_TAG_VENDOR_NAME;
	KUNIT_EXPECT_EQ(test, scard_set_attribute(f->reader, &a, v),
			-EOPNOTSUPP);
	a.tag = 0x00012345;
	KUNIT_EXPECT_EQ(test, scard_set_attribute(f->reader, &a, v),
			-EOPNOTSUPP);
	a.tag = SCARD_TAG_DEVICE_IN_USE;
	a.len = sizeof(v);
	KUNIT_EXPECT_EQ(test, scard_set_attribute(f->reader, &a, v), 0);
	a.len = SCARD_TAG_VALUE_MAX + 1;
	KUNIT_EXPECT_EQ(test, scard_set_attribute(f->reader, &a, v),
			-EMSGSIZE);
	a.len = 0;
	a.reserved = 1;
	KUNIT_EXPECT_EQ(test, scard_set_attribute(f->reader, &a, v), -EINVAL);
}

static u64 fake_events(struct fake *f)
{
	struct scard_state st;

	KUNIT_EXPECT_EQ(f->test, scard_get_card_state(&f->client, &st), 0);
	return st.events;
}

static void test_card_events(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_reader *reader = f->reader;
	struct scard_attr a = { .tag = SCARD_TAG_ATR_STRING, .len = 33 };
	u8 value[SCARD_TAG_VALUE_MAX];

	scard_fake_expect_state(f, SCARD_CARD_UNKNOWN, 0);
	KUNIT_EXPECT_EQ(test, fake_poll(&f->client), 0);

	scard_card_event(reader, SCARD_CARD_ABSENT);
	scard_fake_expect_state(f, SCARD_CARD_ABSENT, 0);
	KUNIT_EXPECT_EQ(test, fake_poll(&f->client), 0);

	scard_card_event(reader, SCARD_CARD_PRESENT);
	KUNIT_EXPECT_EQ(test, fake_poll(&f->client),
			POLL_EVENT);
	KUNIT_EXPECT_EQ(test, fake_events(f), 1);
	KUNIT_EXPECT_EQ(test, fake_poll(&f->client), 0);

	/* A present card keeps what the library knows about it. */
	scard_fake_setup(f, S_T1);
	scard_fake_expect_state(f, SCARD_CARD_SPECIFIC, T1);
	scard_card_event(reader, SCARD_CARD_PRESENT);
	scard_card_event(reader, SCARD_CARD_SWALLOWED);
	scard_fake_expect_state(f, SCARD_CARD_SPECIFIC, T1);
	KUNIT_EXPECT_EQ(test, fake_events(f), 1);

	/* Removal: card data void, also after the next insertion. */
	scard_card_event(reader, SCARD_CARD_ABSENT);
	scard_fake_expect_state(f, SCARD_CARD_ABSENT, 0);
	scard_card_event(reader, SCARD_CARD_PRESENT);
	scard_card_event(reader, SCARD_CARD_SWALLOWED);
	scard_fake_expect_state(f, SCARD_CARD_SWALLOWED, 0);
	KUNIT_EXPECT_EQ(test, fake_events(f), 3);
	KUNIT_EXPECT_EQ(test, reader->inserts, 2);
	KUNIT_EXPECT_EQ(test, reader->removals, 1);
	KUNIT_EXPECT_EQ(test, scard_get_attribute(reader, &a, value), -EBADFD);
	KUNIT_EXPECT_EQ(test, reader->card.atr_len, 0);
	KUNIT_EXPECT_EQ(test, reader->card.selected, 0);

	/* Driver-set states; a bad report is ignored. */
	scard_set_state(reader, SCARD_CARD_POWERED);
	scard_fake_expect_state(f, SCARD_CARD_POWERED, 0);
	scard_card_event(reader, SCARD_CARD_POWERED);
	scard_set_state(reader, SCARD_CARD_SPECIFIC + 1);
	scard_fake_expect_state(f, SCARD_CARD_POWERED, 0);
	scard_set_state(reader, SCARD_CARD_ABSENT);
	KUNIT_EXPECT_EQ(test, fake_events(f), 4);
	KUNIT_EXPECT_EQ(test, scard_get_state(reader), SCARD_CARD_ABSENT);
}

static void test_removal_during_power(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_power p = { .disposition = SCARD_COLD_RESET };

	scard_fake_setup(f, S_PRESENT);
	f->remove_in = RDF_CARD_POWER;
	f->atr = scard_atr_t0;
	f->atr_len = sizeof(scard_atr_t0);
	KUNIT_EXPECT_EQ(test, scard_power(f->reader, &p), 0);
	scard_fake_expect_state(f, SCARD_CARD_ABSENT, 0);
}

static void test_last_error(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_transmit x = { .protocol = T1, .send_len = 5, .flags = 8 };
	struct scard_last_error err;

	KUNIT_EXPECT_EQ(test, scard_get_last_error(f->reader, &err), 0);
	KUNIT_EXPECT_EQ(test, err.error, 0);

	scard_fake_setup(f, S_ABSENT);
	KUNIT_EXPECT_EQ(test, scard_fake_do_power(f), -ENOMEDIUM);
	scard_get_last_error(f->reader, &err);
	KUNIT_EXPECT_EQ(test, err.error, ENOMEDIUM);

	KUNIT_EXPECT_EQ(test, scard_fake_xfer(f, &x), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_wait_card(&f->client, SCARD_FN_IS_PRESENT,
					      true), -EAGAIN);
	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, SCARD_FN_EJECT), 0);
	scard_get_last_error(f->reader, &err);
	KUNIT_EXPECT_EQ(test, err.error, EINVAL);
}

static u64 fake_perf(struct fake *f, u32 tag)
{
	struct scard_perf perf = { .tag = tag };

	KUNIT_EXPECT_EQ(f->test, scard_get_perf(f->reader, &perf), 0);
	return perf.value;
}

static void test_perf(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_perf perf = { .tag = SCARD_PERF_NUM_TRANSMISSIONS };

	scard_fake_setup(f, S_T1);
	f->reply_len = 2;
	/* Long enough for the coarsest clock (jiffies at HZ=100, UML). */
	f->sleep_ms = 30;
	KUNIT_EXPECT_EQ(test, scard_fake_do_transmit(f), 0);
	f->sleep_ms = 0;
	f->ret[RDF_TRANSMIT] = -ETIMEDOUT;
	KUNIT_EXPECT_EQ(test, scard_fake_do_transmit(f), -ETIMEDOUT);

	KUNIT_EXPECT_EQ(test, fake_perf(f, SCARD_PERF_NUM_TRANSMISSIONS), 2);
	KUNIT_EXPECT_EQ(test, fake_perf(f, SCARD_PERF_BYTES_TRANSMITTED),
			2 * sizeof(scard_fake_cmd));
	KUNIT_EXPECT_EQ(test, fake_perf(f, SCARD_PERF_BYTES_RECEIVED), 2);
	KUNIT_EXPECT_GE(test, fake_perf(f, SCARD_PERF_TRANSMISSION_TIME),
			20 * NSEC_PER_MSEC);

	perf.reserved = 1;
	KUNIT_EXPECT_EQ(test, scard_get_perf(f->reader, &perf), -EINVAL);
	perf.reserved = 0;
	perf.tag = SCARD_PERF_NUM_TRANSMISSIONS + 4;
	KUNIT_EXPECT_EQ(test, scard_get_perf(f->reader, &perf), -EINVAL);
}

static void test_open_exclusive(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_client a = {}, b = {};

	/* The fixture's client holds the reader open (shared). */
	KUNIT_EXPECT_EQ(test, scard_client_open(&a, f->reader, true), -EBUSY);
	KUNIT_ASSERT_EQ(test, scard_client_open(&a, f->reader, false), 0);
	scard_client_close(&a);

	scard_client_close(&f->client);
	f->client.reader = NULL;
	KUNIT_ASSERT_EQ(test, scard_client_open(&a, f->reader, true), 0);
	KUNIT_EXPECT_EQ(test, scard_client_open(&b, f->reader, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, scard_client_open(&b, f->reader, true), -EBUSY);
	scard_client_close(&a);
	KUNIT_ASSERT_EQ(test, scard_client_open(&b, f->reader, false), 0);
	scard_client_close(&b);
	KUNIT_EXPECT_EQ(test, kref_read(&f->reader->kref), 1);
}

/* Call the show() method of a sysfs attribute of the reader's device. */
static const char *fake_sysfs(struct fake *f, const char *name, char *buf)
{
	struct device_attribute *da;
	struct attribute **attr;

	for (attr = scard_groups[0]->attrs; *attr; attr++) {
		if (strcmp((*attr)->name, name))
			continue;
		da = container_of(*attr, struct device_attribute, attr);
		memset(buf, 0, PAGE_SIZE);
		KUNIT_EXPECT_GT(f->test,
				da->show(f->reader->misc.this_device, da, buf),
				0);
		return buf;
	}

	KUNIT_FAIL(f->test, "no attribute %s", name);
	return "";
}

static void test_sysfs(struct kunit *test)
{
	struct fake *f = test->priv;
	char *buf;

	/* Page aligned, as sysfs_emit() wants. */
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "state", buf), "unknown\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "protocol", buf), "none\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "atr", buf), "\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "events", buf), "0\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "reader_name", buf),
			   "ACME SC-1\n");

	scard_fake_setup(f, S_T1);
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "state", buf), "specific\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "protocol", buf), "T=1\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "atr", buf), "3b80110190\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "events", buf), "1\n");

	scard_card_event(f->reader, SCARD_CARD_ABSENT);
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "state", buf), "absent\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "protocol", buf), "none\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "atr", buf), "\n");
	KUNIT_EXPECT_STREQ(test, fake_sysfs(f, "events", buf), "2\n");
}

static struct kunit_case scard_attr_cases[] = {
	KUNIT_CASE_PARAM(test_get_attribute, attr_gen_params),
	KUNIT_CASE(test_attribute_sizes),
	KUNIT_CASE(test_last_error_enomem),
	KUNIT_CASE(test_set_attribute),
	KUNIT_CASE(test_card_events),
	KUNIT_CASE(test_removal_during_power),
	KUNIT_CASE(test_last_error),
	KUNIT_CASE(test_perf),
	KUNIT_CASE(test_open_exclusive),
	KUNIT_CASE(test_sysfs),
	{}
};

static struct kunit_suite scard_attr_suite = {
	.name = "scard_core_library",
	.suite_init = scard_fake_suite_init,
	.suite_exit = scard_fake_suite_exit,
	.init = scard_fake_init,
	.exit = scard_fake_exit,
	.test_cases = scard_attr_cases,
};

kunit_test_suite(scard_attr_suite);
