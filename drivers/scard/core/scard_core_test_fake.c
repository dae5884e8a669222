// SPDX-License-Identifier: GPL-2.0
/*
 * The fake reader of the scard core KUnit suites, its fixture and helper
 * threads.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/string.h>

#include "scard_core_test.h"

const u8 scard_atr_t0[4] = { 0x3b, 0x02, 0x14, 0x50 };
const u8 scard_atr_t01[5] = { 0x3b, 0x80, 0x80, 0x01, 0x01 };
const u8 scard_atr_fd[5] = { 0x3b, 0x90, 0x96, 0x01, 0x07 };
const u8 scard_atr_ta2[5] = { 0x3b, 0x80, 0x11, 0x01, 0x90 };
const u8 scard_atr_bad[4] = { 0x3b, 0x80, 0x01, 0x00 };
const u8 scard_fake_reply[4] = { 0x90, 0x00, 0x61, 0x10 };
const u8 scard_fake_cmd[5] = { 0x00, 0xa4, 0x04, 0x00, 0x00 };
struct device *scard_fake_parent;

static int fake_cb(struct scard_reader *reader, struct scard_request *req,
		   enum scard_rdf idx)
{
	struct fake *f = scard_get_drvdata(reader);

	f->calls[idx]++;
	f->last = *req;
	f->req = req;
	if (req->send)
		memcpy(f->sent, req->send, min(req->send_len, sizeof(f->sent)));
	complete(&f->called);
	if (f->block == idx)
		wait_for_completion(&f->release);
	if (f->sleep_ms)
		msleep(f->sleep_ms);

	if (idx == RDF_CARD_TRACKING)
		complete(&f->armed);
	if (idx == RDF_CARD_POWER && req->minor != SCARD_POWER_DOWN && f->atr)
		scard_set_atr(reader, f->atr, f->atr_len);
	if (idx == RDF_ATR_PARSE)
		reader->card.protocols = f->parse_protocols;
	if (req->recv && f->reply_len) {
		memcpy(req->recv, scard_fake_reply,
		       min(f->reply_len, sizeof(scard_fake_reply)));
		req->recv_len = f->reply_len;
		req->nad = 0x21;
	}
	if (f->remove_in == idx)
		scard_card_event(reader, SCARD_CARD_ABSENT);
	if (f->complete_inline)
		scard_complete_request(reader, f->complete_status);

	return f->ret[idx];
}

static int fake_power(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_CARD_POWER);
}

static int fake_transmit(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_TRANSMIT);
}

static int fake_eject(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_CARD_EJECT);
}

static int fake_swallow(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_READER_SWALLOW);
}

static int fake_tracking(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_CARD_TRACKING);
}

static int fake_protocol(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_SET_PROTOCOL);
}

static int fake_confiscate(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_CARD_CONFISCATE);
}

int scard_fake_vendor(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_IOCTL_VENDOR);
}

int scard_fake_pin(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_PIN_ENTRY);
}

int scard_fake_atr_parse(struct scard_reader *r, struct scard_request *q)
{
	return fake_cb(r, q, RDF_ATR_PARSE);
}

/* Callbacks (all but RDF_ATR_PARSE) and capabilities of the fake reader. */
void scard_fake_fill(struct scard_reader *reader)
{
	int (**fn)(struct scard_reader *r, struct scard_request *q) =
		reader->reader_function;

	fn[RDF_CARD_POWER] = fake_power;
	fn[RDF_TRANSMIT] = fake_transmit;
	fn[RDF_CARD_EJECT] = fake_eject;
	fn[RDF_READER_SWALLOW] = fake_swallow;
	fn[RDF_CARD_TRACKING] = fake_tracking;
	fn[RDF_SET_PROTOCOL] = fake_protocol;
	fn[RDF_CARD_CONFISCATE] = fake_confiscate;
	fn[RDF_IOCTL_VENDOR] = scard_fake_vendor;
	fn[RDF_PIN_ENTRY] = scard_fake_pin;

	reader->caps.reader_type = SCARD_READER_TYPE_USB;
	reader->caps.channel = 0x1234;
	reader->caps.protocols = TX | RAW;
	reader->caps.clk_default = 3580;
	reader->caps.clk_max = 8000;
	reader->caps.rate_default = 9600;
	reader->caps.rate_max = 115200;
	reader->caps.max_ifsd = 254;
	reader->caps.mechanical = SCARD_READER_EJECTS;
	reader->caps.power_mgmt = 1;
	reader->caps.pin = SCARD_PIN_VERIFY | SCARD_PIN_MODIFY;
	reader->caps.lcd_layout = 0x0210;
	reader->caps.pin_min = 4;
	reader->caps.pin_max = 8;
	strscpy(reader->vendor.vendor_name, "ACME",
		sizeof(reader->vendor.vendor_name));
	strscpy(reader->vendor.ifd_type, "SC-1",
		sizeof(reader->vendor.ifd_type));
	reader->vendor.ifd_version = 0x01020003;
	reader->vendor.unit = 2;
}

