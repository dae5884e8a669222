// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the twin serial framing (twin.c): scripted byte streams,
 * whole, split byte by byte and merged, and every way a serial line can
 * go wrong.
 */

#include <kunit/test.h>
#include <linux/string.h>
#include "../compat.h"

#include "scard_ccid_test.h"
#include "twin.h"

#define MAX_MSG		271

struct twin_test {
	struct twin_rx rx;
	u8 buf[MAX_MSG];
};

/* GetSlotStatus of slot 0, bSeq 7 */
static const u8 get_status[CCID_HDR_LEN] = {
	0x65, 0, 0, 0, 0, 0, 7, 0, 0, 0
};

/* DataBlock of slot 0, bSeq 7: 90 00 */
static const u8 data_block[CCID_HDR_LEN + 2] = {
	0x80, 2, 0, 0, 0, 0, 7, 0, 0, 0, 0x90, 0x00
};

static int twin_test_init(struct kunit *test)
{
	struct twin_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->rx.msg = t->buf;
	t->rx.max_msg = MAX_MSG;
	t->rx.notify_len = 2;
	twin_rx_reset(&t->rx, NULL, 0);
	test->priv = t;
	return 0;
}

/* Feeds @n bytes @step at a time; returns the events, in order, in @ev. */
static unsigned int feed(struct twin_test *t, const u8 *p, size_t n,
			 size_t step, enum twin_event *ev, unsigned int max)
{
	unsigned int k = 0;
	enum twin_event e;
	size_t i, c, used;

	for (i = 0; i < n; i += c) {
		c = min(step, n - i);
		for (used = 0; used < c;) {
			used += twin_rx_feed(&t->rx, p + i + used, c - used, &e);
			if (e != TWIN_EV_NONE && k < max)
				ev[k++] = e;
		}
	}
	return k;
}

static size_t frame(u8 *out, const u8 *msg, size_t len)
{
	return twin_frame(out, msg, len);
}

static void twin_test_frame(struct kunit *test)
{
	static const u8 want[] = {
		0x03, 0x06, 0x65, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0x03 ^ 0x06 ^ 0x65 ^ 7
	};
	u8 out[32];

	KUNIT_ASSERT_EQ(test, twin_frame(out, get_status, sizeof(get_status)),
			sizeof(want));
	KUNIT_EXPECT_EQ(test, memcmp(out, want, sizeof(want)), 0);
}

/* The same reply whole, byte by byte and in chunks of 5. */
static void twin_test_reply_split(struct kunit *test)
{
	static const size_t steps[] = { 64, 1, 5 };
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 f[32];
	size_t n = frame(f, data_block, sizeof(data_block));
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		twin_rx_reset(&t->rx, NULL, 0);
		KUNIT_ASSERT_EQ(test, feed(t, f, n, steps[i], ev, 4), 1);
		KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_FRAME);
		KUNIT_EXPECT_EQ(test, t->rx.len, sizeof(data_block));
		KUNIT_EXPECT_EQ(test, memcmp(t->rx.msg, data_block,
					     sizeof(data_block)), 0);
	}
}

/* Two frames, a notification and time requests in one read. */
static void twin_test_merged(struct kunit *test)
{
	struct twin_test *t = test->priv;
	enum twin_event ev[8];
	u8 s[80];
	size_t n = 0;
	enum twin_event e;
	size_t used;

	s[n++] = 0x80;
	s[n++] = 0x50;
	s[n++] = 0x03;
	n += frame(s + n, data_block, sizeof(data_block));
	s[n++] = 0xff;
	n += frame(s + n, get_status, sizeof(get_status));

	/* Stops after each event: the message can be taken out. */
	used = twin_rx_feed(&t->rx, s, n, &e);
	KUNIT_EXPECT_EQ(test, used, 1);
	KUNIT_EXPECT_EQ(test, e, TWIN_EV_TIME);
	used += twin_rx_feed(&t->rx, s + used, n - used, &e);
	KUNIT_EXPECT_EQ(test, e, TWIN_EV_NOTIFY);
	KUNIT_EXPECT_EQ(test, t->rx.notify[0], 0x50);
	KUNIT_EXPECT_EQ(test, t->rx.notify[1], 0x03);
	used += twin_rx_feed(&t->rx, s + used, n - used, &e);
	KUNIT_EXPECT_EQ(test, e, TWIN_EV_FRAME);
	KUNIT_EXPECT_EQ(test, memcmp(t->rx.msg, data_block,
				     sizeof(data_block)), 0);

	twin_rx_reset(&t->rx, NULL, 0);
	KUNIT_ASSERT_EQ(test, feed(t, s, n, n, ev, 8), 5);
	KUNIT_EXPECT_EQ(test, ev[3], TWIN_EV_TIME);
	KUNIT_EXPECT_EQ(test, ev[4], TWIN_EV_FRAME);
	KUNIT_EXPECT_EQ(test, t->rx.len, sizeof(get_status));
}

