// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the scard CCID descriptor checks and reader glue:
 * registration with a slot status per slot, capabilities, card events
 * from the interrupt endpoint, a cold reset and a PPS exchange.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/scard.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/workqueue.h>

#include "../compat.h"
#include "scard_ccid_test.h"

/* Descriptor */

struct desc_case {
	const char *name;
	u32 max_msg_len;
	u8 max_slot_index;
	u32 protocols;
	u32 features;
	int ret;
};

static const struct desc_case desc_cases[] = {
	{ "QEMU", 65554, 0, 1, 0x000104fe, 0 },
	{ "message length 0", 0, 0, 1, 0x10000, -EINVAL },
	{ "message length 9", 9, 0, 1, 0x10000, -EINVAL },
	{ "message length 10", 10, 0, 1, 0x10000, -EINVAL },
	{ "no room for an ATR", 42, 0, 1, 0x10000, -EINVAL },
	{ "room for an ATR", 43, 0, 1, 0x10000, 0 },
	{ "message length 271", 271, 0, 1, 0x20000, 0 },
	{ "message length 1 MiB", 1 << 20, 0, 1, 0x40000, 0 },
	{ "message length absurd", (1 << 20) + 1, 0, 1, 0x40000, -EINVAL },
	{ "message length U32_MAX", U32_MAX, 0, 1, 0x40000, -EINVAL },
	{ "16 slots", 271, 15, 2, 0, 0 },
	{ "17 slots", 271, 16, 2, 0, -EINVAL },
	{ "255 slots", 271, 255, 2, 0, -EINVAL },
	{ "no protocol", 271, 0, 0, 0x10000, -EINVAL },
	{ "only RFU protocols", 271, 0, 0xfc, 0x10000, -EINVAL },
	{ "reserved level", 271, 0, 3, 0x30000, -EINVAL },
};

static void desc_case_desc(const struct desc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(desc, desc_cases, desc_case_desc);

static void ccid_test_desc_check(struct kunit *test)
{
	const struct desc_case *c = test->param_value;
	struct ccid_desc d = {
		.max_msg_len = c->max_msg_len,
		.max_slot_index = c->max_slot_index,
		.protocols = c->protocols,
		.features = c->features,
	};

	KUNIT_EXPECT_EQ(test, ccid_desc_check(&d), c->ret);
}

/* QEMU 7.2's usb-ccid class descriptor. */
static const u8 qemu_desc[54] = {
	0x36, 0x21, 0x10, 0x01, 0x00, 0x07, 0x01, 0x00, 0x00, 0x00,
	0xa0, 0x0f, 0x00, 0x00, 0xa0, 0x0f, 0x00, 0x00, 0x00, 0x80,
	0x25, 0x00, 0x00, 0x80, 0x25, 0x00, 0x00, 0x00, 0xfe, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xfe, 0x04, 0x01, 0x00, 0x12, 0x00, 0x01, 0x00, 0xff, 0xff,
	0x00, 0x00, 0x01, 0x01,
};

static void ccid_test_desc_parse(struct kunit *test)
{
	u8 bad[sizeof(qemu_desc)];
	struct ccid_desc d;

	KUNIT_ASSERT_EQ(test, ccid_desc_parse(&d, qemu_desc,
					      sizeof(qemu_desc)), 0);
	KUNIT_EXPECT_EQ(test, d.bcd_ccid, 0x0110);
	KUNIT_EXPECT_EQ(test, d.max_slot_index, 0);
	KUNIT_EXPECT_EQ(test, d.voltage_support, 7);
	KUNIT_EXPECT_EQ(test, d.protocols, 1U);
	KUNIT_EXPECT_EQ(test, d.default_clock, 4000U);
	KUNIT_EXPECT_EQ(test, d.maximum_clock, 4000U);
	KUNIT_EXPECT_EQ(test, d.data_rate, 9600U);
	KUNIT_EXPECT_EQ(test, d.max_data_rate, 9600U);
	KUNIT_EXPECT_EQ(test, d.max_ifsd, 254U);
	KUNIT_EXPECT_EQ(test, d.features, 0x000104feU);
	KUNIT_EXPECT_EQ(test, d.max_msg_len, 65554U);
	KUNIT_EXPECT_EQ(test, d.class_get_response, 0xff);
	KUNIT_EXPECT_EQ(test, d.pin_support, 1);
	KUNIT_EXPECT_EQ(test, d.max_busy_slots, 1);
	KUNIT_EXPECT_EQ(test, ccid_desc_check(&d), 0);

	KUNIT_EXPECT_EQ(test, ccid_desc_parse(&d, qemu_desc, 53), -EINVAL);
	memcpy(bad, qemu_desc, sizeof(bad));
	bad[1] = 0x24;
	KUNIT_EXPECT_EQ(test, ccid_desc_parse(&d, bad, sizeof(bad)), -EINVAL);
	bad[1] = 0x21;
	bad[0] = 0x30;
	KUNIT_EXPECT_EQ(test, ccid_desc_parse(&d, bad, sizeof(bad)), -EINVAL);
}

/* Registration and the reader glue */

/* QEMU's reader with two slots; @over's features, protocols, max rate. */
static void fake_register(struct kunit *test, struct ccid_fake *f,
			  const struct ccid_desc *over)
{
	KUNIT_ASSERT_EQ(test, ccid_desc_parse(&f->dev.desc, qemu_desc,
					      sizeof(qemu_desc)), 0);
	if (over) {
		f->dev.desc.features = over->features;
		f->dev.desc.protocols = over->protocols;
		f->dev.desc.max_data_rate = over->max_data_rate;
	}
	f->dev.desc.max_slot_index = 1;
	f->dev.desc.mechanical = 0x02;
	f->dev.reader_type = SCARD_READER_TYPE_USB;
	strscpy(f->dev.vendor_name, "QEMU", sizeof(f->dev.vendor_name));
	/* GetSlotStatus of each slot: a card in slot 0 only */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 0, 0x01, 0, 0, NULL, 0);
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 1, 1, 0x02, 0, 0, NULL, 0);
	KUNIT_ASSERT_EQ(test, ccid_dev_register(&f->dev), 0);
	f->registered = true;
}

