// SPDX-License-Identifier: GPL-2.0
/*
 * scard: reader objects, their lifetime and the card state.
 *
 * A reader is reference counted. The driver holds the first reference from
 * scard_reader_alloc() to scard_reader_put(); every open file holds one
 * more, so the object (and its scardN number) outlives an unplug for as
 * long as somebody still has the device open. scard_reader_unregister()
 * revokes the driver's callbacks: once it returns none is running and none
 * will be called again, and every sleeper has been woken.
 */

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "scard_core.h"

static DEFINE_IDA(scard_ida);

static const enum scard_rdf scard_mandatory[] = {
	RDF_CARD_POWER, RDF_TRANSMIT, RDF_CARD_TRACKING, RDF_SET_PROTOCOL,
};

/**
 * scard_reader_alloc() - allocate a reader
 * @parent: the device the reader belongs to (USB interface, tty, ...)
 *
 * Allocates a reader with its scardN number and request buffers. The caller
 * fills in @caps, @vendor and @reader_function[], then calls
 * scard_reader_register(). On any error after this call, drop the reader
 * with scard_reader_put(), never kfree().
 *
 * Context: process context.
 * Return: the reader, or ERR_PTR(-ENOMEM) / ERR_PTR(-ENOSPC) (no free
 * reader number).
 */
struct scard_reader *scard_reader_alloc(struct device *parent)
{
	struct scard_reader *reader;
	int id = -ENOMEM;

	reader = kzalloc(sizeof(*reader), GFP_KERNEL);
	if (!reader)
		return ERR_PTR(-ENOMEM);

	reader->send_buf = kvmalloc(SCARD_BUF_SIZE, GFP_KERNEL);
	reader->recv_buf = kvmalloc(SCARD_BUF_SIZE, GFP_KERNEL);
	if (!reader->send_buf || !reader->recv_buf)
		goto err_free;

	id = ida_alloc(&scard_ida, GFP_KERNEL);
	if (id < 0)
		goto err_free;

	reader->id = id;
	snprintf(reader->name, sizeof(reader->name), "scard%d", id);
	reader->parent = get_device(parent);
	kref_init(&reader->kref);
	init_rwsem(&reader->ops_sem);
	mutex_init(&reader->lock);
	spin_lock_init(&reader->state_lock);
	init_waitqueue_head(&reader->event_wq);
	init_waitqueue_head(&reader->async_wq);
	INIT_WORK(&reader->uevent_work, scard_uevent_work);
	INIT_WORK(&reader->async_work, scard_async_work);
	reader->state = SCARD_UNKNOWN;
	scard_card_init(reader);

	return reader;

err_free:
	kvfree(reader->recv_buf);
	kvfree(reader->send_buf);
	kfree(reader);
	return ERR_PTR(id);
}
EXPORT_SYMBOL_GPL(scard_reader_alloc);

/**
 * scard_reader_register() - make a reader visible to user space
 * @reader: reader from scard_reader_alloc(), with caps, vendor and
 *	reader_function[] filled in
 *
 * Creates /dev/scardN. The card state stays SCARD_UNKNOWN until the driver
 * reports it with scard_card_event(), which it may do before or after
 * registering.
 *
 * Context: process context.
 * Return: 0, -EINVAL if a mandatory callback (RDF_CARD_POWER,
 * RDF_TRANSMIT, RDF_CARD_TRACKING, RDF_SET_PROTOCOL) is missing or the
 * reader was registered before, or the error of misc_register().
 */
int scard_reader_register(struct scard_reader *reader)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(scard_mandatory); i++)
		if (!reader->reader_function[scard_mandatory[i]])
			return -EINVAL;

	if (WARN_ON(reader->registered || reader->dead))
		return -EINVAL;

	/* Strings the driver filled in are used as C strings. */
	reader->vendor.vendor_name[sizeof(reader->vendor.vendor_name) - 1] = 0;
	reader->vendor.ifd_type[sizeof(reader->vendor.ifd_type) - 1] = 0;
	reader->vendor.ifd_serial[sizeof(reader->vendor.ifd_serial) - 1] = 0;

	reader->misc.minor = MISC_DYNAMIC_MINOR;
	reader->misc.name = reader->name;
	reader->misc.fops = &scard_fops;
	reader->misc.parent = reader->parent;
	reader->misc.groups = scard_groups;
	reader->misc.mode = 0600;

	ret = misc_register(&reader->misc);
	if (ret) {
		reader->misc.name = NULL;
		return ret;
	}

	spin_lock_irq(&reader->state_lock);
	reader->registered = true;
	spin_unlock_irq(&reader->state_lock);

	scard_dbg(reader, "registered\n");

	return 0;
}
EXPORT_SYMBOL_GPL(scard_reader_register);

/**
 * scard_reader_unregister() - revoke a reader and remove its device
 * @reader: a registered reader
 *
 * Waits for the callback that may be running (the driver must make it
 * finish, e.g. by failing its transport first), then marks the reader dead:
 * no callback is called after this function returns. Requests sleeping on
 * a pending callback or waiting for a card event return -ENODEV, as does
 * every later file operation but close. The reader memory stays until the
 * last reference is dropped with scard_reader_put().
 *
 * Must not be called from a reader callback.
 *
 * Context: process context.
 */
