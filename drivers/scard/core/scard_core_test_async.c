// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the scard paths that sleep: card tracking waits, requests
 * a callback leaves pending, and unregistering a reader while callers
 * sleep or a callback runs. Callers run in kernel threads; every wait of
 * the test is bounded.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/sched/signal.h>
#include <linux/workqueue.h>

#include "scard_core_test.h"

static void test_track_immediate(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_client *c = &f->client;

	KUNIT_EXPECT_EQ(test, scard_wait_card(c, SCARD_FN_IS_PRESENT, false),
			-EBADFD);
	KUNIT_EXPECT_EQ(test, scard_wait_card(c, SCARD_FN_POWER, false),
			-EINVAL);

	scard_fake_setup(f, S_PRESENT);
	KUNIT_EXPECT_EQ(test, scard_wait_card(c, SCARD_FN_IS_PRESENT, false),
			0);
	KUNIT_EXPECT_EQ(test, scard_wait_card(c, SCARD_FN_IS_ABSENT, true),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_TRACKING], 1);
	KUNIT_EXPECT_EQ(test, f->last.major, SCARD_FN_IS_ABSENT);
	KUNIT_EXPECT_EQ(test, f->last.minor, SCARD_FN_IS_ABSENT);

	scard_fake_setup(f, S_ABSENT);
	KUNIT_EXPECT_EQ(test, scard_wait_card(c, SCARD_FN_IS_ABSENT, false),
			0);
	f->ret[RDF_CARD_TRACKING] = SCARD_PENDING;
	KUNIT_EXPECT_EQ(test, scard_wait_card(c, SCARD_FN_IS_PRESENT, true),
			-EAGAIN);
	f->ret[RDF_CARD_TRACKING] = -EIO;
	KUNIT_EXPECT_EQ(test, scard_wait_card(c, SCARD_FN_IS_PRESENT, false),
			-EIO);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_TRACKING], 2);
}

struct track_case {
	const char *name;
	enum scard_fake_setup setup;
	unsigned int fn;
	unsigned int events[2];	/* card events after arming, 0 = none */
	bool unplug;		/* then unregister the reader */
	int ret;
};

static const struct track_case track_cases[] = {
	{ "insert", S_ABSENT, SCARD_FN_IS_PRESENT, { SCARD_CARD_PRESENT }, false,
	  0 },
	{ "insert swallowed", S_ABSENT, SCARD_FN_IS_PRESENT,
	  { SCARD_CARD_SWALLOWED }, false, 0 },
	{ "insert and remove", S_ABSENT, SCARD_FN_IS_PRESENT,
	  { SCARD_CARD_PRESENT, SCARD_CARD_ABSENT }, false, 0 },
	{ "remove", S_T1, SCARD_FN_IS_ABSENT, { SCARD_CARD_ABSENT }, false, 0 },
	{ "no change, unplug", S_ABSENT, SCARD_FN_IS_PRESENT,
	  { SCARD_CARD_ABSENT }, true, -ENODEV },
	{ "present again, unplug", S_PRESENT, SCARD_FN_IS_ABSENT,
	  { SCARD_CARD_PRESENT, SCARD_CARD_SWALLOWED }, true, -ENODEV },
};

static void track_desc(const struct track_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(track, track_cases, track_desc);

static void test_track_wait(struct kunit *test)
{
	const struct track_case *c = test->param_value;
	struct fake *f = test->priv;
	struct scard_client other = {};
	struct fake_thread *t;
	int i;

	scard_fake_setup(f, c->setup);
	t = scard_fake_start(f, c->fn == SCARD_FN_IS_PRESENT ? scard_fake_do_present :
		       scard_fake_do_absent);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->armed,
							    T_LONG));

	/* One wait per opener, any number of openers. */
	KUNIT_EXPECT_EQ(test, scard_wait_card(&f->client, c->fn, true),
			-EBUSY);
	KUNIT_ASSERT_EQ(test, scard_client_open(&other, f->reader, false), 0);
	KUNIT_EXPECT_EQ(test, scard_wait_card(&other, c->fn, true), -EAGAIN);
	scard_client_close(&other);

	for (i = 0; i < ARRAY_SIZE(c->events) && c->events[i]; i++)
		scard_card_event(f->reader, c->events[i]);

	if (c->unplug) {
		KUNIT_EXPECT_FALSE(test, scard_fake_finished(t, T_SHORT));
		scard_reader_unregister(f->reader);
	}
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(t, T_LONG));
	KUNIT_EXPECT_EQ(test, t->ret, c->ret);
}