static void ccid_test_register(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	struct scard_reader *r0, *r1;
	u8 msg[2] = { 0x50, 0xfe };	/* 0 out (changed), 1 in, 2-3 junk */

	fake_register(test, f, NULL);
	r0 = f->dev.slots[0].reader;
	r1 = f->dev.slots[1].reader;
	KUNIT_ASSERT_NOT_NULL(test, r0);
	KUNIT_ASSERT_NOT_NULL(test, r1);
	KUNIT_EXPECT_EQ(test, f->n_sent, 2U);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_PRESENT);
	KUNIT_EXPECT_EQ(test, scard_get_state(r1), SCARD_CARD_ABSENT);

	KUNIT_EXPECT_EQ(test, r0->caps.level, SCARD_LEVEL_TPDU);
	KUNIT_EXPECT_EQ(test, r0->caps.protocols, SCARD_PROTO_T0);
	KUNIT_EXPECT_EQ(test, r0->caps.clk_default, 4000U);
	KUNIT_EXPECT_EQ(test, r0->caps.rate_max, 9600U);
	KUNIT_EXPECT_EQ(test, r0->caps.max_ifsd, 254U);
	KUNIT_EXPECT_EQ(test, r0->caps.mechanical, SCARD_READER_EJECTS);
	KUNIT_EXPECT_EQ(test, r0->caps.reader_type, SCARD_READER_TYPE_USB);
	KUNIT_EXPECT_STREQ(test, r0->vendor.vendor_name, "QEMU");
	KUNIT_EXPECT_EQ(test, r1->vendor.unit, 1U);
	KUNIT_EXPECT_NOT_NULL(test, r0->reader_function[RDF_CARD_EJECT]);
	KUNIT_EXPECT_NULL(test, r0->reader_function[RDF_READER_SWALLOW]);
	KUNIT_EXPECT_TRUE(test, r0->reader_function[RDF_TRANSMIT] ==
			  scard_proto_transmit);

	/* Both changed: each is asked again, and agrees. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 2, 0x02, 0, 0, NULL, 0);
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 1, 3, 0x00, 0, 0, NULL, 0);
	ccid_notify(&f->dev, msg, sizeof(msg));
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_EQ(test, f->n_sent, 4U);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_ABSENT);
	KUNIT_EXPECT_EQ(test, scard_get_state(r1), SCARD_CARD_PRESENT);

	/* A made-up removal (a transport after a reset) is corrected. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 1, 4, 0x01, 0, 0, NULL, 0);
	msg[1] = 0x08;
	ccid_notify(&f->dev, msg, sizeof(msg));
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_EQ(test, f->n_sent, 5U);
	KUNIT_EXPECT_EQ(test, scard_get_state(r1), SCARD_CARD_PRESENT);
}

/* The first notification after the probe may carry a latched change. */
static void ccid_test_latched_change(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	u8 msg[2] = { 0x50, 0x03 };	/* slot 0: in, changed */
	struct scard_reader *r0;
	u64 events;

	fake_register(test, f, NULL);
	r0 = f->dev.slots[0].reader;
	KUNIT_ASSERT_NOT_NULL(test, r0);
	events = r0->events;

	/* What the probe's GetSlotStatus already reported: nothing new. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 2, 0x01, 0, 0, NULL, 0);
	ccid_notify(&f->dev, msg, sizeof(msg));
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_EQ(test, r0->events, events);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_PRESENT);

	/* Later the same bits mean the card went and came back. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 3, 0x01, 0, 0, NULL, 0);
	ccid_notify(&f->dev, msg, sizeof(msg));
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_EQ(test, r0->events, events + 2);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_PRESENT);
}

/*
 * A card swapped under a powered session while the first notification
 * after the probe cannot tell (same presence, "changed"): the slot poll
 * finds the card unpowered, a new card. Still powered: the same card.
 */
static void ccid_test_swap_first(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const u8 atr[] = { 0x3b, 0x00 };
	struct scard_request req = { .minor = SCARD_COLD_RESET };
	u8 msg[2] = { 0x50, 0x03 };	/* slot 0: in, changed */
	struct scard_reader *r0;
	u64 events;

	fake_register(test, f, NULL);
	r0 = f->dev.slots[0].reader;
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 2, 0, 0, 0, atr, sizeof(atr));
	KUNIT_ASSERT_EQ(test, r0->reader_function[RDF_CARD_POWER](r0, &req),
			0);
	events = r0->events;

	/* Still powered: the latched change of the probe, nothing new. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 3, 0x00, 0, 0, NULL, 0);
	ccid_notify(&f->dev, msg, sizeof(msg));
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_EQ(test, r0->events, events);

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 4, 0, 0, 0, atr, sizeof(atr));
	req.minor = SCARD_WARM_RESET;
	KUNIT_ASSERT_EQ(test, r0->reader_function[RDF_CARD_POWER](r0, &req),
			0);
	f->dev.slots[0].notified = false;
	/* Unpowered: another card, out and in. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 5, 0x01, 0, 0, NULL, 0);
	ccid_notify(&f->dev, msg, sizeof(msg));
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_EQ(test, r0->events, events + 2);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_PRESENT);
}

struct power_thread {
	struct scard_reader *reader;
	struct completion done;
	int ret;
};

static int power_thread_fn(void *data)
{
	struct power_thread *p = data;
	struct scard_request req = { .minor = SCARD_COLD_RESET };

	p->ret = p->reader->reader_function[RDF_CARD_POWER](p->reader, &req);
	complete(&p->done);

	return 0;
}

/*
 * A POWER that comes while a slot poll waits for the card's status: the
 * poll finds the card unpowered, which it is, and the POWER waits for the
 * slot before it counts the card as powered by the host. Otherwise the
 * poll would take the card for another one (removal, insertion) and undo
 * the POWER (found by serial_basic).
 */
static void ccid_test_power_during_poll(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const u8 atr[] = { 0x3b, 0x00 };
	u8 msg[2] = { 0x50, 0x03 };	/* slot 0: in, changed */
	struct power_thread p;
	struct task_struct *t;
	struct scard_reader *r0;
	unsigned int i;
	u64 events;

	fake_register(test, f, NULL);
	r0 = f->dev.slots[0].reader;
	events = r0->events;
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 2, 0x01, 0, 0, NULL, 0);
	ccid_fake_delay(f, 300);
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 3, 0, 0, 0, atr, sizeof(atr));
	ccid_notify(&f->dev, msg, sizeof(msg));
	for (i = 0; i < 50 && READ_ONCE(f->n_sent) < 3; i++)
		msleep(20);
	KUNIT_ASSERT_EQ(test, READ_ONCE(f->n_sent), 3U);

	p.reader = r0;
	init_completion(&p.done);
	t = kthread_run(power_thread_fn, &p, "ccid-power");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p.done, 5 * HZ));
	flush_delayed_work(&f->dev.poll_work);

	KUNIT_EXPECT_EQ(test, p.ret, 0);
	KUNIT_EXPECT_EQ(test, r0->events, events);
	KUNIT_EXPECT_EQ(test, r0->card.atr_len, sizeof(atr));
	KUNIT_ASSERT_EQ(test, f->n_sent, 4U);
	KUNIT_EXPECT_EQ(test, f->sent[2][CCID_OFF_TYPE], CCID_PC_GET_SLOT_STATUS);
	KUNIT_EXPECT_EQ(test, f->sent[3][CCID_OFF_TYPE], CCID_PC_ICC_POWER_ON);
}

