/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scripted CCID transport of the scard_ccid KUnit suites: it records
 * the messages sent and the aborts, and answers each receive with the next
 * scripted bulk-in transfer (or an error); when the script runs out, a
 * receive times out at once.
 */
#ifndef _SCARD_CCID_TEST_H
#define _SCARD_CCID_TEST_H

#include <kunit/test.h>
#include <linux/string.h>

#include "msg.h"

#define FAKE_SCRIPT_MAX		(CCID_TIME_EXT_MAX + 16)
#define FAKE_SENT_MAX		16
#define FAKE_MSG_MAX		160
#define FAKE_MSG_LEN		271	/* dwMaxCCIDMessageLength */
#define FAKE_SEQ		0x42
#define FAKE_SLOT		1

/* Byte strings, shown when they differ (at most 64 bytes). */
#define EXPECT_BYTES(test, got, want, len)				\
do {									\
	const u8 *__got = (got), *__want = (want);			\
	int __len = (len);						\
									\
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(__got, __want, __len),	\
			      "got %*ph, want %*ph", __len, __got,	\
			      __len, __want);				\
} while (0)

struct fake_xfer {
	u8 *buf;
	size_t len;
	int ret;
	bool overrun;
	unsigned int delay_ms;		/* the reader takes this long */
};

struct ccid_fake {
	struct ccid_dev dev;
	struct kunit *test;
	struct fake_xfer script[FAKE_SCRIPT_MAX];
	unsigned int n_script;
	unsigned int pos;
	u8 sent[FAKE_SENT_MAX][FAKE_MSG_MAX];
	size_t sent_len[FAKE_SENT_MAX];
	unsigned int n_sent;
	unsigned int recv_ms[FAKE_SCRIPT_MAX];
	unsigned int n_recv;
	unsigned int n_abort;
	unsigned int abort_pos;		/* script entries read before it */
	u8 abort_slot;
	u8 abort_seq;
	bool msg_init;
	bool registered;
};

extern struct device *ccid_fake_parent;
extern const struct ccid_wait ccid_wait_3s;
extern struct kunit_suite ccid_msg_test_suite;
extern struct kunit_suite ccid_dev_test_suite;
extern struct kunit_suite ccid_twin_test_suite;
extern struct kunit_suite ccid_pin_test_suite;
extern struct kunit_suite ccid_slots_test_suite;

struct fake_xfer *ccid_fake_next(struct ccid_fake *f);
void ccid_fake_push(struct ccid_fake *f, const u8 *buf, size_t len);
void ccid_fake_push_ret(struct ccid_fake *f, int ret);
void ccid_fake_delay(struct ccid_fake *f, unsigned int ms);
void ccid_fake_reply(struct ccid_fake *f, u8 type, u8 slot, u8 seq, u8 status,
		     u8 error, u8 param, const u8 *data, size_t dlen);
void ccid_fake_block(struct ccid_fake *f, u8 seq, u8 chain, const u8 *data,
		     size_t dlen);
struct ccid_fake *ccid_fake_dev(struct kunit *test, u32 features, u32 max_msg_len,
				unsigned int slots);
int ccid_test_init(struct kunit *test);
void ccid_test_exit(struct kunit *test);
int ccid_suite_init(struct kunit_suite *suite);
void ccid_suite_exit(struct kunit_suite *suite);

#endif /* _SCARD_CCID_TEST_H */
