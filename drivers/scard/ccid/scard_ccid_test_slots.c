// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: several slots of one reader busy at once (msg.c, rx.c). A
 * reader model that answers each command when it is sent, in any order:
 * the test holds a slot's reply back and lets it go, so that the order of
 * the replies, not the time, shows that the slots do not wait for each
 * other.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "../compat.h"
#include "scard_ccid_test.h"

#define SLOTS_MAX		4
#define SLOTS_QUEUE		16
#define SLOTS_MSG		32
#define SLOTS_SENT		32

struct slots_reply {
	u8 buf[SLOTS_MSG];
	size_t len;
};

struct slots_fake {
	struct ccid_dev dev;
	spinlock_t lock;		/* everything below */
	wait_queue_head_t wait;
	struct slots_reply queue[SLOTS_QUEUE];
	unsigned int head, tail;
	bool hold[SLOTS_MAX];		/* keep the slot's replies back */
	bool time_ext[SLOTS_MAX];	/* ask for time before replying */
	bool wrong_slot[SLOTS_MAX];	/* reply with the next slot's number */
	struct slots_reply held[SLOTS_MAX];
	bool has_held[SLOTS_MAX];
	u8 sent_type[SLOTS_SENT];
	u8 sent_slot[SLOTS_SENT];
	unsigned int n_sent;
	unsigned int in_recv;		/* tasks in recv now */
	unsigned int max_in_recv;
	bool overlap;			/* send ran while a recv waited */
	bool gone;			/* unplugged: recv fails */
};

static struct slots_fake *to_slots(struct ccid_dev *dev)
{
	return container_of(dev, struct slots_fake, dev);
}

static void slots_build(struct slots_reply *r, u8 type, u8 slot, u8 seq,
			u8 status, u8 error, const u8 *data, size_t len)
{
	len = min_t(size_t, len, SLOTS_MSG - CCID_HDR_LEN);
	memset(r->buf, 0, CCID_HDR_LEN);
	r->buf[CCID_OFF_TYPE] = type;
	put_unaligned_le32(len, r->buf + CCID_OFF_LEN);
	r->buf[CCID_OFF_SLOT] = slot;
	r->buf[CCID_OFF_SEQ] = seq;
	r->buf[CCID_OFF_P1] = status;
	r->buf[CCID_OFF_P2] = error;
	memcpy(r->buf + CCID_HDR_LEN, data, len);
	r->len = CCID_HDR_LEN + len;
}

/* Under lock. */
static void slots_queue(struct slots_fake *f, const struct slots_reply *r)
{
	if (f->tail - f->head < SLOTS_QUEUE)
		f->queue[f->tail++ % SLOTS_QUEUE] = *r;
}

/* Answers XfrBlock with its data and 90 00, the others with a status. */
static int slots_send(struct ccid_dev *dev, const u8 *msg, size_t len)
{
	struct slots_fake *f = to_slots(dev);
	u8 slot = msg[CCID_OFF_SLOT], seq = msg[CCID_OFF_SEQ];
	u8 type = msg[CCID_OFF_TYPE];
	struct slots_reply r, ext;
	u8 data[SLOTS_MSG];
	size_t n = 0;

	if (type == CCID_PC_XFR_BLOCK) {
		n = min_t(size_t, len - CCID_HDR_LEN, sizeof(data) - 12);
		memcpy(data, msg + CCID_HDR_LEN, n);
		data[n++] = 0x90;
		data[n++] = 0x00;
	}
	slots_build(&r, ccid_reply_type(type),
		    slot < SLOTS_MAX && f->wrong_slot[slot] ? slot + 1 : slot,
		    seq, 0, 0, data, n);
	slots_build(&ext, ccid_reply_type(type), slot, seq, 0x80, 1, NULL, 0);

	spin_lock(&f->lock);
	if (f->in_recv)
		f->overlap = true;
	if (f->n_sent < SLOTS_SENT) {
		f->sent_type[f->n_sent] = type;
		f->sent_slot[f->n_sent] = slot;
	}
	f->n_sent++;
	if (slot < SLOTS_MAX && type != CCID_PC_ABORT && f->time_ext[slot])
		slots_queue(f, &ext);
	if (slot < SLOTS_MAX && type != CCID_PC_ABORT && f->hold[slot]) {
		f->held[slot] = r;
		f->has_held[slot] = true;
	} else {
		slots_queue(f, &r);
	}
	spin_unlock(&f->lock);
	wake_up_all(&f->wait);

	return 0;
}

static bool slots_ready(struct slots_fake *f)
{
	bool ready;

	spin_lock(&f->lock);
	ready = f->head != f->tail || f->gone;
	spin_unlock(&f->lock);

	return ready;
}