static void ccid_test_power_and_pps(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const u8 atr[] = { 0x3b, 0x02, 0x14, 0x50 };
	static const u8 pps[] = { 0xff, 0x10, 0x11, 0xfe };
	static const u8 pps_msg[] = { 0x6f, 4, 0, 0, 0, 0, 5, 0, 0, 0,
				      0xff, 0x10, 0x11, 0xfe };
	struct scard_request req = { .minor = SCARD_COLD_RESET };
	struct scard_reader *r;
	u8 rx[8];
	size_t len;

	fake_register(test, f, NULL);
	r = f->dev.slots[0].reader;

	/* The probe found the card inactive: IccPowerOn alone resets it. */
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 2, 0x00, 0, 0, atr, sizeof(atr));
	KUNIT_ASSERT_EQ(test, r->reader_function[RDF_CARD_POWER](r, &req), 0);
	KUNIT_EXPECT_EQ(test, r->card.atr_len, sizeof(atr));
	EXPECT_BYTES(test, r->card.atr, atr, sizeof(atr));
	KUNIT_ASSERT_EQ(test, f->n_sent, 3U);
	KUNIT_EXPECT_EQ(test, f->sent[2][0], CCID_PC_ICC_POWER_ON);
	KUNIT_EXPECT_EQ(test, f->sent[2][CCID_OFF_P1], CCID_POWER_AUTO);

	/* Powered now: a cold reset powers it off first. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 3, 0x01, 0, 0, NULL, 0);
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 4, 0x00, 0, 0, atr, sizeof(atr));
	KUNIT_ASSERT_EQ(test, r->reader_function[RDF_CARD_POWER](r, &req), 0);
	KUNIT_ASSERT_EQ(test, f->n_sent, 5U);
	KUNIT_EXPECT_EQ(test, f->sent[3][0], CCID_PC_ICC_POWER_OFF);
	KUNIT_EXPECT_EQ(test, f->sent[4][0], CCID_PC_ICC_POWER_ON);

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 5, 0, 0, 0, pps, sizeof(pps));
	KUNIT_ASSERT_EQ(test, r->io->xfer(r, SCARD_XFER_PPS, pps, sizeof(pps),
					  rx, sizeof(rx), &len,
					  100 * NSEC_PER_MSEC), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(pps));
	EXPECT_BYTES(test, f->sent[5], pps_msg, sizeof(pps_msg));
	/* Never less than the default bound. */
	KUNIT_EXPECT_GT(test, f->recv_ms[f->n_recv - 1], 2000U);

	ccid_dev_unregister(&f->dev);
	f->registered = false;
	KUNIT_EXPECT_NULL(test, f->dev.slots[0].reader);
}

