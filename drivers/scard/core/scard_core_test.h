/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake reader shared by the KUnit suites of the scard library core: its
 * callbacks are scripted (return value, ATR, reply, blocking) and recorded
 * (number of calls, last request).
 */
#ifndef _SCARD_CORE_TEST_H
#define _SCARD_CORE_TEST_H

#include <kunit/test.h>
#include <linux/completion.h>

#include "scard_core.h"

#define T_SHORT		msecs_to_jiffies(100)
#define T_LONG		(10 * HZ)
#define FAKE_THREADS	2
#define RDF_NONE	(-1)

#define T0		SCARD_PROTO_T0
#define T1		SCARD_PROTO_T1
#define TX		SCARD_PROTO_TX
#define RAW		SCARD_PROTO_RAW
#define DFLT		SCARD_PROTO_DEFAULT

/* T=0 only; T=0 and T=1; T=1 with TA1 = 0x96; specific T=1; bad TCK. */
extern const u8 scard_atr_t0[4];
extern const u8 scard_atr_t01[5];
extern const u8 scard_atr_fd[5];
extern const u8 scard_atr_ta2[5];
extern const u8 scard_atr_bad[4];
extern const u8 scard_fake_reply[4];
extern const u8 scard_fake_cmd[5];
extern struct device *scard_fake_parent;

struct fake;

struct fake_thread {
	struct task_struct *task;
	struct completion done;
	struct fake *f;
	int (*fn)(struct fake *f);
	int ret;
};

/**
 * struct fake - a fake reader and the test's view of it
 * @test: the running test
 * @reader: the reader, registered
 * @client: an opener of the reader
 * @calls: number of calls of each callback
 * @last: the last request a callback saw
 * @req: that request itself, for scard_request_complete()
 * @sent: the first bytes of its send buffer
 * @ret: what each callback returns
 * @atr: ATR the power callback stores on reset
 * @atr_len: length of @atr
 * @reply_len: reply length transmit/vendor callbacks report (scard_fake_reply)
 * @parse_protocols: card protocols the RDF_ATR_PARSE callback sets
 * @block: callback that waits for @release, or RDF_NONE
 * @remove_in: callback that reports a card removal, or RDF_NONE
 * @complete_inline: callbacks call scard_complete_request() themselves,
 *	with @complete_status
 * @complete_status: see @complete_inline
 * @sleep_ms: every callback takes that long
 * @called: completed on each callback entry
 * @release: lets a blocked callback go on
 * @armed: completed by the tracking callback
 * @threads: helper threads
 * @nthreads: number of @threads started
 * @recv: response buffer of scard_fake_xfer()
 * @recv_len: response length of scard_fake_do_transmit()
 */
struct fake {
	struct kunit *test;
	struct scard_reader *reader;
	struct scard_client client;
	int calls[RDF_MAX];
	struct scard_request last;
	struct scard_request *req;
	u8 sent[8];
	int ret[RDF_MAX];
	const u8 *atr;
	size_t atr_len;
	size_t reply_len;
	u32 parse_protocols;
	int block;
	int remove_in;
	bool complete_inline;
	unsigned int sleep_ms;
	int complete_status;
	struct completion called;
	struct completion release;
	struct completion armed;
	struct fake_thread threads[FAKE_THREADS];
	int nthreads;
	u8 recv[8];
	u32 recv_len;
};

enum scard_fake_setup {
	S_UNKNOWN,	/* no card event yet */
	S_ABSENT,
	S_PRESENT,
	S_POWERED,	/* reset, ATR not understood */
	S_T0,		/* negotiable, T=0 only */
	S_T01,		/* negotiable, T=0 and T=1 */
	S_FD,		/* negotiable, T=1, TA1 = 0x96 */
	S_T1,		/* specific T=1 (TA2) */
};

/* poll() masks as plain integers for KUNIT_EXPECT_EQ(). */
#define POLL_EVENT	((__force u32)(EPOLLIN | EPOLLPRI))
#define POLL_GONE	((__force u32)(EPOLLHUP | EPOLLERR))

static inline u32 fake_poll(struct scard_client *client)
{
	return (__force u32)scard_client_poll(client);
}

int scard_fake_suite_init(struct kunit_suite *suite);
void scard_fake_suite_exit(struct kunit_suite *suite);
int scard_fake_init(struct kunit *test);
void scard_fake_exit(struct kunit *test);
void scard_fake_fill(struct scard_reader *reader);
int scard_fake_atr_parse(struct scard_reader *r, struct scard_request *q);
int scard_fake_vendor(struct scard_reader *r, struct scard_request *q);
int scard_fake_pin(struct scard_reader *r, struct scard_request *q);

void scard_fake_reinit(struct fake *f, unsigned long without, bool atr_parse);
void scard_fake_setup(struct fake *f, enum scard_fake_setup s);
void scard_fake_expect_state(struct fake *f, unsigned int state, u32 proto);
int scard_fake_xfer(struct fake *f, struct scard_transmit *x);

struct fake_thread *scard_fake_start(struct fake *f, int (*fn)(struct fake *f));
bool scard_fake_finished(struct fake_thread *t, unsigned long timeout);
int scard_fake_do_transmit(struct fake *f);
int scard_fake_do_power(struct fake *f);
int scard_fake_do_present(struct fake *f);
int scard_fake_do_absent(struct fake *f);
int scard_fake_do_unregister(struct fake *f);

#endif /* _SCARD_CORE_TEST_H */
