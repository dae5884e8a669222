// SPDX-License-Identifier: GPL-2.0
/*
 * The scripted CCID transport of the scard_ccid KUnit suites, their
 * fixture, and the module.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/module.h>

#include "../compat.h"
#include "scard_ccid_test.h"

struct device *ccid_fake_parent;

static struct ccid_fake *to_fake(struct ccid_dev *dev)
{
	return container_of(dev, struct ccid_fake, dev);
}

static int fake_send(struct ccid_dev *dev, const u8 *msg, size_t len)
{
	struct ccid_fake *f = to_fake(dev);

	if (f->n_sent < FAKE_SENT_MAX) {
		memcpy(f->sent[f->n_sent], msg, min_t(size_t, len, FAKE_MSG_MAX));
		f->sent_len[f->n_sent] = len;
	}
	f->n_sent++;

	return 0;
}

static int fake_recv(struct ccid_dev *dev, u8 *buf, size_t size, size_t *len,
		     unsigned int timeout_ms)
{
	struct ccid_fake *f = to_fake(dev);
	struct fake_xfer *x;

	if (f->n_recv < FAKE_SCRIPT_MAX)
		f->recv_ms[f->n_recv] = timeout_ms;
	f->n_recv++;
	if (f->pos >= f->n_script)
		return -ETIMEDOUT;

	x = &f->script[f->pos];
	if (x->delay_ms > timeout_ms) {
		msleep(timeout_ms);
		return -ETIMEDOUT;
	}
	f->pos++;
	if (x->delay_ms)
		msleep(x->delay_ms);
	if (x->ret)
		return x->ret;
	if (x->overrun) {
		*len = size + 1;
		return 0;
	}
	*len = min(x->len, size);
	memcpy(buf, x->buf, *len);

	return 0;
}

static int fake_abort(struct ccid_dev *dev, u8 slot, u8 seq)
{
	struct ccid_fake *f = to_fake(dev);

	f->n_abort++;
	f->abort_pos = f->pos;
	f->abort_slot = slot;
	f->abort_seq = seq;

	return 0;
}

static const struct ccid_transport_ops fake_ops = {
	.send = fake_send,
	.recv = fake_recv,
	.abort = fake_abort,
};

struct fake_xfer *ccid_fake_next(struct ccid_fake *f)
{
	KUNIT_ASSERT_LT(f->test, f->n_script, FAKE_SCRIPT_MAX);
	return &f->script[f->n_script++];
}

void ccid_fake_push(struct ccid_fake *f, const u8 *buf, size_t len)
{
	struct fake_xfer *x = ccid_fake_next(f);

	x->buf = kunit_kzalloc(f->test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(f->test, x->buf);
	memcpy(x->buf, buf, len);
	x->len = len;
}

void ccid_fake_push_ret(struct ccid_fake *f, int ret)
{
	ccid_fake_next(f)->ret = ret;
}

/* The last transfer pushed comes @ms after the receive started. */
void ccid_fake_delay(struct ccid_fake *f, unsigned int ms)
{
	KUNIT_ASSERT_GT(f->test, f->n_script, 0U);
	f->script[f->n_script - 1].delay_ms = ms;
}

/* A well formed reply, abData @data. */
void ccid_fake_reply(struct ccid_fake *f, u8 type, u8 slot, u8 seq, u8 status,
		     u8 error, u8 param, const u8 *data, size_t dlen)
{
	u8 buf[CCID_HDR_LEN + 128] = { type, 0, 0, 0, 0, slot, seq, status,
				       error, param };

	KUNIT_ASSERT_LE(f->test, dlen, sizeof(buf) - CCID_HDR_LEN);
	put_unaligned_le32(dlen, buf + CCID_OFF_LEN);
	if (dlen)
		memcpy(buf + CCID_HDR_LEN, data, dlen);
	ccid_fake_push(f, buf, CCID_HDR_LEN + dlen);
}

void ccid_fake_block(struct ccid_fake *f, u8 seq, u8 chain, const u8 *data,
		     size_t dlen)
{
	ccid_fake_reply(f, CCID_RDR_DATA_BLOCK, FAKE_SLOT, seq, 0, 0, chain, data,
			dlen);
}

/*
 * A device with @slots slots, its message layer up, next bSeq FAKE_SEQ, in
 * step with the reader (a reply matched before: a transfer with a wrong
 * bSeq fails the command unless its bSeq is an orphan).
 */
struct ccid_fake *ccid_fake_dev(struct kunit *test, u32 features, u32 max_msg_len,
				unsigned int slots)
{
	struct ccid_fake *f = test->priv;
	unsigned int i;

	f->dev.desc.features = features;
	f->dev.desc.max_msg_len = max_msg_len;
	f->dev.desc.max_slot_index = slots - 1;
	f->dev.desc.protocols = CCID_PROTOCOL_T0 | CCID_PROTOCOL_T1;
	KUNIT_ASSERT_EQ(test, ccid_msg_init(&f->dev), 0);
	f->msg_init = true;
	f->dev.seq = FAKE_SEQ;
	f->dev.synced = true;
	f->dev.num_slots = slots;
	for (i = 0; i < slots; i++)
		f->dev.slots[i] = (struct ccid_slot){ .dev = &f->dev, .index = i };
	ccid_notify_start(&f->dev);

	return f;
}

int ccid_test_init(struct kunit *test)
{
	struct ccid_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->test = test;
	f->dev.parent = ccid_fake_parent;
	f->dev.ops = &fake_ops;
	test->priv = f;

	return 0;
}

void ccid_test_exit(struct kunit *test)
{
	struct ccid_fake *f = test->priv;

	if (f->registered)
		ccid_dev_unregister(&f->dev);
	else if (f->msg_init)
		ccid_msg_exit(&f->dev);
}

int ccid_suite_init(struct kunit_suite *suite)
{
	ccid_fake_parent = __root_device_register(suite->name, NULL);

	return PTR_ERR_OR_ZERO(ccid_fake_parent);
}

void ccid_suite_exit(struct kunit_suite *suite)
{
	root_device_unregister(ccid_fake_parent);
}

const struct ccid_wait ccid_wait_3s = { .timeout_ms = 3000 };

kunit_test_suites(&ccid_msg_test_suite, &ccid_dev_test_suite,
		  &ccid_twin_test_suite, &ccid_pin_test_suite,
		  &ccid_slots_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the scard CCID message layer and reader glue");
MODULE_LICENSE("GPL");