/*
 * A reader that runs PPS itself gets TA1's Fi/Di in SetParameters, and the
 * defaults when it fails; the library's own parameters change nothing.
 */
static void ccid_test_set_protocol(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const struct ccid_desc over = {
		.features = 0x000104fe,
		.protocols = CCID_PROTOCOL_T0 | CCID_PROTOCOL_T1,
		.max_data_rate = 250000,
	};
	static const u8 atr[] = { 0x3b, 0x90, 0x96, 0x01, 0x07 };
	static const u8 set1[] = { 0x61, 7, 0, 0, 0, 0, 2, 1, 0, 0,
				   0x96, 0x10, 0x00, 0x4d, 0x00, 0x20, 0x00 };
	struct scard_request req = { .minor = SCARD_PROTO_T1 };
	struct scard_reader *r;

	fake_register(test, f, &over);
	r = f->dev.slots[0].reader;
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&r->card, atr, sizeof(atr)), 0);

	ccid_fake_reply(f, CCID_RDR_PARAMETERS, 0, 2, 0x40,
			CCID_ERR_PROTOCOL_NOT_SUPP, 1, NULL, 0);
	ccid_fake_reply(f, CCID_RDR_PARAMETERS, 0, 3, 0, 0, 1, set1 + 10, 7);
	KUNIT_EXPECT_EQ(test, r->reader_function[RDF_SET_PROTOCOL](r, &req),
			0);
	KUNIT_ASSERT_EQ(test, f->n_sent, 4U);
	EXPECT_BYTES(test, f->sent[2], set1, sizeof(set1));
	KUNIT_EXPECT_EQ(test, f->sent[3][CCID_OFF_SEQ], 3);
	KUNIT_EXPECT_EQ(test, f->sent[3][CCID_HDR_LEN], 0x11);
	KUNIT_EXPECT_TRUE(test, f->dev.slots[0].timed);

	KUNIT_EXPECT_EQ(test, r->io->set_params(r, SCARD_PROTO_T1, 1, 1,
						4000), 0);
	KUNIT_EXPECT_EQ(test, f->n_sent, 4U);
}

