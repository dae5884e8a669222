/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: internal interfaces of the library core.
 *
 * The ioctl layer (dev.c) copies user memory in and out and calls the
 * functions below, which take kernel structures and kernel buffers only:
 * no user memory is touched under the locks below, so a page fault that
 * never completes cannot hold up an unplug. They are exported to the KUnit
 * suite only.
 *
 * Locking, outermost first:
 *	ops_sem (read)	held while a request may call a reader callback
 *	lock		serialises requests, protects card and req
 *	state_lock	spinlock, state/events/async/openers/statistics
 */
#ifndef _SCARD_CORE_H
#define _SCARD_CORE_H

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/scard.h>

/* Largest attribute value (the ATR). */
#define SCARD_TAG_VALUE_MAX	SCARD_ATR_MAX

/* scard_xfer.state: the life of a request that reaches the driver. */
enum scard_async {
	SCARD_ASYNC_IDLE,	/* not called yet, or finished */
	SCARD_ASYNC_CALLING,	/* callback running, caller holds the locks */
	SCARD_ASYNC_WAITING,	/* SCARD_PENDING returned, caller sleeps */
	SCARD_ASYNC_DONE,	/* driver completed it, caller to finish */
	SCARD_ASYNC_ORPHAN,	/* caller killed, not completed yet */
	SCARD_ASYNC_ORPHAN_DONE, /* caller killed, async_work to finish */
	SCARD_ASYNC_CANCELLED,	/* past its deadline, not completed yet */
	SCARD_ASYNC_CANCELLED_DONE, /* completed after all, async_work frees */
};

/**
 * struct scard_xfer - a request that reaches the driver
 * @req: what the callback sees; scard_request_complete() finds the rest
 *	from it
 * @reader: the reader
 * @rdf: the callback
 * @state: enum scard_async, under reader->state_lock
 * @status: the driver's result of a completed pending request
 * @abandoned: its caller is gone (killed, timed out, unplugged): the
 *	reader owns it (reader->cur, reader->cancelled) until it is finished
 * @start_ns: when the callback was called
 * @deadline: jiffies after which a pending request is cancelled
 * @node: on reader->cancelled
 * @send_buf: the request data, sized by the request
 * @recv_buf: the reply buffer, sized by the request
 *
 * Allocated for each request and freed when it is finished: an idle reader
 * holds no buffers, and a request the library gave up on keeps its own
 * until the driver completes it (or the reader is released).
 */
struct scard_xfer {
	struct scard_request req;
	struct scard_reader *reader;
	enum scard_rdf rdf;
	unsigned int state;
	int status;
	bool abandoned;
	u64 start_ns;
	unsigned long deadline;
	struct list_head node;
	u8 *send_buf;
	u8 *recv_buf;
};

extern unsigned int scard_pending_timeout_ms;