int scard_fake_suite_init(struct kunit_suite *suite)
{
	/*
	 * Suites run while the module is still coming up, before its sysfs
	 * directory exists: no "module" link (owner NULL).
	 */
	scard_fake_parent = __root_device_register(suite->name, NULL);

	return PTR_ERR_OR_ZERO(scard_fake_parent);
}

void scard_fake_suite_exit(struct kunit_suite *suite)
{
	root_device_unregister(scard_fake_parent);
}

/* Allocate, fill in (but the callbacks in @without), register, open. */
static int fake_create(struct fake *f, unsigned long without, bool atr_parse)
{
	struct scard_reader *reader;
	int ret, i;

	reader = scard_reader_alloc(scard_fake_parent);
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	f->reader = reader;
	scard_set_drvdata(reader, f);
	scard_fake_fill(reader);
	for (i = 0; i < RDF_MAX; i++)
		if (without & BIT(i))
			reader->reader_function[i] = NULL;
	if (atr_parse)
		reader->reader_function[RDF_ATR_PARSE] = scard_fake_atr_parse;

	ret = scard_reader_register(reader);
	if (ret)
		return ret;

	return scard_client_open(&f->client, reader, false);
}

/*
 * Replace the fake reader by one registered without the callbacks in
 * @without (BIT(RDF_*)), and with RDF_ATR_PARSE if @atr_parse: the table
 * cannot change once registered. Before any helper thread is started.
 */
void scard_fake_reinit(struct fake *f, unsigned long without, bool atr_parse)
{
	KUNIT_ASSERT_EQ(f->test, f->nthreads, 0);
	scard_client_close(&f->client);
	f->client.reader = NULL;
	scard_reader_unregister(f->reader);
	scard_reader_put(f->reader);
	f->reader = NULL;
	KUNIT_ASSERT_EQ(f->test, fake_create(f, without, atr_parse), 0);
}

/* A registered fake reader, opened once, card state unknown. */
int scard_fake_init(struct kunit *test)
{
	struct fake *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->test = test;
	f->block = RDF_NONE;
	f->remove_in = RDF_NONE;
	init_completion(&f->called);
	init_completion(&f->release);
	init_completion(&f->armed);
	test->priv = f;

	return fake_create(f, 0, false);
}

void scard_fake_exit(struct kunit *test)
{
	struct fake *f = test->priv;
	int i;

	if (!f || !f->reader)
		return;

	f->block = RDF_NONE;
	complete_all(&f->release);
	scard_reader_unregister(f->reader);
	for (i = 0; i < f->nthreads; i++) {
		if (!wait_for_completion_timeout(&f->threads[i].done, T_LONG))
			kunit_err(test, "thread %d did not finish\n", i);
		put_task_struct(f->threads[i].task);
	}
	if (f->client.reader)
		scard_client_close(&f->client);
	scard_reader_put(f->reader);
}