/*
 * An APDU level reader with a fixed class of GET RESPONSE is asked for the
 * command's class at T=0 (T0APDU); one that refuses keeps its class, one
 * that echoes already is not asked.
 */
static void ccid_test_t0apdu(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const struct ccid_desc over = {
		.features = 0x000204fe,
		.protocols = CCID_PROTOCOL_T0,
		.max_data_rate = 9600,
	};
	static const u8 atr[] = { 0x3b, 0x00 };
	static const u8 params[] = { 0x11, 0x00, 0x00, 0x0a, 0x00 };
	struct scard_request req = { .minor = SCARD_PROTO_T0 };
	struct scard_reader *r;

	fake_register(test, f, &over);
	r = f->dev.slots[0].reader;
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&r->card, atr, sizeof(atr)), 0);
	f->dev.desc.class_get_response = 0x00;

	ccid_fake_reply(f, CCID_RDR_PARAMETERS, 0, 2, 0, 0, 0, params, 5);
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 3, 0, 0, 0, NULL, 0);
	KUNIT_EXPECT_EQ(test, r->reader_function[RDF_SET_PROTOCOL](r, &req),
			0);
	KUNIT_ASSERT_EQ(test, f->n_sent, 4U);
	KUNIT_EXPECT_EQ(test, f->sent[3][CCID_OFF_TYPE], CCID_PC_T0_APDU);
	EXPECT_BYTES(test, f->sent[3] + CCID_OFF_P1, "\x03\xff\xff", 3);

	/* Not supported: the reader keeps its class, the protocol is set. */
	ccid_fake_reply(f, CCID_RDR_PARAMETERS, 0, 4, 0, 0, 0, params, 5);
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 5, 0x40, 0, 0, NULL, 0);
	KUNIT_EXPECT_EQ(test, r->reader_function[RDF_SET_PROTOCOL](r, &req),
			0);
	KUNIT_EXPECT_EQ(test, f->n_sent, 6U);

	/* Both classes echo the command's: nothing to ask. */
	f->dev.desc.class_get_response = 0xff;
	ccid_fake_reply(f, CCID_RDR_PARAMETERS, 0, 6, 0, 0, 0, params, 5);
	KUNIT_EXPECT_EQ(test, r->reader_function[RDF_SET_PROTOCOL](r, &req),
			0);
	KUNIT_EXPECT_EQ(test, f->n_sent, 7U);
	KUNIT_EXPECT_EQ(test, f->sent[6][CCID_OFF_TYPE], CCID_PC_SET_PARAMETERS);
}

/*
 * The clock of an idle card that allows it stops (IccClock), and starts
 * again before the next exchange; a reader that refuses is not asked
 * again.
 */