static void test_track_signal(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_last_error err;
	struct fake_thread *t;

	scard_fake_setup(f, S_ABSENT);
	t = scard_fake_start(f, scard_fake_do_present);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->armed,
							    T_LONG));
	KUNIT_EXPECT_FALSE(test, scard_fake_finished(t, T_SHORT));
	send_sig(SIGUSR1, t->task, 1);
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(t, T_LONG));
	KUNIT_EXPECT_EQ(test, t->ret, -ERESTARTSYS);
	scard_get_last_error(f->reader, &err);
	KUNIT_EXPECT_EQ(test, err.error, 0);
}

/* A TRANSMIT left pending: the reader is busy until the driver is done. */
static void test_pending(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_attr a = { .tag = SCARD_TAG_VENDOR_NAME, .len = 32 };
	u8 value[SCARD_TAG_VALUE_MAX];
	struct scard_last_error err;
	struct scard_state st;
	struct fake_thread *t;

	scard_fake_setup(f, S_T1);
	/* A failure of the reader, then a TRANSMIT it leaves pending. */
	f->ret[RDF_TRANSMIT] = -ETIMEDOUT;
	KUNIT_EXPECT_EQ(test, scard_fake_do_transmit(f), -ETIMEDOUT);
	f->ret[RDF_TRANSMIT] = SCARD_PENDING;
	f->reply_len = 2;
	t = scard_fake_start(f, scard_fake_do_transmit);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->called,
							    T_LONG));
	KUNIT_EXPECT_FALSE(test, scard_fake_finished(t, T_SHORT));

	KUNIT_EXPECT_EQ(test, scard_fake_do_power(f), -EBUSY);
	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, scard_wait_card(&f->client, SCARD_FN_IS_ABSENT,
					      true), -EBUSY);
	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, SCARD_FN_EJECT),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, scard_get_card_state(&f->client, &st), 0);
	KUNIT_EXPECT_EQ(test, st.state, SCARD_CARD_SPECIFIC);
	/* The refusals are not the reader's errors: the last one stays. */
	KUNIT_EXPECT_EQ(test, scard_get_last_error(f->reader, &err), 0);
	KUNIT_EXPECT_EQ(test, err.error, ETIMEDOUT);

	scard_complete_request(f->reader, 0);
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(t, T_LONG));
	KUNIT_EXPECT_EQ(test, t->ret, 0);
	KUNIT_EXPECT_EQ(test, f->recv_len, 2);
	KUNIT_EXPECT_EQ(test, memcmp(f->recv, scard_fake_reply, 2), 0);
	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, SCARD_FN_EJECT), 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_TRANSMIT], 2);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_POWER], 0);
}

static void test_pending_status(struct kunit *test)
{
	struct scard_protocol p = { .mask = TX };
	struct fake *f = test->priv;

	/* Completed by the callback itself, before it returns. */
	scard_fake_setup(f, S_T1);
	f->ret[RDF_TRANSMIT] = SCARD_PENDING;
	f->complete_inline = true;
	f->reply_len = 2;
	KUNIT_EXPECT_EQ(test, scard_fake_do_transmit(f), 0);
	f->complete_inline = false;

	/* A pending SET_PROTOCOL that fails. */
	scard_fake_setup(f, S_T01);
	f->ret[RDF_SET_PROTOCOL] = SCARD_PENDING;
	f->complete_inline = true;
	f->complete_status = -EPROTO;
	KUNIT_EXPECT_EQ(test, scard_set_protocol(f->reader, &p), -EPROTO);
	scard_fake_expect_state(f, SCARD_CARD_NEGOTIABLE, 0);
	f->complete_inline = false;

	/* A completion nobody waits for is ignored. */
	scard_complete_request(f->reader, 0);
	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, SCARD_FN_EJECT), 0);
}

static void test_pending_unplug(struct kunit *test)
{
	struct fake *f = test->priv;
	struct fake_thread *t;

	scard_fake_setup(f, S_T1);
	f->ret[RDF_TRANSMIT] = SCARD_PENDING;
	t = scard_fake_start(f, scard_fake_do_transmit);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->called,
							    T_LONG));
	scard_reader_unregister(f->reader);
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(t, T_LONG));
	KUNIT_EXPECT_EQ(test, t->ret, -ENODEV);

	scard_complete_request(f->reader, 0);
	KUNIT_EXPECT_EQ(test, scard_fake_do_power(f), -ENODEV);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_POWER], 0);
}

