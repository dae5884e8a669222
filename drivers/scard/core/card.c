// SPDX-License-Identifier: GPL-2.0
/*
 * scard: the card state machine of a reader.
 *
 * The state (UNKNOWN .. SPECIFIC), the protocol and the event counters live
 * under reader->state_lock and change from any context: the drivers report
 * insertions and removals (scard_card_event()), the requests move the card
 * up after a reset or a negotiation (scard_card_settle()) and down after a
 * failure (scard_card_demote()). What the library knows about the card
 * (reader->card: ATR, parameters) lives under reader->lock; a removal
 * voids it through the removal count, checked by each request on entry
 * (scard_card_sync()).
 */

#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "scard_core.h"

/*
 * Apply a new state; count and signal an insertion or removal. With
 * @keep_higher, a report that the card is (still) present does not undo
 * what the library knows about it (powered, negotiated).
 */
static void scard_change_state(struct scard_reader *reader,
			       unsigned int state, bool keep_higher)
{
	bool was_present = reader->state > SCARD_CARD_ABSENT;
	bool present = state > SCARD_CARD_ABSENT;

	lockdep_assert_held(&reader->state_lock);

	if (keep_higher && was_present && present && state < reader->state)
		return;

	reader->state = state;
	if (state != SCARD_CARD_SPECIFIC)
		reader->protocol = SCARD_PROTO_UNDEFINED;

	if (was_present == present)
		return;

	reader->events++;
	if (present)
		reader->inserts++;
	else
		reader->removals++;
	wake_up_interruptible_all(&reader->event_wq);
	if (reader->registered && !reader->dead)
		schedule_delayed_work(&reader->uevent_work,
				      msecs_to_jiffies(SCARD_UEVENT_DELAY_MS));
}

/**
 * scard_card_event() - report a card insertion or removal
 * @reader: the reader
 * @state: SCARD_CARD_ABSENT, SCARD_CARD_PRESENT or SCARD_CARD_SWALLOWED
 *
 * Drivers call this on every change they see, and once at start. A change
 * of presence counts an event, wakes IS_PRESENT/IS_ABSENT waiters and
 * poll(), and sends a KOBJ_CHANGE uevent 20 ms later (the waiters run
 * first, and a bouncing card gives one uevent). On removal the card's
 * data (ATR, selected protocol) become invalid. Reporting a present card while
 * the library already has it in a higher state (powered, negotiated)
 * leaves that state alone; use scard_set_state() to force one.
 *
 * Context: any context, including interrupt and URB completion.
 */
void scard_card_event(struct scard_reader *reader, unsigned int state)
{
	unsigned long flags;

	if (state != SCARD_CARD_ABSENT && state != SCARD_CARD_PRESENT &&
	    state != SCARD_CARD_SWALLOWED) {
		scard_warn_ratelimited(reader, "bad card event %u\n", state);
		return;
	}

	spin_lock_irqsave(&reader->state_lock, flags);
	if (!reader->dead)
		scard_change_state(reader, state, true);
	spin_unlock_irqrestore(&reader->state_lock, flags);
}
EXPORT_SYMBOL_GPL(scard_card_event);

/**
 * scard_set_state() - set the card state
 * @reader: the reader
 * @state: SCARD_CARD_UNKNOWN .. SCARD_CARD_SPECIFIC
 *
 * For drivers that move the card state themselves inside a callback (for
 * instance SCARD_CARD_POWERED during a reset, or a state the RDF_ATR_PARSE
 * callback determined). A change of presence is counted and signalled as
 * by scard_card_event(). Setting SCARD_CARD_SPECIFIC reports card.selected as
 * the protocol in use.
 *
 * Context: any context.
 */
void scard_set_state(struct scard_reader *reader, unsigned int state)
{
	unsigned long flags;

	if (state > SCARD_CARD_SPECIFIC) {
		scard_warn_ratelimited(reader, "bad state %u\n", state);
		return;
	}

	spin_lock_irqsave(&reader->state_lock, flags);
	if (!reader->dead) {
		scard_change_state(reader, state, false);
		if (state == SCARD_CARD_SPECIFIC)
			reader->protocol = READ_ONCE(reader->card.selected);
	}
	spin_unlock_irqrestore(&reader->state_lock, flags);
}
EXPORT_SYMBOL_GPL(scard_set_state);

/**
 * scard_get_state() - read the card state
 * @reader: the reader
 *
 * Context: any context.
 * Return: SCARD_CARD_UNKNOWN .. SCARD_CARD_SPECIFIC.
 */
unsigned int scard_get_state(struct scard_reader *reader)
{
	unsigned long flags;
	unsigned int state;

	spin_lock_irqsave(&reader->state_lock, flags);
	state = reader->state;
	spin_unlock_irqrestore(&reader->state_lock, flags);

	return state;
}
EXPORT_SYMBOL_GPL(scard_get_state);

/**
 * scard_set_atr() - store the card's answer to reset
 * @reader: the reader
 * @atr: the ATR bytes
 * @len: length of @atr, at most SCARD_ATR_MAX
 *
 * Called by the RDF_CARD_POWER callback after a cold or warm reset (before
 * it returns, or before scard_complete_request() for a pending reset). The
 * library parses the ATR when the callback has finished.
 *
 * Context: any context; only during a POWER request.
 * Return: 0, -EINVAL if @len is larger than SCARD_ATR_MAX, or -ECANCELED
 * (ignored) when the POWER request is no longer pending: the library
 * cancelled it (or another request runs).
 */