static void ccid_test_clock_stop(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const struct ccid_desc over = {
		.features = 0x000105fe,
		.protocols = CCID_PROTOCOL_T0,
		.max_data_rate = 9600,
	};
	/* T=0, clock stop in state L (T=15 TA: XI 01) */
	static const u8 atr[] = { 0x3b, 0x80, 0x80, 0x1f, 0x47, 0x58 };
	static const u8 params[] = { 0x11, 0x00, 0x00, 0x0a, 0x01 };
	static const u8 tpdu[] = { 0x00, 0xa4, 0x00, 0x00, 0x00 };
	struct scard_request req = { .minor = SCARD_PROTO_T0 };
	struct scard_reader *r;
	u8 rx[8];
	size_t len;

	fake_register(test, f, &over);
	r = f->dev.slots[0].reader;
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&r->card, atr, sizeof(atr)), 0);
	KUNIT_ASSERT_EQ(test, r->card.clock_stop, 1);

	ccid_fake_reply(f, CCID_RDR_PARAMETERS, 0, 2, 0, 0, 0, params, 5);
	KUNIT_ASSERT_EQ(test, r->reader_function[RDF_SET_PROTOCOL](r, &req),
			0);
	/* bClockStop: the card's XI */
	KUNIT_EXPECT_EQ(test, f->sent[2][CCID_HDR_LEN + 4], 1);

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 3, 0, 0, 0,
			(const u8 *)"\x90\x00", 2);
	KUNIT_ASSERT_EQ(test, r->io->xfer(r, SCARD_XFER_DATA, tpdu,
					  sizeof(tpdu), rx, sizeof(rx), &len,
					  100 * NSEC_PER_MSEC), 0);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&f->dev.clock_work));
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 4, 0, 0, 1, NULL, 0);
	flush_delayed_work(&f->dev.clock_work);
	KUNIT_ASSERT_EQ(test, f->n_sent, 5U);
	KUNIT_EXPECT_EQ(test, f->sent[4][CCID_OFF_TYPE], CCID_PC_ICC_CLOCK);
	KUNIT_EXPECT_EQ(test, f->sent[4][CCID_OFF_P1], 1);
	KUNIT_EXPECT_TRUE(test, f->dev.slots[0].clock_stopped);

	/* The next exchange restarts the clock first. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 5, 0, 0, 0, NULL, 0);
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 6, 0, 0, 0,
			(const u8 *)"\x90\x00", 2);
	KUNIT_ASSERT_EQ(test, r->io->xfer(r, SCARD_XFER_DATA, tpdu,
					  sizeof(tpdu), rx, sizeof(rx), &len,
					  100 * NSEC_PER_MSEC), 0);
	KUNIT_ASSERT_EQ(test, f->n_sent, 7U);
	KUNIT_EXPECT_EQ(test, f->sent[5][CCID_OFF_TYPE], CCID_PC_ICC_CLOCK);
	KUNIT_EXPECT_EQ(test, f->sent[5][CCID_OFF_P1], 0);
	KUNIT_EXPECT_EQ(test, f->sent[6][CCID_OFF_TYPE], CCID_PC_XFR_BLOCK);
	KUNIT_EXPECT_FALSE(test, f->dev.slots[0].clock_stopped);

	/* A reader that refuses: not asked again. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 7, 0x40, 0, 0, NULL, 0);
	flush_delayed_work(&f->dev.clock_work);
	KUNIT_EXPECT_EQ(test, f->n_sent, 8U);
	KUNIT_EXPECT_EQ(test, f->dev.slots[0].clock_stop, 0);
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 8, 0, 0, 0,
			(const u8 *)"\x90\x00", 2);
	KUNIT_ASSERT_EQ(test, r->io->xfer(r, SCARD_XFER_DATA, tpdu,
					  sizeof(tpdu), rx, sizeof(rx), &len,
					  100 * NSEC_PER_MSEC), 0);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&f->dev.clock_work));
	KUNIT_EXPECT_EQ(test, f->n_sent, 9U);
}

/* Character level: a turn is one XfrBlock, the bytes and those to read. */
static void ccid_test_char_level(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	static const struct ccid_desc over = {
		.protocols = CCID_PROTOCOL_T0,
	};
	static const u8 tx[] = { 0xa0, 0xa4, 0x00 };
	static const u8 msg[] = { 0x6f, 3, 0, 0, 0, 0, 2, 0, 2, 0,
				  0xa0, 0xa4, 0x00 };
	static const u8 proc[] = { 0xa4, 0x90, 0x00 };
	struct scard_reader *r;
	u8 rx[4];
	size_t got;

	fake_register(test, f, &over);
	r = f->dev.slots[0].reader;
	KUNIT_ASSERT_EQ(test, r->caps.level, SCARD_LEVEL_CHAR);

	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 2, 0, 0, 0, proc, 2);
	KUNIT_EXPECT_EQ(test, r->io->transceive(r, tx, sizeof(tx), rx, 2, &got,
						NSEC_PER_MSEC, NSEC_PER_MSEC),
			0);
	KUNIT_EXPECT_EQ(test, got, 2);
	KUNIT_EXPECT_EQ(test, f->n_sent, 3U);
	EXPECT_BYTES(test, f->sent[2], msg, sizeof(msg));

	/* Nothing to send; the card stops after one byte of three. */
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, 0, 3, 0x40, CCID_ERR_ICC_MUTE, 0,
			proc + 2, 1);
	KUNIT_EXPECT_EQ(test, r->io->transceive(r, NULL, 0, rx, 3, &got,
						NSEC_PER_MSEC, NSEC_PER_MSEC),
			-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, got, 1);
	KUNIT_EXPECT_EQ(test, f->sent_len[3], CCID_HDR_LEN);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(f->sent[3] + 8), 3);
	KUNIT_EXPECT_EQ(test, f->n_abort, 0U);
}