static void fake_power_on(struct fake *f, const u8 *atr, size_t len)
{
	struct scard_power p = { .disposition = SCARD_COLD_RESET };

	f->atr = atr;
	f->atr_len = len;
	KUNIT_ASSERT_EQ(f->test, scard_power(f->reader, &p), 0);
}

/* Bring the card into a state; the callback records start afresh. */
void scard_fake_setup(struct fake *f, enum scard_fake_setup s)
{
	if (s == S_ABSENT)
		scard_card_event(f->reader, SCARD_CARD_ABSENT);
	else if (s != S_UNKNOWN)
		scard_card_event(f->reader, SCARD_CARD_PRESENT);

	if (s == S_POWERED)
		fake_power_on(f, scard_atr_bad, sizeof(scard_atr_bad));
	else if (s == S_T0)
		fake_power_on(f, scard_atr_t0, sizeof(scard_atr_t0));
	else if (s == S_T01)
		fake_power_on(f, scard_atr_t01, sizeof(scard_atr_t01));
	else if (s == S_FD)
		fake_power_on(f, scard_atr_fd, sizeof(scard_atr_fd));
	else if (s == S_T1)
		fake_power_on(f, scard_atr_ta2, sizeof(scard_atr_ta2));

	memset(f->calls, 0, sizeof(f->calls));
	reinit_completion(&f->called);
}

void scard_fake_expect_state(struct fake *f, unsigned int state, u32 proto)
{
	unsigned int s;
	u32 p;

	scard_read_state(f->reader, &s, &p);
	KUNIT_EXPECT_EQ(f->test, s, state);
	KUNIT_EXPECT_EQ(f->test, p, proto);
}

/* TRANSMIT of scard_fake_cmd, response into f->recv. */
int scard_fake_xfer(struct fake *f, struct scard_transmit *x)
{
	return scard_transmit(f->reader, x, scard_fake_cmd, f->recv);
}

static int fake_thread_main(void *data)
{
	struct fake_thread *t = data;

	allow_signal(SIGKILL);
	allow_signal(SIGUSR1);
	t->ret = t->fn(t->f);
	complete_all(&t->done);

	return 0;
}

/* Run @fn in a kernel thread; scard_fake_exit() waits for it. */
struct fake_thread *scard_fake_start(struct fake *f, int (*fn)(struct fake *f))
{
	struct task_struct *task;
	struct fake_thread *t;

	KUNIT_ASSERT_LT(f->test, f->nthreads, FAKE_THREADS);
	t = &f->threads[f->nthreads];
	t->f = f;
	t->fn = fn;
	init_completion(&t->done);
	task = kthread_create(fake_thread_main, t, "scard_test");
	KUNIT_ASSERT_FALSE(f->test, IS_ERR(task));
	t->task = get_task_struct(task);
	f->nthreads++;
	wake_up_process(task);

	return t;
}

bool scard_fake_finished(struct fake_thread *t, unsigned long timeout)
{
	return wait_for_completion_timeout(&t->done, timeout);
}

int scard_fake_do_transmit(struct fake *f)
{
	struct scard_transmit x = {
		.protocol = T1,
		.send_len = sizeof(scard_fake_cmd),
		.recv_len = sizeof(f->recv),
	};
	int ret;

	ret = scard_fake_xfer(f, &x);
	f->recv_len = x.recv_len;

	return ret;
}

int scard_fake_do_power(struct fake *f)
{
	struct scard_power p = { .disposition = SCARD_COLD_RESET };

	return scard_power(f->reader, &p);
}

int scard_fake_do_present(struct fake *f)
{
	return scard_wait_card(&f->client, SCARD_FN_IS_PRESENT, false);
}

int scard_fake_do_absent(struct fake *f)
{
	return scard_wait_card(&f->client, SCARD_FN_IS_ABSENT, false);
}

int scard_fake_do_unregister(struct fake *f)
{
	scard_reader_unregister(f->reader);
	return 0;
}

MODULE_DESCRIPTION("KUnit tests of the smart card reader library core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