static int slots_recv(struct ccid_dev *dev, u8 *buf, size_t size,
		      size_t *len, unsigned int timeout_ms)
{
	struct slots_fake *f = to_slots(dev);
	struct slots_reply *r;
	long left;
	int ret = 0;

	spin_lock(&f->lock);
	f->in_recv++;
	f->max_in_recv = max(f->max_in_recv, f->in_recv);
	spin_unlock(&f->lock);

	left = wait_event_killable_timeout(f->wait, slots_ready(f),
					   msecs_to_jiffies(timeout_ms));

	spin_lock(&f->lock);
	f->in_recv--;
	if (left < 0) {
		ret = -EINTR;
	} else if (f->gone) {
		ret = -ENODEV;
	} else if (f->head == f->tail) {
		ret = -ETIMEDOUT;
	} else {
		r = &f->queue[f->head++ % SLOTS_QUEUE];
		*len = min(r->len, size);
		memcpy(buf, r->buf, *len);
	}
	spin_unlock(&f->lock);

	return ret;
}

static const struct ccid_transport_ops slots_ops = {
	.send = slots_send,
	.recv = slots_recv,
	.concurrent = true,
};

static const struct ccid_transport_ops slots_serial_ops = {
	.send = slots_send,
	.recv = slots_recv,
};

/* Lets the held reply of @slot go. */
static void slots_release(struct slots_fake *f, u8 slot)
{
	spin_lock(&f->lock);
	f->hold[slot] = false;
	if (f->has_held[slot]) {
		slots_queue(f, &f->held[slot]);
		f->has_held[slot] = false;
	}
	spin_unlock(&f->lock);
	wake_up_all(&f->wait);
}

static unsigned int slots_sent(struct slots_fake *f)
{
	unsigned int n;

	spin_lock(&f->lock);
	n = f->n_sent;
	spin_unlock(&f->lock);

	return n;
}

static unsigned int slots_receivers(struct slots_fake *f)
{
	unsigned int n;

	spin_lock(&f->lock);
	n = f->in_recv;
	spin_unlock(&f->lock);

	return n;
}

static struct slots_fake *slots_dev(struct kunit *test, unsigned int slots,
				    u8 busy, const struct ccid_transport_ops *ops)
{
	struct slots_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	spin_lock_init(&f->lock);
	init_waitqueue_head(&f->wait);
	f->dev.parent = ccid_fake_parent;
	f->dev.ops = ops;
	f->dev.desc.features = CCID_FEAT_LEVEL_SHORT_APDU;
	f->dev.desc.max_msg_len = 271;
	f->dev.desc.max_slot_index = slots - 1;
	f->dev.desc.max_busy_slots = busy;
	f->dev.desc.protocols = CCID_PROTOCOL_T0 | CCID_PROTOCOL_T1;
	KUNIT_ASSERT_EQ(test, ccid_msg_init(&f->dev), 0);
	f->dev.synced = true;
	f->dev.num_slots = slots;
	for (i = 0; i < slots; i++)
		f->dev.slots[i] = (struct ccid_slot){ .dev = &f->dev, .index = i };
	test->priv = f;

	return f;
}

static void slots_exit(struct kunit *test)
{
	struct slots_fake *f = test->priv;

	if (f)
		ccid_msg_exit(&f->dev);
}

struct slots_cmd {
	struct slots_fake *f;
	u8 slot;
	unsigned int timeout_ms;
	u8 rx[16];
	size_t rx_len;
	int ret;
	struct completion done;
};

static int slots_cmd_fn(void *data)
{
	struct slots_cmd *c = data;
	struct ccid_wait w = { .timeout_ms = c->timeout_ms };
	u8 tx[4] = { 0x00, 0xb0, c->slot, 0x00 };

	c->ret = ccid_xfr_block(&c->f->dev, c->slot, 0, 0, tx, sizeof(tx),
				c->rx, sizeof(c->rx), &c->rx_len, &w);
	complete(&c->done);

	return 0;
}

static void slots_start(struct kunit *test, struct slots_fake *f,
			struct slots_cmd *c, u8 slot, unsigned int timeout_ms)
{
	struct task_struct *t;

	c->f = f;
	c->slot = slot;
	c->timeout_ms = timeout_ms;
	init_completion(&c->done);
	t = kthread_run(slots_cmd_fn, c, "ccid-slot%u", slot);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
}

/* Waits (bounded) until @get(@f) is @want. */
static bool slots_until(struct slots_fake *f,
			unsigned int (*get)(struct slots_fake *f),
			unsigned int want)
{
	unsigned int i;

	for (i = 0; i < 150 && get(f) != want; i++)
		msleep(20);
	return get(f) == want;
}