/*
 * The slot poll never waits for the device: while a command holds it (a
 * mute card, or a task frozen for a suspend), the poll comes back later
 * instead of blocking its workqueue.
 */
static void ccid_test_poll_busy(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	u8 msg[2] = { 0x50, 0x02 };	/* slot 0: out, changed */
	struct scard_reader *r0;

	fake_register(test, f, NULL);
	r0 = f->dev.slots[0].reader;
	KUNIT_ASSERT_EQ(test, ccid_io_lock(&f->dev, FAKE_SLOT), 0);
	ccid_notify(&f->dev, msg, sizeof(msg));
	msleep(CCID_POLL_DELAY_MS + 100);
	KUNIT_EXPECT_FALSE(test, work_busy(&f->dev.poll_work.work) &
			   WORK_BUSY_RUNNING);
	KUNIT_EXPECT_EQ(test, f->n_sent, 2U);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_ABSENT);

	/* The device free again, the poll asks. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 2, 0x02, 0, 0, NULL, 0);
	ccid_io_unlock(&f->dev, FAKE_SLOT);
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_EQ(test, f->n_sent, 3U);
	KUNIT_EXPECT_EQ(test, f->sent[2][CCID_OFF_TYPE], CCID_PC_GET_SLOT_STATUS);
}

/*
 * Suspend: nothing goes to the device, notifications are dropped; resume
 * asks every slot again, and the cards keep their state.
 */
static void ccid_test_halt_resume(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	u8 msg[2] = { 0x50, 0x02 };	/* slot 0: out, changed */
	struct scard_reader *r0;
	u64 events;
	u8 icc;

	fake_register(test, f, NULL);
	r0 = f->dev.slots[0].reader;
	scard_set_state(r0, SCARD_CARD_NEGOTIABLE);
	events = r0->events;

	ccid_dev_halt(&f->dev);
	KUNIT_EXPECT_EQ(test, ccid_slot_status(&f->dev, 0, &icc), -EIO);
	ccid_notify(&f->dev, msg, sizeof(msg));
	msleep(CCID_POLL_DELAY_MS + 50);
	KUNIT_EXPECT_EQ(test, f->n_sent, 2U);
	KUNIT_EXPECT_EQ(test, r0->events, events);

	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 2, 0x00, 0, 0, NULL, 0);
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 1, 3, 0x02, 0, 0, NULL, 0);
	ccid_dev_resume(&f->dev);
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_ASSERT_EQ(test, f->n_sent, 4U);
	KUNIT_EXPECT_EQ(test, f->sent[2][CCID_OFF_SLOT], 0);
	KUNIT_EXPECT_EQ(test, f->sent[3][CCID_OFF_SLOT], 1);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_NEGOTIABLE);
	KUNIT_EXPECT_EQ(test, r0->events, events);
}

struct reset_waiter {
	struct ccid_fake *f;
	struct completion done;
	int ret;
};

static int reset_waiter_fn(void *data)
{
	struct reset_waiter *w = data;

	w->ret = ccid_io_lock(&w->f->dev, FAKE_SLOT);
	if (!w->ret)
		ccid_io_unlock(&w->f->dev, FAKE_SLOT);
	complete(&w->done);

	return 0;
}

/*
 * A USB reset by another program: the device is held from pre_reset to
 * post_reset, and the powered card is reported as reset (unpowered, still
 * present: no event), while the absent one stays absent.
 */