/* The caller of a pending reset is killed: the library finishes it. */
static void test_pending_killed(struct kunit *test)
{
	struct fake *f = test->priv;
	struct scard_attr a = { .tag = SCARD_TAG_ATR_STRING, .len = 33 };
	u8 value[SCARD_TAG_VALUE_MAX];
	struct fake_thread *t;

	scard_fake_setup(f, S_PRESENT);
	f->ret[RDF_CARD_POWER] = SCARD_PENDING;
	f->atr = scard_atr_t0;
	f->atr_len = sizeof(scard_atr_t0);
	t = scard_fake_start(f, scard_fake_do_power);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->called,
							    T_LONG));
	send_sig(SIGKILL, t->task, 1);
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(t, T_LONG));
	KUNIT_EXPECT_EQ(test, t->ret, -EINTR);
	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value),
			-EBUSY);

	scard_complete_request(f->reader, 0);
	flush_work(&f->reader->async_work);
	scard_fake_expect_state(f, SCARD_CARD_NEGOTIABLE, 0);
	KUNIT_EXPECT_EQ(test, scard_get_attribute(f->reader, &a, value), 0);
	KUNIT_EXPECT_EQ(test, a.len, sizeof(scard_atr_t0));
}

/* Run a test with a short bound for pending requests. */
static unsigned int fake_set_bound(unsigned int ms)
{
	unsigned int old = scard_pending_timeout_ms;

	WRITE_ONCE(scard_pending_timeout_ms, ms);
	return old;
}

/*
 * A caller killed while a driver that never completes keeps its TRANSMIT
 * pending: the reader is busy only until the library's bound, then the
 * request is cancelled and a late completion changes nothing.
 */
static void test_pending_killed_bound(struct kunit *test)
{
	struct fake *f = test->priv;
	unsigned int old = fake_set_bound(200);
	struct scard_last_error err;
	struct scard_request *req;
	struct fake_thread *t;

	scard_fake_setup(f, S_T1);
	f->ret[RDF_TRANSMIT] = SCARD_PENDING;
	t = scard_fake_start(f, scard_fake_do_transmit);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->called,
							    T_LONG));
	req = f->req;
	send_sig(SIGKILL, t->task, 1);
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(t, T_LONG));
	KUNIT_EXPECT_EQ(test, t->ret, -EINTR);
	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, SCARD_FN_EJECT),
			-EBUSY);
	KUNIT_EXPECT_FALSE(test, scard_request_cancelled(req));

	msleep(300);
	/* The next request cancels it; the card needs POWER again. */
	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, SCARD_FN_EJECT), 0);
	KUNIT_EXPECT_TRUE(test, scard_request_cancelled(req));
	scard_fake_expect_state(f, SCARD_CARD_SWALLOWED, 0);
	KUNIT_EXPECT_EQ(test, scard_get_last_error(f->reader, &err), 0);
	KUNIT_EXPECT_EQ(test, err.error, ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, scard_fake_do_transmit(f), -EBADFD);
	f->ret[RDF_TRANSMIT] = 0;
	f->reply_len = 2;
	KUNIT_EXPECT_EQ(test, scard_fake_do_power(f), 0);

	/* The driver finishes late, in the cancelled request's buffers. */
	memset(req->recv, 0xee, req->recv_size);
	req->recv_len = 2;
	scard_request_complete(req, 0);
	flush_work(&f->reader->async_work);
	scard_fake_expect_state(f, SCARD_CARD_SPECIFIC, T1);
	KUNIT_EXPECT_EQ(test, scard_fake_do_transmit(f), 0);
	KUNIT_EXPECT_EQ(test, memcmp(f->recv, scard_fake_reply, 2), 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_TRANSMIT], 2);
	fake_set_bound(old);
}

/* A caller that waits gets -ETIMEDOUT at the bound; the reader goes on. */
static void test_pending_bound(struct kunit *test)
{
	struct fake *f = test->priv;
	unsigned int old = fake_set_bound(200);
	struct scard_last_error err;
	struct scard_request *req;
	struct fake_thread *t;

	scard_fake_setup(f, S_T1);
	f->ret[RDF_TRANSMIT] = SCARD_PENDING;
	t = scard_fake_start(f, scard_fake_do_transmit);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->called,
							    T_LONG));
	req = f->req;
	KUNIT_EXPECT_FALSE(test, scard_fake_finished(t, T_SHORT));
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(t, T_LONG));
	KUNIT_EXPECT_EQ(test, t->ret, -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, scard_request_cancelled(req));
	scard_fake_expect_state(f, SCARD_CARD_SWALLOWED, 0);
	KUNIT_EXPECT_EQ(test, scard_get_last_error(f->reader, &err), 0);
	KUNIT_EXPECT_EQ(test, err.error, ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, SCARD_FN_EJECT), 0);
	fake_set_bound(old);

	/* Unplugged before the driver completes: freed with the reader. */
	scard_reader_unregister(f->reader);
	scard_request_complete(req, 0);
}