static void slots_expect_reply(struct kunit *test, struct slots_cmd *c)
{
	u8 want[6] = { 0x00, 0xb0, c->slot, 0x00, 0x90, 0x00 };

	KUNIT_EXPECT_EQ(test, c->ret, 0);
	KUNIT_ASSERT_EQ(test, c->rx_len, sizeof(want));
	EXPECT_BYTES(test, c->rx, want, sizeof(want));
}

/* bMaxCCIDBusySlots, within the slots, for a concurrent transport only. */
static void slots_test_max_busy(struct kunit *test)
{
	struct slots_fake *f;

	f = slots_dev(test, 2, 4, &slots_ops);
	KUNIT_EXPECT_EQ(test, f->dev.max_busy, 2U);
	ccid_msg_exit(&f->dev);
	f = slots_dev(test, 4, 0, &slots_ops);
	KUNIT_EXPECT_EQ(test, f->dev.max_busy, 1U);
	ccid_msg_exit(&f->dev);
	f = slots_dev(test, 4, 3, &slots_ops);
	KUNIT_EXPECT_EQ(test, f->dev.max_busy, 3U);
	ccid_msg_exit(&f->dev);
	f = slots_dev(test, 4, 4, &slots_serial_ops);
	KUNIT_EXPECT_EQ(test, f->dev.max_busy, 1U);
}

/*
 * Slot 0's card takes its time: slot 1's command goes out and is
 * answered meanwhile, its reply read by slot 0's task and handed over.
 */
static void slots_test_parallel(struct kunit *test)
{
	struct slots_fake *f = slots_dev(test, 2, 2, &slots_ops);
	struct slots_cmd a, b;

	f->hold[0] = true;
	slots_start(test, f, &a, 0, 3000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_receivers, 1));

	slots_start(test, f, &b, 1, 3000);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 3 * HZ));
	slots_expect_reply(test, &b);
	KUNIT_EXPECT_FALSE(test, completion_done(&a.done));
	KUNIT_EXPECT_TRUE(test, f->overlap);
	KUNIT_EXPECT_EQ(test, f->max_in_recv, 1U);

	slots_release(f, 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&a.done, 3 * HZ));
	slots_expect_reply(test, &a);
	KUNIT_EXPECT_EQ(test, slots_sent(f), 2U);
}

/*
 * The other way round: slot 1's task waits while slot 0's reads; slot 0
 * is answered first and leaves, slot 1's task reads its own reply.
 */
static void slots_test_handover(struct kunit *test)
{
	struct slots_fake *f = slots_dev(test, 2, 2, &slots_ops);
	struct slots_cmd a, b;

	f->hold[0] = true;
	f->hold[1] = true;
	slots_start(test, f, &a, 0, 3000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_receivers, 1));
	slots_start(test, f, &b, 1, 3000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_sent, 2));

	slots_release(f, 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&a.done, 3 * HZ));
	slots_expect_reply(test, &a);
	KUNIT_EXPECT_FALSE(test, completion_done(&b.done));

	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_receivers, 1));
	slots_release(f, 1);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 3 * HZ));
	slots_expect_reply(test, &b);
}

/* One busy slot (most readers): slot 1 waits until slot 0 is done. */
static void slots_test_one_busy(struct kunit *test)
{
	struct slots_fake *f = slots_dev(test, 2, 1, &slots_ops);
	struct slots_cmd a, b;

	f->hold[0] = true;
	slots_start(test, f, &a, 0, 3000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_receivers, 1));
	slots_start(test, f, &b, 1, 3000);
	msleep(100);
	KUNIT_EXPECT_EQ(test, slots_sent(f), 1U);
	KUNIT_EXPECT_FALSE(test, completion_done(&b.done));

	slots_release(f, 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&a.done, 3 * HZ));
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 3 * HZ));
	slots_expect_reply(test, &a);
	slots_expect_reply(test, &b);
	KUNIT_EXPECT_FALSE(test, f->overlap);
}

/* A time extension for the slot whose task does not read is passed on. */
static void slots_test_time_ext(struct kunit *test)
{
	struct slots_fake *f = slots_dev(test, 2, 2, &slots_ops);
	struct slots_cmd a, b;

	f->hold[0] = true;
	f->time_ext[1] = true;
	slots_start(test, f, &a, 0, 3000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_receivers, 1));
	slots_start(test, f, &b, 1, 3000);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 3 * HZ));
	slots_expect_reply(test, &b);

	slots_release(f, 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&a.done, 3 * HZ));
	slots_expect_reply(test, &a);
}

/*
 * A reply with slot 1's bSeq but another bSlot, read by slot 0's task:
 * slot 1's command fails, slot 0's ends well, and slot 1 works again.
 */