/* Messages name the reader after its parent device. */
#define scard_dbg(reader, fmt, ...)					\
do {									\
	const struct scard_reader *__r = (reader);			\
									\
	dev_dbg(__r->parent, "%s: " fmt, __r->name, ##__VA_ARGS__);	\
} while (0)

#define scard_warn_ratelimited(reader, fmt, ...)			\
do {									\
	const struct scard_reader *__r = (reader);			\
									\
	dev_warn_ratelimited(__r->parent, "%s: " fmt, __r->name,	\
			     ##__VA_ARGS__);				\
} while (0)

/* struct scard_client.flags bits */
#define SCARD_CLIENT_WAITING	0	/* an IS_PRESENT/IS_ABSENT is waiting */

/*
 * A card change's uevent goes out this long after the change: the
 * programs waiting for it (poll(), IS_PRESENT) run first, and a card
 * that bounces in its slot gives one uevent with the final state.
 */
#define SCARD_UEVENT_DELAY_MS	20

/**
 * struct scard_client - one opener of /dev/scardN
 * @reader: the reader, referenced while the client is open
 * @seen_events: reader->events when this client last read GET_STATE
 * @flags: SCARD_CLIENT_* bits
 * @excl: opened with O_EXCL
 */
struct scard_client {
	struct scard_reader *reader;
	u64 seen_events;
	unsigned long flags;
	bool excl;
};

/* reader.c */
void scard_reader_get(struct scard_reader *reader);
bool scard_reader_has(struct scard_reader *reader, enum scard_rdf idx);
void scard_card_sync(struct scard_reader *reader);
void scard_card_init(struct scard_reader *reader);
void scard_card_settle(struct scard_reader *reader, unsigned int state,
		       u32 protocol);
void scard_card_demote(struct scard_reader *reader, unsigned int state);
int scard_card_parse(struct scard_reader *reader);
void scard_read_state(struct scard_reader *reader, unsigned int *state,
		      u32 *protocol);

/* request.c: serialisation and the pending rule */
int scard_request_begin(struct scard_reader *reader);
void scard_request_end(struct scard_reader *reader);
struct scard_xfer *scard_xfer_alloc(struct scard_reader *reader,
				    unsigned int major, u32 minor,
				    size_t send_len, size_t recv_size);
void scard_xfer_put(struct scard_xfer *xfer);
void scard_xfer_release_all(struct scard_reader *reader);
int scard_call(struct scard_reader *reader, struct scard_xfer *xfer,
	       enum scard_rdf idx);
int scard_result(struct scard_reader *reader, int ret);
void scard_async_work(struct work_struct *work);

/* request.c: requests that reach the driver */
int scard_power(struct scard_reader *reader, struct scard_power *power);
int scard_set_protocol(struct scard_reader *reader,
		       struct scard_protocol *proto);
int scard_transmit_check(const struct scard_transmit *xfer);
int scard_transmit(struct scard_reader *reader, struct scard_transmit *xfer,
		   const u8 *send, u8 *recv);
int scard_mechanical(struct scard_reader *reader, unsigned int fn);
int scard_copy_reply(struct scard_xfer *xfer, u32 *len, u8 *out);
int scard_vendor_check(const struct scard_vendor *vendor);
int scard_vendor(struct scard_reader *reader, struct scard_vendor *vendor,
		 const u8 *in, u8 *out);

/* attr.c */
int scard_get_attribute(struct scard_reader *reader, struct scard_attr *attr,
			u8 *value);
int scard_set_attribute(struct scard_reader *reader,
			const struct scard_attr *attr, const u8 *value);
int scard_get_last_error(struct scard_reader *reader,
			 struct scard_last_error *err);
int scard_get_perf(struct scard_reader *reader, struct scard_perf *perf);
u32 scard_max_input(const struct scard_reader *reader);

/* feature.c */
bool scard_feature_code(u32 code);
int scard_pin_check(u32 code, const u8 *in, size_t len);
int scard_feature_locked(struct scard_reader *reader,
			 struct scard_vendor *vendor, const u8 *in, u8 *out);

/* tracking.c */
int scard_get_card_state(struct scard_client *client, struct scard_state *st);
int scard_wait_card(struct scard_client *client, unsigned int fn,
		    bool nonblock);
__poll_t scard_client_poll(struct scard_client *client);

/* dev.c */
extern const struct file_operations scard_fops;
int scard_client_open(struct scard_client *client,
		      struct scard_reader *reader, bool excl);
void scard_client_close(struct scard_client *client);

/* sysfs.c */
extern const struct attribute_group *scard_groups[];
const char *scard_state_name(unsigned int state);
void scard_uevent_work(struct work_struct *work);

/*
 * What callers see of an unplug: the reader is unregistered (@dead: no
 * callback runs any more), or one of its callbacks already reported it
 * gone (-ENODEV, -ESHUTDOWN) and the driver is about to unregister it.
 * Under state_lock, or as a hint (READ_ONCE).
 */
static inline bool scard_reader_gone(const struct scard_reader *reader)
{
	return READ_ONCE(reader->dead) || READ_ONCE(reader->unplugged);
}

#endif /* _SCARD_CORE_H */