static void ccid_test_reset(struct kunit *test)
{
	struct ccid_fake *f = test->priv;
	struct reset_waiter w = { .f = f };
	struct scard_reader *r0, *r1;
	struct task_struct *t;
	bool done;
	u64 events;

	fake_register(test, f, NULL);
	r0 = f->dev.slots[0].reader;
	r1 = f->dev.slots[1].reader;
	scard_set_state(r0, SCARD_CARD_SPECIFIC);
	events = r0->events;
	init_completion(&w.done);

	ccid_dev_pre_reset(&f->dev);
	/* A request meanwhile waits for the reset to end. */
	t = kthread_run(reset_waiter_fn, &w, "ccid-reset-waiter");
	if (IS_ERR(t)) {
		ccid_dev_post_reset(&f->dev);
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(t));
		return;
	}
	msleep(50);
	KUNIT_EXPECT_FALSE(test, completion_done(&w.done));
	KUNIT_EXPECT_EQ(test, f->n_sent, 2U);

	/* The poll of both slots afterwards. */
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 0, 2, 0x01, 0, 0, NULL, 0);
	ccid_fake_reply(f, CCID_RDR_SLOT_STATUS, 1, 3, 0x02, 0, 0, NULL, 0);
	ccid_dev_post_reset(&f->dev);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_SWALLOWED);
	KUNIT_EXPECT_EQ(test, scard_get_state(r1), SCARD_CARD_ABSENT);
	KUNIT_EXPECT_EQ(test, r0->events, events);

	/* w lives on this stack: wait for the thread in any case. */
	done = wait_for_completion_timeout(&w.done, 5 * HZ);
	if (!done)
		wait_for_completion(&w.done);
	KUNIT_EXPECT_TRUE(test, done);
	KUNIT_EXPECT_EQ(test, w.ret, 0);
	flush_delayed_work(&f->dev.poll_work);
	KUNIT_EXPECT_EQ(test, f->n_sent, 4U);
	KUNIT_EXPECT_EQ(test, scard_get_state(r0), SCARD_CARD_SWALLOWED);
	KUNIT_EXPECT_EQ(test, scard_get_state(r1), SCARD_CARD_ABSENT);
	KUNIT_EXPECT_EQ(test, r0->events, events);
}

/* A reader that does not answer: one bounded attempt, readers all the same. */
static void ccid_test_register_mute(struct kunit *test)
{
	struct ccid_fake *f = test->priv;

	KUNIT_ASSERT_EQ(test, ccid_desc_parse(&f->dev.desc, qemu_desc,
					      sizeof(qemu_desc)), 0);
	f->dev.desc.max_slot_index = 2;
	KUNIT_ASSERT_EQ(test, ccid_dev_register(&f->dev), 0);
	f->registered = true;
	KUNIT_EXPECT_EQ(test, f->n_sent, 2U);
	KUNIT_EXPECT_EQ(test, f->sent[1][CCID_OFF_TYPE], CCID_PC_ABORT);
	KUNIT_EXPECT_EQ(test, f->n_abort, 1U);
	KUNIT_EXPECT_EQ(test, scard_get_state(f->dev.slots[0].reader),
			SCARD_CARD_ABSENT);
	KUNIT_EXPECT_EQ(test, scard_get_state(f->dev.slots[2].reader),
			SCARD_CARD_ABSENT);
}

static void ccid_test_register_bad(struct kunit *test)
{
	struct ccid_fake *f = test->priv;

	f->dev.desc.max_msg_len = 271;
	f->dev.desc.protocols = 1;
	f->dev.desc.max_slot_index = 16;
	KUNIT_EXPECT_EQ(test, ccid_dev_register(&f->dev), -EINVAL);
	KUNIT_EXPECT_EQ(test, f->n_sent, 0U);
	KUNIT_EXPECT_NULL(test, f->dev.msg_buf);
}

static struct kunit_case ccid_dev_test_cases[] = {
	KUNIT_CASE_PARAM(ccid_test_desc_check, desc_gen_params),
	KUNIT_CASE(ccid_test_desc_parse),
	KUNIT_CASE(ccid_test_register),
	KUNIT_CASE(ccid_test_latched_change),
	KUNIT_CASE(ccid_test_swap_first),
	KUNIT_CASE(ccid_test_power_during_poll),
	KUNIT_CASE(ccid_test_power_and_pps),
	KUNIT_CASE(ccid_test_set_protocol),
	KUNIT_CASE(ccid_test_t0apdu),
	KUNIT_CASE(ccid_test_clock_stop),
	KUNIT_CASE(ccid_test_char_level),
	KUNIT_CASE(ccid_test_poll_busy),
	KUNIT_CASE(ccid_test_halt_resume),
	KUNIT_CASE(ccid_test_reset),
	KUNIT_CASE(ccid_test_register_mute),
	KUNIT_CASE(ccid_test_register_bad),
	{}
};

struct kunit_suite ccid_dev_test_suite = {
	.name = "scard_ccid_dev",
	.suite_init = ccid_suite_init,
	.suite_exit = ccid_suite_exit,
	.init = ccid_test_init,
	.exit = ccid_test_exit,
	.test_cases = ccid_dev_test_cases,
};