/*
 * A late completion belongs to its request: it never finishes the one
 * pending now, whether the driver names the request or not.
 */
static void test_pending_late(struct kunit *test)
{
	struct fake *f = test->priv;
	unsigned int old = fake_set_bound(150);
	struct scard_request *first, *second;
	struct fake_thread *t;

	scard_fake_setup(f, S_PRESENT);
	f->ret[RDF_CARD_EJECT] = SCARD_PENDING;
	KUNIT_EXPECT_EQ(test, scard_mechanical(f->reader, SCARD_FN_EJECT),
			-ETIMEDOUT);
	first = f->req;
	fake_set_bound(old);

	reinit_completion(&f->called);
	f->ret[RDF_CARD_POWER] = SCARD_PENDING;
	f->atr = scard_atr_t0;
	f->atr_len = sizeof(scard_atr_t0);
	t = scard_fake_start(f, scard_fake_do_power);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->called,
							    T_LONG));
	second = f->req;
	KUNIT_EXPECT_PTR_NE(test, first, second);

	/* The form without the request completes the cancelled one first. */
	KUNIT_EXPECT_TRUE(test, scard_request_cancelled(first));
	scard_complete_request(f->reader, -EIO);
	KUNIT_EXPECT_FALSE(test, scard_fake_finished(t, T_SHORT));
	scard_request_complete(second, 0);
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(t, T_LONG));
	KUNIT_EXPECT_EQ(test, t->ret, 0);
	scard_fake_expect_state(f, SCARD_CARD_NEGOTIABLE, 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_EJECT], 1);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_POWER], 1);
}

/* Unregistering waits for the running callback; none runs afterwards. */
static void test_unplug_in_callback(struct kunit *test)
{
	struct fake *f = test->priv;
	struct fake_thread *caller, *unplug;

	scard_fake_setup(f, S_T1);
	f->block = RDF_TRANSMIT;
	f->reply_len = 2;
	caller = scard_fake_start(f, scard_fake_do_transmit);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&f->called,
							    T_LONG));
	unplug = scard_fake_start(f, scard_fake_do_unregister);
	KUNIT_EXPECT_FALSE(test, scard_fake_finished(unplug, T_SHORT));
	KUNIT_EXPECT_FALSE(test, scard_fake_finished(caller, 0));

	complete(&f->release);
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(unplug, T_LONG));
	KUNIT_ASSERT_TRUE(test, scard_fake_finished(caller, T_LONG));
	KUNIT_EXPECT_EQ(test, caller->ret, 0);

	KUNIT_EXPECT_EQ(test, scard_fake_do_transmit(f), -ENODEV);
	KUNIT_EXPECT_EQ(test, scard_fake_do_power(f), -ENODEV);
	KUNIT_EXPECT_EQ(test, scard_wait_card(&f->client, SCARD_FN_IS_ABSENT,
					      false), -ENODEV);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_TRANSMIT], 1);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_POWER], 0);
	KUNIT_EXPECT_EQ(test, f->calls[RDF_CARD_TRACKING], 0);
}

static struct kunit_case scard_async_cases[] = {
	KUNIT_CASE(test_track_immediate),
	KUNIT_CASE_PARAM(test_track_wait, track_gen_params),
	KUNIT_CASE(test_track_signal),
	KUNIT_CASE(test_pending),
	KUNIT_CASE(test_pending_status),
	KUNIT_CASE(test_pending_unplug),
	KUNIT_CASE(test_pending_killed),
	KUNIT_CASE(test_pending_killed_bound),
	KUNIT_CASE(test_pending_bound),
	KUNIT_CASE(test_pending_late),
	KUNIT_CASE(test_unplug_in_callback),
	{}
};

static struct kunit_suite scard_async_suite = {
	.name = "scard_core_async",
	.suite_init = scard_fake_suite_init,
	.suite_exit = scard_fake_suite_exit,
	.init = scard_fake_init,
	.exit = scard_fake_exit,
	.test_cases = scard_async_cases,
};

kunit_test_suite(scard_async_suite);
