// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: a CCID device, whatever its transport, as one scard reader
 * per slot. The transport fills in a zeroed &struct ccid_dev (class
 * descriptor, ops, vendor strings) and calls ccid_dev_register(); the
 * readers' callbacks are in reader.c, the commands in cmd.c and msg.c.
 *
 * Every slot's card is asked for (GetSlotStatus) at registration, before
 * its reader is registered; a notification that arrives meanwhile wins.
 * Card changes then come from the interrupt endpoint (ccid_notify()), and
 * a slot that changed is asked again from a work item, so that a stale or
 * made-up notification (a transport's after a reset) cannot leave a wrong
 * state behind.
 */

#include <linux/bits.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scard.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "../compat.h"

#include "msg.h"

/* The class descriptor: bLength 54, bDescriptorType 0x21. */
#define CCID_DESC_LEN		54
#define CCID_DESC_TYPE		0x21
/* Messages must at least carry an ATR; larger claims are not believed. */
#define CCID_MIN_MSG_LEN	(CCID_HDR_LEN + SCARD_ATR_MAX)
#define CCID_MSG_LEN_ABSURD	BIT(20)

/**
 * ccid_desc_parse() - decode a CCID class descriptor
 * @desc: filled in, host byte order
 * @buf: the descriptor, from its bLength
 * @len: bytes available at @buf
 *
 * Context: any context.
 * Return: 0, or -EINVAL when @buf does not hold a 54-byte descriptor of
 * type 0x21.
 */
int ccid_desc_parse(struct ccid_desc *desc, const u8 *buf, size_t len)
{
	if (len < CCID_DESC_LEN || buf[0] < CCID_DESC_LEN ||
	    buf[1] != CCID_DESC_TYPE)
		return -EINVAL;

	desc->bcd_ccid = get_unaligned_le16(buf + 2);
	desc->max_slot_index = buf[4];
	desc->voltage_support = buf[5];
	desc->protocols = get_unaligned_le32(buf + 6);
	desc->default_clock = get_unaligned_le32(buf + 10);
	desc->maximum_clock = get_unaligned_le32(buf + 14);
	desc->num_clock_supported = buf[18];
	desc->data_rate = get_unaligned_le32(buf + 19);
	desc->max_data_rate = get_unaligned_le32(buf + 23);
	desc->num_data_rates_supported = buf[27];
	desc->max_ifsd = get_unaligned_le32(buf + 28);
	desc->synch_protocols = get_unaligned_le32(buf + 32);
	desc->mechanical = get_unaligned_le32(buf + 36);
	desc->features = get_unaligned_le32(buf + 40);
	desc->max_msg_len = get_unaligned_le32(buf + 44);
	desc->class_get_response = buf[48];
	desc->class_envelope = buf[49];
	desc->lcd_layout = get_unaligned_le16(buf + 50);
	desc->pin_support = buf[52];
	desc->max_busy_slots = buf[53];

	return 0;
}
EXPORT_SYMBOL_GPL(ccid_desc_parse);

/**
 * ccid_desc_check() - can the driver work with this reader
 * @desc: the class descriptor
 *
 * A dwMaxCCIDMessageLength below 43 (no room for an ATR) or above 1 MiB is
 * refused; one between CCID_MAX_MSG_LEN and 1 MiB is used as
 * CCID_MAX_MSG_LEN.
 *
 * Context: any context.
 * Return: 0, or -EINVAL (message length, bMaxSlotIndex above 15, neither
 * T=0 nor T=1, a reserved exchange level).
 */
int ccid_desc_check(const struct ccid_desc *desc)
{
	switch (desc->features & CCID_FEAT_LEVEL_MASK) {
	case CCID_FEAT_LEVEL_CHAR:
	case CCID_FEAT_LEVEL_TPDU:
	case CCID_FEAT_LEVEL_SHORT_APDU:
	case CCID_FEAT_LEVEL_EXT_APDU:
		break;
	default:
		return -EINVAL;
	}

	if (desc->max_msg_len < CCID_MIN_MSG_LEN ||
	    desc->max_msg_len > CCID_MSG_LEN_ABSURD ||
	    desc->max_slot_index >= CCID_MAX_SLOTS ||
	    !(desc->protocols & (CCID_PROTOCOL_T0 | CCID_PROTOCOL_T1)))
		return -EINVAL;

	return 0;
}
EXPORT_SYMBOL_GPL(ccid_desc_check);

/* Report a card change; slot_lock held. A card comes in unpowered. */
static void ccid_slot_event(struct ccid_slot *slot, bool present)
{
	WRITE_ONCE(slot->unpowered, true);
	if (slot->reader)
		scard_card_event(slot->reader,
				 present ? SCARD_CARD_PRESENT : SCARD_CARD_ABSENT);
}

/**
 * ccid_slot_notify() - a slot's bits of a NotifySlotChange
 * @slot: the slot
 * @present: a card is in the slot
 * @changed: the slot changed since the last notification
 *
 * A change to the same presence means the card went and came (or came and
 * went) in between: both events are reported. A slot that changed is
 * polled afterwards (ccid_poll_work()).
 *
 * Except in the first notification after the probe: readers latch the
 * change that happened before the host was there (a card in the reader at
 * plug-in), and the probe's GetSlotStatus already reported that card. A
 * removal and insertion made up from it would reset a card a program may
 * already be using.
 *
 * Context: any context, dev->slot_lock held.
 */
void ccid_slot_notify(struct ccid_slot *slot, bool present, bool changed)
{
	bool first = !slot->notified;

	lockdep_assert_held(&slot->dev->slot_lock);

	slot->events++;
	slot->notified = true;
	if (changed)
		slot->dev->poll_mask |= BIT(slot->index);
	if (present == slot->present && (!changed || first))
		return;

	if (present == slot->present)
		ccid_slot_event(slot, !present);
	ccid_slot_event(slot, present);
	slot->present = present;
}

/*
 * Ask the reader for the card, unless a notification told meanwhile.
 * False when the reader did not answer: do not ask for the other slots.
 * Called with the slot held (ccid_io_lock()).
 */
static bool ccid_slot_poll(struct ccid_slot *slot)
{
	struct ccid_dev *dev = slot->dev;
	bool present;
	u32 events;
	u8 icc = 0;
	int ret;

	spin_lock_irq(&dev->slot_lock);
	events = slot->events;
	spin_unlock_irq(&dev->slot_lock);

	ret = ccid_slot_status_locked(dev, slot->index, &icc);
	if (ret && ret != -ENOMEDIUM) {
		/* Halted (suspend, reset): the resume asks again. */
		if (READ_ONCE(dev->halted))
			return false;
		dev_warn_ratelimited(dev->parent, "slot %u: no status (%d)\n",
				     slot->index, ret);
		return ret != -ETIMEDOUT && ret != -ENODEV;
	}
	present = !ret && icc != CCID_ICC_ABSENT;

	spin_lock_irq(&dev->slot_lock);
	if (slot->events == events && slot->present != present) {
		slot->present = present;
		ccid_slot_event(slot, present);
	} else if (slot->events == events && present &&
		   icc == CCID_ICC_INACTIVE && !READ_ONCE(slot->unpowered)) {
		/*
		 * The card the host powered is there unpowered: another
		 * card, swapped while the first notification after the
		 * probe could not tell, or one the reader deactivated. To
		 * the host it is a new card.
		 */
		ccid_slot_event(slot, false);
		ccid_slot_event(slot, true);
	}
	if (slot->events == events && !ret)
		WRITE_ONCE(slot->unpowered, icc != CCID_ICC_ACTIVE);
	spin_unlock_irq(&dev->slot_lock);

	return true;
}

/**
 * ccid_poll_work() - ask the slots that changed for their card
 * @work: &ccid_dev.poll_work
 *
 * Never waits for a slot: while a command of the slot runs, or the
 * reader's busy slots are taken (a card may keep one for CCID_CMD_MAX_MS,
 * and its task may be frozen for a suspend), the poll of that slot comes
 * back CCID_POLL_RETRY_MS later. It runs on a freezable workqueue,
 * so that nothing is sent to a device on its way to suspend, and so
 * that a notification that came meanwhile waits for the thaw.
 *
 * Context: process context (system_freezable_wq).
 */
void ccid_poll_work(struct work_struct *work)
{
	struct ccid_dev *dev = container_of(to_delayed_work(work),
					    struct ccid_dev, poll_work);
	bool answered;
	u16 mask, busy = 0;
	unsigned int i;

	spin_lock_irq(&dev->slot_lock);
	mask = dev->poll_mask;
	dev->poll_mask = 0;
	spin_unlock_irq(&dev->slot_lock);

	for (i = 0; i < dev->num_slots; i++) {
		if (!(mask & BIT(i)))
			continue;
		if (!ccid_io_trylock(dev, i)) {
			busy |= BIT(i);
			continue;
		}
		answered = ccid_slot_poll(&dev->slots[i]);
		ccid_io_unlock(dev, i);
		if (!answered)
			break;
	}
	if (!busy)
		return;

	/* A slot busy with a command: ask it later. */
	spin_lock_irq(&dev->slot_lock);
	if (dev->ready) {
		dev->poll_mask |= busy;
		queue_delayed_work(system_freezable_wq, &dev->poll_work,
				   msecs_to_jiffies(CCID_POLL_RETRY_MS));
	}
	spin_unlock_irq(&dev->slot_lock);
}

static void ccid_slot_del(struct ccid_slot *slot, bool registered)
{
	struct ccid_dev *dev = slot->dev;
	struct scard_reader *reader;

	spin_lock_irq(&dev->slot_lock);
	reader = slot->reader;
	slot->reader = NULL;
	spin_unlock_irq(&dev->slot_lock);
	if (!reader)
		return;

	if (registered)
		scard_reader_unregister(reader);
	scard_reader_put(reader);
}

static int ccid_slot_add(struct ccid_slot *slot, bool *poll)
{
	struct ccid_dev *dev = slot->dev;
	struct scard_reader *reader;
	int ret;

	reader = scard_reader_alloc(dev->parent);
	if (IS_ERR(reader))
		return PTR_ERR(reader);
	scard_set_drvdata(reader, slot);
	ret = ccid_reader_init(slot, reader);
	if (ret) {
		scard_reader_put(reader);
		return ret;
	}

	spin_lock_irq(&dev->slot_lock);
	slot->reader = reader;
	ccid_slot_event(slot, slot->present);
	/* A card there before us may be powered: until its status says. */
	WRITE_ONCE(slot->unpowered, false);
	spin_unlock_irq(&dev->slot_lock);

	if (*poll && !ccid_io_lock(dev, slot->index)) {
		*poll = ccid_slot_poll(slot);
		ccid_io_unlock(dev, slot->index);
	}
	ret = scard_reader_register(reader);
	if (ret)
		ccid_slot_del(slot, false);

	return ret;
}

/**
 * ccid_dev_register() - make a scard reader of each slot
 * @dev: the device, zeroed and then filled in by the transport (parent,
 *	desc, ops, lists and vendor strings)
 *
 * Checks the descriptor, allocates the message buffers, asks each slot for
 * its card (GetSlotStatus; no more once one request timed out) and
 * registers one scard reader per slot. The transport's ops may be called
 * from here on, and ccid_notify() acts from here on.
 *
 * Context: process context; may sleep (bounded, for the slot status).
 * Return: 0; -EINVAL (ccid_desc_check()), -ENOMEM, or the error of the
 * library's registration. Nothing is left registered on failure.
 */
int ccid_dev_register(struct ccid_dev *dev)
{
	bool poll = true;
	unsigned int i;
	int ret;

	ret = ccid_desc_check(&dev->desc);
	if (ret) {
		dev_err(dev->parent, "unusable CCID descriptor\n");
		return ret;
	}

	ret = ccid_msg_init(dev);
	if (ret)
		return ret;

	dev->num_slots = dev->desc.max_slot_index + 1;
	for (i = 0; i < dev->num_slots; i++)
		dev->slots[i] = (struct ccid_slot){ .dev = dev, .index = i };
	ccid_notify_start(dev);

	for (i = 0; i < dev->num_slots; i++) {
		ret = ccid_slot_add(&dev->slots[i], &poll);
		if (ret)
			goto err;
	}

	return 0;

err:
	ccid_notify_stop(dev);
	WRITE_ONCE(dev->gone, true);
	while (i--)
		ccid_slot_del(&dev->slots[i], true);
	ccid_msg_exit(dev);
	return ret;
}
EXPORT_SYMBOL_GPL(ccid_dev_register);

/**
 * ccid_dev_unregister() - remove the readers of a device
 * @dev: the device
 *
 * Marks the device gone, so that commands fail at once with -ENODEV (those
 * that wait for a reply too; the transport should also make a pending
 * receive return), unregisters the
 * readers (which waits for their running requests) and drops them, and
 * frees the message buffers.
 *
 * Context: process context; may sleep.
 */
void ccid_dev_unregister(struct ccid_dev *dev)
{
	unsigned int i;

	WRITE_ONCE(dev->gone, true);
	wake_up_all(&dev->rx_wait);
	ccid_notify_stop(dev);
	for (i = dev->num_slots; i--; )
		ccid_slot_del(&dev->slots[i], true);
	ccid_msg_exit(dev);
}
EXPORT_SYMBOL_GPL(ccid_dev_unregister);

/* Notifications on again, and every slot asked: some may have been lost. */
static void ccid_dev_restart(struct ccid_dev *dev)
{
	spin_lock_irq(&dev->slot_lock);
	dev->poll_mask = GENMASK(dev->num_slots - 1, 0);
	/* Pairs with ccid_notify_slots(). */
	smp_store_release(&dev->ready, true);
	queue_delayed_work(system_freezable_wq, &dev->poll_work, 0);
	spin_unlock_irq(&dev->slot_lock);
}

/**
 * ccid_dev_halt() - stop every exchange with the device
 * @dev: the device, registered
 *
 * For a transport's suspend and pre_reset callbacks, after it stopped its
 * own transfers (a command in flight then fails with -EIO): commands fail
 * at once with -EIO, notifications are dropped, and the slot poll is
 * cancelled. Does not wait for the command in progress, whose task may be
 * frozen, and takes no lock a command holds.
 *
 * Context: process context; may sleep (for a slot poll to end).
 */
void ccid_dev_halt(struct ccid_dev *dev)
{
	WRITE_ONCE(dev->halted, true);
	ccid_notify_stop(dev);
}
EXPORT_SYMBOL_GPL(ccid_dev_halt);

/**
 * ccid_dev_resume() - exchanges with the device again after ccid_dev_halt()
 * @dev: the device
 *
 * The cards keep their state (the transport reports lost power itself, as
 * a removal and insertion with ccid_notify()). Every slot is asked for its
 * card, as notifications may have been lost meanwhile.
 *
 * Context: process context.
 */
void ccid_dev_resume(struct ccid_dev *dev)
{
	WRITE_ONCE(dev->halted, false);
	ccid_dev_restart(dev);
}
EXPORT_SYMBOL_GPL(ccid_dev_resume);

/* No slot has a command in flight (and none gets one: blocked). */
static bool ccid_dev_idle(struct ccid_dev *dev)
{
	bool idle;

	spin_lock(&dev->rx_lock);
	idle = !dev->busy;
	spin_unlock(&dev->rx_lock);

	return idle;
}

/**
 * ccid_dev_pre_reset() - quiesce the device before a USB reset
 * @dev: the device
 *
 * ccid_dev_halt(), then waits for the commands in progress (which fail at
 * once, their transfers stopped by the transport) and keeps every slot
 * from the device until ccid_dev_post_reset(), which the same task must
 * call: requests of the slots wait meanwhile (killable).
 *
 * Context: process context; may sleep.
 */
void ccid_dev_pre_reset(struct ccid_dev *dev)
{
	ccid_dev_halt(dev);
	spin_lock(&dev->rx_lock);
	dev->blocked = true;
	spin_unlock(&dev->rx_lock);
	wait_event(dev->io_wait, ccid_dev_idle(dev));
}
EXPORT_SYMBOL_GPL(ccid_dev_pre_reset);

/**
 * ccid_dev_post_reset() - the device was reset: its cards are unpowered
 * @dev: the device, locked by ccid_dev_pre_reset()
 *
 * A reset reader has deactivated its cards. Each card the library had
 * powered goes back to SCARD_CARD_SWALLOWED, as after a POWER_DOWN: it is
 * still in the reader (no removal is counted, the programs' files stay
 * valid), and TRANSMIT fails with -EBADFD until the next POWER. This
 * happens before the device is unlocked, so that a POWER waiting for it
 * is not undone. Then every slot is asked for its card.
 *
 * Context: process context.
 */
void ccid_dev_post_reset(struct ccid_dev *dev)
{
	struct scard_reader *reader;
	unsigned int i;

	spin_lock_irq(&dev->slot_lock);
	for (i = 0; i < dev->num_slots; i++) {
		reader = dev->slots[i].reader;
		if (reader && scard_get_state(reader) > SCARD_CARD_SWALLOWED)
			scard_set_state(reader, SCARD_CARD_SWALLOWED);
	}
	spin_unlock_irq(&dev->slot_lock);

	WRITE_ONCE(dev->halted, false);
	spin_lock(&dev->rx_lock);
	dev->blocked = false;
	spin_unlock(&dev->rx_lock);
	wake_up(&dev->io_wait);
	ccid_dev_restart(dev);
}
EXPORT_SYMBOL_GPL(ccid_dev_post_reset);

/**
 * ccid_dev_rescan() - ask every slot for its card again
 * @dev: the device
 *
 * For a transport that lost bytes from the reader (a serial line that
 * had to drop a garbled stream): a notification may have been among them.
 * Does nothing before ccid_dev_register() or after ccid_dev_unregister().
 *
 * Context: any context.
 */
void ccid_dev_rescan(struct ccid_dev *dev)
{
	unsigned long flags;

	/* Pairs with ccid_notify_start(): the lock is set up. */
	if (!smp_load_acquire(&dev->ready))
		return;

	spin_lock_irqsave(&dev->slot_lock, flags);
	if (dev->ready) {
		dev->poll_mask = GENMASK(dev->num_slots - 1, 0);
		queue_delayed_work(system_freezable_wq, &dev->poll_work, 0);
	}
	spin_unlock_irqrestore(&dev->slot_lock, flags);
}
EXPORT_SYMBOL_GPL(ccid_dev_rescan);

MODULE_DESCRIPTION("scard CCID message layer and reader glue");
MODULE_LICENSE("GPL");