void scard_reader_unregister(struct scard_reader *reader)
{
	down_write(&reader->ops_sem);
	spin_lock_irq(&reader->state_lock);
	reader->dead = true;
	spin_unlock_irq(&reader->state_lock);
	up_write(&reader->ops_sem);

	wake_up_all(&reader->async_wq);
	wake_up_all(&reader->event_wq);

	/* Neither work is queued once dead is set. */
	cancel_work_sync(&reader->async_work);
	cancel_work_sync(&reader->uevent_work);

	if (reader->registered) {
		misc_deregister(&reader->misc);
		spin_lock_irq(&reader->state_lock);
		reader->registered = false;
		spin_unlock_irq(&reader->state_lock);
	}

	scard_dbg(reader, "unregistered\n");
}
EXPORT_SYMBOL_GPL(scard_reader_unregister);

static void scard_reader_release(struct kref *kref)
{
	struct scard_reader *reader = container_of(kref, struct scard_reader,
						   kref);

	WARN_ON(reader->registered);

	ida_free(&scard_ida, reader->id);
	put_device(reader->parent);
	kvfree(reader->recv_buf);
	kvfree(reader->send_buf);
	kfree(reader);
}

/**
 * scard_reader_get() - take a reference on a reader
 * @reader: the reader
 *
 * Context: any context.
 */
void scard_reader_get(struct scard_reader *reader)
{
	kref_get(&reader->kref);
}

/**
 * scard_reader_put() - drop a reference on a reader
 * @reader: the reader, or NULL
 *
 * The last reference frees the reader and its scardN number. A registered
 * reader must be unregistered before the driver drops its reference.
 *
 * Context: process context.
 */
void scard_reader_put(struct scard_reader *reader)
{
	if (reader)
		kref_put(&reader->kref, scard_reader_release);
}
EXPORT_SYMBOL_GPL(scard_reader_put);

/*
 * Apply a new state; count and signal an insertion or removal. With
 * @keep_higher, a report that the card is (still) present does not undo
 * what the library knows about it (powered, negotiated).
 */
static void scard_change_state(struct scard_reader *reader,
			       unsigned int state, bool keep_higher)
{
	bool was_present = reader->state > SCARD_ABSENT;
	bool present = state > SCARD_ABSENT;

	lockdep_assert_held(&reader->state_lock);

	if (keep_higher && was_present && present && state < reader->state)
		return;

	reader->state = state;
	if (state != SCARD_SPECIFIC)
		reader->protocol = SCARD_PROTOCOL_UNDEFINED;

	if (was_present == present)
		return;

	reader->events++;
	if (present)
		reader->inserts++;
	else
		reader->removals++;
	wake_up_interruptible_all(&reader->event_wq);
	if (reader->registered && !reader->dead)
		schedule_work(&reader->uevent_work);
}

/**
 * scard_card_event() - report a card insertion or removal
 * @reader: the reader
 * @state: SCARD_ABSENT, SCARD_PRESENT or SCARD_SWALLOWED
 *
 * Drivers call this on every change they see, and once at start. A change
 * of presence counts an event, wakes IS_PRESENT/IS_ABSENT waiters and
 * poll(), and sends a KOBJ_CHANGE uevent. On removal the card's data
 * (ATR, selected protocol) become invalid. Reporting a present card while
 * the library already has it in a higher state (powered, negotiated)
 * leaves that state alone; use scard_set_state() to force one.
 *
 * Context: any context, including interrupt and URB completion.
 */
void scard_card_event(struct scard_reader *reader, unsigned int state)
{
	unsigned long flags;

	if (state != SCARD_ABSENT && state != SCARD_PRESENT &&
	    state != SCARD_SWALLOWED) {
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
 * @state: SCARD_UNKNOWN .. SCARD_SPECIFIC
 *
 * For drivers that move the card state themselves inside a callback (for
 * instance SCARD_POWERED during a reset, or a state the RDF_ATR_PARSE
 * callback determined). A change of presence is counted and signalled as
 * by scard_card_event(). Setting SCARD_SPECIFIC reports card.selected as
 * the protocol in use.
 *
 * Context: any context.
 */
void scard_set_state(struct scard_reader *reader, unsigned int state)
{
	unsigned long flags;

	if (state > SCARD_SPECIFIC) {
		scard_warn_ratelimited(reader, "bad state %u\n", state);
		return;
	}

	spin_lock_irqsave(&reader->state_lock, flags);
	if (!reader->dead) {
		scard_change_state(reader, state, false);
		if (state == SCARD_SPECIFIC)
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
 * Return: SCARD_UNKNOWN .. SCARD_SPECIFIC.
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
 * Return: 0, or -EINVAL if @len is larger than SCARD_ATR_MAX.
 */
int scard_set_atr(struct scard_reader *reader, const u8 *atr, size_t len)
{
	if (len > SCARD_ATR_MAX)
		return -EINVAL;

	memcpy(reader->card.atr, atr, len);
	reader->card.atr_len = len;

	return 0;
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
	reader->protocol = SCARD_PROTOCOL_UNDEFINED;
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
	    reader->state > SCARD_ABSENT) {
		reader->state = state;
		reader->protocol = state == SCARD_SPECIFIC ? protocol :
			SCARD_PROTOCOL_UNDEFINED;
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
		if (state != SCARD_SPECIFIC)
			reader->protocol = SCARD_PROTOCOL_UNDEFINED;
	}
	spin_unlock_irq(&reader->state_lock);
}

MODULE_DESCRIPTION("Smart card reader driver library");
MODULE_LICENSE("GPL");
