// SPDX-License-Identifier: GPL-2.0
/*
 * scard: card tracking. GET_STATE, IS_PRESENT / IS_ABSENT waits and poll().
 *
 * Unlike smclib, which keeps one notification per reader, any number of
 * openers may wait at once (one wait per open file). Waiters do not sleep
 * on the state itself but on the reader's insertion and removal counters,
 * so an insertion followed at once by a removal still ends an IS_PRESENT
 * wait. poll() reports a change of the event counter since the caller last
 * read GET_STATE.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/poll.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "scard_core.h"

/**
 * scard_get_card_state() - SCARD_IOC_GET_STATE
 * @client: the opener; remembers the event count for poll()
 * @st: filled in: state, selected protocol, event count
 *
 * Answered at any time, also while a request is pending.
 *
 * Return: 0 or -ENODEV.
 */
int scard_get_card_state(struct scard_client *client, struct scard_state *st)
{
	struct scard_reader *reader = client->reader;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	spin_lock_irq(&reader->state_lock);
	if (scard_reader_gone(reader)) {
		ret = -ENODEV;
	} else {
		st->state = reader->state;
		st->protocol = reader->protocol;
		st->events = reader->events;
		client->seen_events = reader->events;
	}
	spin_unlock_irq(&reader->state_lock);

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(scard_get_card_state);

/**
 * scard_client_poll() - poll() mask of an opener
 * @client: the opener
 *
 * Return: EPOLLIN | EPOLLPRI when the event count moved since @client last
 * read GET_STATE (or opened), EPOLLHUP | EPOLLERR once the reader is gone.
 */
__poll_t scard_client_poll(struct scard_client *client)
{
	struct scard_reader *reader = client->reader;
	__poll_t mask = 0;

	spin_lock_irq(&reader->state_lock);
	if (scard_reader_gone(reader))
		mask = EPOLLHUP | EPOLLERR;
	else if (reader->events != client->seen_events)
		mask = EPOLLIN | EPOLLPRI;
	spin_unlock_irq(&reader->state_lock);

	return mask;
}
EXPORT_SYMBOL_IF_KUNIT(scard_client_poll);

static u64 scard_track_count(struct scard_reader *reader, unsigned int fn)
{
	return fn == SCARD_FN_IS_PRESENT ? reader->inserts : reader->removals;
}

/*
 * Arm the reader for the awaited change. Return: 1 if the card is already
 * in the asked condition, 0 with *@count set to the counter to watch, or a
 * negative errno.
 */
static int scard_track_arm(struct scard_reader *reader, unsigned int fn,
			   u64 *count)
{
	int (*track)(struct scard_reader *reader, struct scard_request *req);
	unsigned int state;
	int ret;

	ret = scard_request_begin(reader);
	if (ret)
		return ret;

	track = scard_reader_has(reader, RDF_CARD_TRACKING) ?
		reader->fn[RDF_CARD_TRACKING] : NULL;
	spin_lock_irq(&reader->state_lock);
	state = reader->state;
	*count = scard_track_count(reader, fn);
	spin_unlock_irq(&reader->state_lock);

	if (!track) {
		ret = -EOPNOTSUPP;
	} else if (state == SCARD_CARD_UNKNOWN) {
		ret = -EBADFD;
	} else if ((fn == SCARD_FN_IS_PRESENT) == (state > SCARD_CARD_ABSENT)) {
		ret = 1;
	} else {
		struct scard_request req = { .major = fn, .minor = fn };

		ret = track(reader, &req);
		/* Events arrive through scard_card_event(), not completion. */
		if (ret > 0)
			ret = ret == SCARD_PENDING ? 0 : -EIO;
	}
	scard_request_end(reader);

	return ret;
}

static bool scard_track_done(struct scard_reader *reader, unsigned int fn,
			     u64 count)
{
	bool done;

	spin_lock_irq(&reader->state_lock);
	done = scard_reader_gone(reader) ||
	       scard_track_count(reader, fn) != count;
	spin_unlock_irq(&reader->state_lock);

	return done;
}

/**
 * scard_wait_card() - SCARD_IOC_IS_PRESENT / SCARD_IOC_IS_ABSENT
 * @client: the opener
 * @fn: SCARD_FN_IS_PRESENT or SCARD_FN_IS_ABSENT
 * @nonblock: do not sleep (O_NONBLOCK)
 *
 * Returns at once if the card is already present (state above
 * SCARD_CARD_ABSENT) or absent, else calls RDF_CARD_TRACKING to arm the reader
 * and sleeps until a card is inserted (removed).
 *
 * Return: 0; -EINVAL (other @fn), -EBUSY (this opener already waits, or a
 * callback is pending), -ENODEV (unregistered, also while sleeping),
 * -EOPNOTSUPP, -EBADFD (state SCARD_CARD_UNKNOWN), -EAGAIN (@nonblock and the
 * card is not in the asked condition; the reader is armed), -ERESTARTSYS
 * (signal), or the error of RDF_CARD_TRACKING.
 */
int scard_wait_card(struct scard_client *client, unsigned int fn,
		    bool nonblock)
{
	struct scard_reader *reader = client->reader;
	u64 count;
	int ret;

	if (fn != SCARD_FN_IS_PRESENT && fn != SCARD_FN_IS_ABSENT)
		return scard_result(reader, -EINVAL);

	if (test_and_set_bit(SCARD_CLIENT_WAITING, &client->flags))
		return scard_result(reader, -EBUSY);

	ret = scard_track_arm(reader, fn, &count);
	if (ret > 0) {
		ret = 0;
	} else if (!ret && nonblock) {
		ret = -EAGAIN;
	} else if (!ret) {
		ret = wait_event_interruptible(reader->event_wq,
					       scard_track_done(reader, fn,
								count));
		if (!ret && scard_reader_gone(reader))
			ret = -ENODEV;
	}

	clear_bit(SCARD_CLIENT_WAITING, &client->flags);

	return scard_result(reader, ret);
}
EXPORT_SYMBOL_IF_KUNIT(scard_wait_card);