/* A reader of 5 slots: 0x50 and two bytes of slot bits. */
static void twin_test_notify_slots(struct kunit *test)
{
	static const u8 s[] = { 0x50, 0xc3, 0x02 };
	struct twin_test *t = test->priv;
	enum twin_event ev[4];

	t->rx.notify_len = 3;
	KUNIT_ASSERT_EQ(test, feed(t, s, sizeof(s), 1, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_NOTIFY);
	KUNIT_EXPECT_EQ(test, memcmp(t->rx.notify, s, sizeof(s)), 0);
}

static void twin_test_nak(struct kunit *test)
{
	static const u8 s[] = { 0x03, 0x15, 0x16 };
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 f[32];
	size_t n = frame(f, data_block, sizeof(data_block));

	KUNIT_ASSERT_EQ(test, feed(t, s, sizeof(s), 1, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_NAK);
	/* The reply after it is received normally. */
	KUNIT_ASSERT_EQ(test, feed(t, f, n, n, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_FRAME);
}

/* A wrong LRC spoils one frame, not the stream (it can be asked again). */
static void twin_test_bad_lrc(struct kunit *test)
{
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 f[64];
	size_t n = frame(f, data_block, sizeof(data_block));

	f[n - 1] ^= 0x01;
	n += frame(f + n, data_block, sizeof(data_block));
	KUNIT_ASSERT_EQ(test, feed(t, f, n, 3, ev, 4), 2);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_BAD_LRC);
	KUNIT_EXPECT_EQ(test, ev[1], TWIN_EV_FRAME);
	KUNIT_EXPECT_EQ(test, memcmp(t->rx.msg, data_block,
				     sizeof(data_block)), 0);
}

/* Garbage loses the stream until the next reset, never past it. */
static void twin_test_garbage(struct kunit *test)
{
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 s[64];
	size_t n = 0;

	s[n++] = 0x41;
	n += frame(s + n, data_block, sizeof(data_block));
	KUNIT_ASSERT_EQ(test, feed(t, s, n, 1, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_ERROR);
	KUNIT_EXPECT_EQ(test, t->rx.error, TWIN_ERR_GARBAGE);

	twin_rx_reset(&t->rx, NULL, 0);
	KUNIT_EXPECT_EQ(test, t->rx.error, TWIN_ERR_NONE);
	KUNIT_ASSERT_EQ(test, feed(t, s + 1, n - 1, 7, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_FRAME);
}

static void twin_test_not_ack(struct kunit *test)
{
	static const u8 s[] = { 0x03, 0x07 };
	static const u8 s2[] = { 0x03, 0x15, 0x17 };
	struct twin_test *t = test->priv;
	enum twin_event ev[4];

	KUNIT_ASSERT_EQ(test, feed(t, s, sizeof(s), 1, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_ERROR);
	KUNIT_EXPECT_EQ(test, t->rx.error, TWIN_ERR_NOT_ACK);

	twin_rx_reset(&t->rx, NULL, 0);
	KUNIT_ASSERT_EQ(test, feed(t, s2, sizeof(s2), 1, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_ERROR);
}

/* A length beyond the reader's maximum is refused at the header. */
static void twin_test_too_long(struct kunit *test)
{
	struct twin_test *t = test->priv;
	u8 hdr[CCID_HDR_LEN] = { 0x80 };
	enum twin_event ev[4];
	u8 s[16];
	size_t n;

	put_unaligned_le32(MAX_MSG - CCID_HDR_LEN + 1, hdr + 1);
	n = frame(s, hdr, sizeof(hdr));
	KUNIT_ASSERT_EQ(test, feed(t, s, n, 1, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_ERROR);
	KUNIT_EXPECT_EQ(test, t->rx.error, TWIN_ERR_TOO_LONG);

	/* An absurd one too, without overflowing anything. */
	put_unaligned_le32(0xffffffff, hdr + 1);
	twin_rx_reset(&t->rx, NULL, 0);
	n = frame(s, hdr, sizeof(hdr));
	KUNIT_ASSERT_EQ(test, feed(t, s, n, n, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, t->rx.error, TWIN_ERR_TOO_LONG);
}

static void twin_test_max_len(struct kunit *test)
{
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 *msg, *s;
	size_t n;

	msg = kunit_kzalloc(test, MAX_MSG, GFP_KERNEL);
	s = kunit_kzalloc(test, MAX_MSG + TWIN_OVERHEAD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, msg);
	KUNIT_ASSERT_NOT_NULL(test, s);
	msg[0] = 0x80;
	put_unaligned_le32(MAX_MSG - CCID_HDR_LEN, msg + 1);
	memset(msg + CCID_HDR_LEN, 0x5a, MAX_MSG - CCID_HDR_LEN);
	n = frame(s, msg, MAX_MSG);
	KUNIT_ASSERT_EQ(test, feed(t, s, n, 13, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_FRAME);
	KUNIT_EXPECT_EQ(test, t->rx.len, MAX_MSG);
	KUNIT_EXPECT_EQ(test, memcmp(t->rx.msg, msg, MAX_MSG), 0);
}

/* The echo of our frame is checked and dropped; the reply follows. */
static void twin_test_echo(struct kunit *test)
{
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 sent[32], s[64];
	size_t sent_len = frame(sent, get_status, sizeof(get_status));
	size_t n;

	memcpy(s, sent, sent_len);
	n = sent_len + frame(s + sent_len, data_block, sizeof(data_block));
	twin_rx_reset(&t->rx, sent, sent_len);
	KUNIT_ASSERT_EQ(test, feed(t, s, n, 4, ev, 4), 2);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_ECHO);
	KUNIT_EXPECT_EQ(test, ev[1], TWIN_EV_FRAME);
	KUNIT_EXPECT_EQ(test, memcmp(t->rx.msg, data_block,
				     sizeof(data_block)), 0);

	/* A notification may come before the echo. */
	twin_rx_reset(&t->rx, sent, sent_len);
	s[0] = 0x50;
	s[1] = 0x02;
	memcpy(s + 2, sent, sent_len);
	KUNIT_ASSERT_EQ(test, feed(t, s, sent_len + 2, 1, ev, 4), 2);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_NOTIFY);
	KUNIT_EXPECT_EQ(test, ev[1], TWIN_EV_ECHO);
}

/* A NAK instead of the echo: our frame did not arrive intact. */
static void twin_test_echo_nak(struct kunit *test)
{
	static const u8 s[] = { 0x03, 0x15, 0x16 };
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 sent[32];
	size_t n = frame(sent, get_status, sizeof(get_status));

	twin_rx_reset(&t->rx, sent, n);
	KUNIT_ASSERT_EQ(test, feed(t, s, sizeof(s), 1, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_NAK);
}

static void twin_test_echo_bad(struct kunit *test)
{
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 sent[32], s[32];
	size_t n = frame(sent, get_status, sizeof(get_status));

	memcpy(s, sent, n);
	s[5] ^= 0x10;
	twin_rx_reset(&t->rx, sent, n);
	KUNIT_ASSERT_EQ(test, feed(t, s, n, 1, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_ERROR);
	KUNIT_EXPECT_EQ(test, t->rx.error, TWIN_ERR_ECHO);
}

/* A frame cut short leaves nothing behind after the next reset. */
static void twin_test_truncated(struct kunit *test)
{
	struct twin_test *t = test->priv;
	enum twin_event ev[4];
	u8 f[32];
	size_t n = frame(f, data_block, sizeof(data_block));

	KUNIT_EXPECT_EQ(test, feed(t, f, n - 4, 1, ev, 4), 0);
	twin_rx_reset(&t->rx, NULL, 0);
	KUNIT_ASSERT_EQ(test, feed(t, f, n, 2, ev, 4), 1);
	KUNIT_EXPECT_EQ(test, ev[0], TWIN_EV_FRAME);
}

static struct kunit_case twin_test_cases[] = {
	KUNIT_CASE(twin_test_frame),
	KUNIT_CASE(twin_test_reply_split),
	KUNIT_CASE(twin_test_merged),
	KUNIT_CASE(twin_test_notify_slots),
	KUNIT_CASE(twin_test_nak),
	KUNIT_CASE(twin_test_bad_lrc),
	KUNIT_CASE(twin_test_garbage),
	KUNIT_CASE(twin_test_not_ack),
	KUNIT_CASE(twin_test_too_long),
	KUNIT_CASE(twin_test_max_len),
	KUNIT_CASE(twin_test_echo),
	KUNIT_CASE(twin_test_echo_nak),
	KUNIT_CASE(twin_test_echo_bad),
	KUNIT_CASE(twin_test_truncated),
	{}
};

struct kunit_suite ccid_twin_test_suite = {
	.name = "scard_ccid_twin",
	.init = twin_test_init,
	.test_cases = twin_test_cases,
};