static void slots_test_wrong_slot(struct kunit *test)
{
	struct slots_fake *f = slots_dev(test, 2, 2, &slots_ops);
	struct slots_cmd a, b;

	f->hold[0] = true;
	f->wrong_slot[1] = true;
	slots_start(test, f, &a, 0, 3000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_receivers, 1));
	slots_start(test, f, &b, 1, 3000);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 3 * HZ));
	KUNIT_EXPECT_EQ(test, b.ret, -EPROTO);
	KUNIT_EXPECT_FALSE(test, completion_done(&a.done));

	slots_release(f, 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&a.done, 3 * HZ));
	slots_expect_reply(test, &a);

	f->wrong_slot[1] = false;
	slots_start(test, f, &b, 1, 3000);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 3 * HZ));
	slots_expect_reply(test, &b);
}

/*
 * Slot 1's card is mute: its command times out while slot 0's task
 * reads, and is aborted (the Abort's answer read by slot 0's task). Its
 * late reply, when it comes, is skipped: slot 0's command still ends
 * well, and so does the next command of slot 1.
 */
static void slots_test_timeout(struct kunit *test)
{
	struct slots_fake *f = slots_dev(test, 2, 2, &slots_ops);
	struct slots_cmd a, b;
	unsigned int i, aborts = 0;

	f->hold[0] = true;
	f->hold[1] = true;
	slots_start(test, f, &a, 0, 5000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_receivers, 1));
	slots_start(test, f, &b, 1, 200);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 3 * HZ));
	KUNIT_EXPECT_EQ(test, b.ret, -ETIMEDOUT);
	KUNIT_EXPECT_FALSE(test, completion_done(&a.done));
	spin_lock(&f->lock);
	for (i = 0; i < min(f->n_sent, SLOTS_SENT); i++)
		if (f->sent_type[i] == CCID_PC_ABORT && f->sent_slot[i] == 1)
			aborts++;
	spin_unlock(&f->lock);
	KUNIT_EXPECT_EQ(test, aborts, 1U);

	slots_release(f, 1);	/* the late reply */
	slots_release(f, 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&a.done, 3 * HZ));
	slots_expect_reply(test, &a);

	slots_start(test, f, &b, 1, 3000);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 3 * HZ));
	slots_expect_reply(test, &b);
}

/*
 * The reader unplugged while two slots wait: the one that reads learns it
 * from the transport, the other at once from the message layer.
 */
static void slots_test_gone(struct kunit *test)
{
	struct slots_fake *f = slots_dev(test, 2, 2, &slots_ops);
	struct slots_cmd a, b;

	f->hold[0] = true;
	f->hold[1] = true;
	slots_start(test, f, &a, 0, 5000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_receivers, 1));
	slots_start(test, f, &b, 1, 5000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_sent, 2));

	/* What ccid_dev_unregister() and the transport's disconnect do. */
	WRITE_ONCE(f->dev.gone, true);
	wake_up_all(&f->dev.rx_wait);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, HZ));
	KUNIT_EXPECT_EQ(test, b.ret, -ENODEV);
	KUNIT_EXPECT_FALSE(test, completion_done(&a.done));
	spin_lock(&f->lock);
	f->gone = true;
	spin_unlock(&f->lock);
	wake_up_all(&f->wait);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&a.done, HZ));
	KUNIT_EXPECT_EQ(test, a.ret, -ENODEV);
}

/* Four slots, each waiting while the others are answered in reverse. */
static void slots_test_four(struct kunit *test)
{
	struct slots_fake *f = slots_dev(test, 4, 4, &slots_ops);
	struct slots_cmd c[4];
	int i;

	for (i = 0; i < 4; i++)
		f->hold[i] = true;
	for (i = 0; i < 4; i++)
		slots_start(test, f, &c[i], i, 5000);
	KUNIT_ASSERT_TRUE(test, slots_until(f, slots_sent, 4));
	for (i = 3; i >= 0; i--) {
		slots_release(f, i);
		KUNIT_ASSERT_TRUE(test,
				  wait_for_completion_timeout(&c[i].done, 3 * HZ));
		slots_expect_reply(test, &c[i]);
	}
	KUNIT_EXPECT_EQ(test, f->max_in_recv, 1U);
}

static struct kunit_case ccid_slots_test_cases[] = {
	KUNIT_CASE(slots_test_max_busy),
	KUNIT_CASE(slots_test_parallel),
	KUNIT_CASE(slots_test_handover),
	KUNIT_CASE(slots_test_one_busy),
	KUNIT_CASE(slots_test_time_ext),
	KUNIT_CASE(slots_test_wrong_slot),
	KUNIT_CASE(slots_test_timeout),
	KUNIT_CASE(slots_test_gone),
	KUNIT_CASE(slots_test_four),
	{}
};

struct kunit_suite ccid_slots_test_suite = {
	.name = "scard_ccid_slots",
	.suite_init = ccid_suite_init,
	.suite_exit = ccid_suite_exit,
	.exit = slots_exit,
	.test_cases = ccid_slots_test_cases,
};