int scard_set_atr(struct scard_reader *reader, const u8 *atr, size_t len)
{
	const struct scard_xfer *xfer;
	unsigned long flags;
	bool ok;

	if (len > SCARD_ATR_MAX)
		return -EINVAL;

	/* The ATR of a reset the library gave up on must not land. */
	spin_lock_irqsave(&reader->state_lock, flags);
	xfer = reader->cur;
	if (xfer)
		ok = xfer->rdf == RDF_CARD_POWER &&
		     (xfer->state == SCARD_ASYNC_CALLING ||
		      xfer->state == SCARD_ASYNC_WAITING ||
		      xfer->state == SCARD_ASYNC_ORPHAN);
	else
		ok = list_empty(&reader->cancelled);
	if (ok) {
		memcpy(reader->card.atr, atr, len);
		reader->card.atr_len = len;
	}
	spin_unlock_irqrestore(&reader->state_lock, flags);

	return ok ? 0 : -ECANCELED;
}
EXPORT_SYMBOL_GPL(scard_set_atr);

/* Read state and protocol in one go. */
void scard_read_state(struct scard_reader *reader, unsigned int *state,
		      u32 *protocol)
{
	spin_lock_irq(&reader->state_lock);
	*state = reader->state;
	*protocol = reader->protocol;
	spin_unlock_irq(&reader->state_lock);
}
EXPORT_SYMBOL_IF_KUNIT(scard_read_state);

/*
 * Forget the card: its data back to the ISO/IEC 7816-3 defaults, and bound
 * to the card now in the reader (removal count). Called with reader->lock
 * held (or before registration).
 */
void scard_card_init(struct scard_reader *reader)
{
	struct scard_card_caps *card = &reader->card;
	u32 ifsd = reader->caps.max_ifsd;

	memset(card, 0, sizeof(*card));
	card->fl = SCARD_ATR_DEFAULT_FL;
	card->dl = SCARD_ATR_DEFAULT_DL;
	card->wi = SCARD_ATR_DEFAULT_WI;
	card->ifsc = SCARD_ATR_DEFAULT_IFSC;
	card->ifsd = ifsd >= 1 && ifsd <= SCARD_T1_IFS_MAX ? ifsd :
		SCARD_ATR_DEFAULT_IFSD;
	card->cwi = SCARD_ATR_DEFAULT_CWI;
	card->bwi = SCARD_ATR_DEFAULT_BWI;
	card->classes = SCARD_VCC_CLASS_A;
	reader->suppress_ifs_request = false;
	reader->link_ready = false;
	reader->t1_ready = false;

	spin_lock_irq(&reader->state_lock);
	reader->card_epoch = reader->removals;
	reader->protocol = SCARD_PROTO_UNDEFINED;
	spin_unlock_irq(&reader->state_lock);
}

/*
 * A removal (reported from any context) cannot clear the card data, which
 * live under reader->lock: each request does it on entry instead.
 */
void scard_card_sync(struct scard_reader *reader)
{
	bool stale;

	lockdep_assert_held(&reader->lock);

	spin_lock_irq(&reader->state_lock);
	stale = reader->card_epoch != reader->removals;
	spin_unlock_irq(&reader->state_lock);

	if (stale)
		scard_card_init(reader);
}

/*
 * The library's own state changes after a callback: they apply only if the
 * card that was there when the request started is still in the reader.
 * Called with reader->lock held; the ATR shown in sysfs is copied here,
 * under state_lock, so that reading it never waits for a request.
 */
void scard_card_settle(struct scard_reader *reader, unsigned int state,
		       u32 protocol)
{
	const struct scard_card_caps *card = &reader->card;

	lockdep_assert_held(&reader->lock);

	spin_lock_irq(&reader->state_lock);
	if (reader->card_epoch == reader->removals &&
	    reader->state > SCARD_CARD_ABSENT) {
		reader->state = state;
		reader->protocol = state == SCARD_CARD_SPECIFIC ? protocol :
			SCARD_PROTO_UNDEFINED;
		memcpy(reader->atr_shown, card->atr, card->atr_len);
		reader->atr_shown_len = card->atr_len;
	}
	spin_unlock_irq(&reader->state_lock);
}

/* Lower the state to at most @state (a failed reset or negotiation). */
void scard_card_demote(struct scard_reader *reader, unsigned int state)
{
	spin_lock_irq(&reader->state_lock);
	if (reader->card_epoch == reader->removals && reader->state > state) {
		reader->state = state;
		if (state != SCARD_CARD_SPECIFIC)
			reader->protocol = SCARD_PROTO_UNDEFINED;
	}
	spin_unlock_irq(&reader->state_lock);
}

/**
 * scard_card_parse() - parse the stored ATR into the card data
 * @reader: the reader, its card's ATR stored
 *
 * On failure the parser leaves an unknown card with the ATR as received.
 *
 * Return: 0 or the parser's error (-EMEDIUMTYPE, ...).
 */
int scard_card_parse(struct scard_reader *reader)
{
	struct scard_card_caps *card = &reader->card;

	return scard_atr_parse(card, card->atr, card->atr_len);
}
