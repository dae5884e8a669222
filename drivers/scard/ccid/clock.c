// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: stopping the card's clock while the card is idle, where the
 * reader can (dwFeatures CCID_FEAT_CLOCK_STOP) and the card allows it (the
 * clock stop indicator XI of its ATR, which SetParameters gave the reader
 * as bClockStop). A card that draws no clock draws less current: readers
 * on batteries and in laptops save power.
 *
 * Every exchange with such a card arms the device's clock_work for
 * clock_stop_ms (a parameter of scard_ccid, 0: never) after it; the work
 * sends PC_to_RDR_IccClock (stop) to each idle card whose clock runs. The
 * next command for the card (XfrBlock, Secure, T0APDU) restarts the clock
 * first. The work never waits for the device (a command running, it
 * comes back later for a slot busy with a command) and runs on the
 * freezable workqueue, like the slot polls; a reader that refuses IccClock
 * is not asked again until the next SetParameters (nor a slot whose card
 * went). The state of the clock (ccid_slot.clock_stopped) changes with
 * the slot held only, and a power command resets it: a card powered on
 * again has its clock running.
 */

#include <kunit/visibility.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include "msg.h"

/* bClockCommand of PC_to_RDR_IccClock */
#define CCID_CLOCK_RESTART	0
#define CCID_CLOCK_STOP		1

static unsigned int clock_stop_ms = 2000;
module_param(clock_stop_ms, uint, 0644);
MODULE_PARM_DESC(clock_stop_ms,
		 "stop an idle card's clock after this many ms, where reader and card allow it (0: never; default: 2000)");

/**
 * ccid_clock_needed() - does a command need the card's clock running?
 * @type: PC_to_RDR message type
 *
 * Return: true for the commands that talk to the card.
 */
bool ccid_clock_needed(u8 type)
{
	return type == CCID_PC_XFR_BLOCK || type == CCID_PC_SECURE ||
		type == CCID_PC_T0_APDU;
}

static int ccid_clock_cmd_locked(struct ccid_dev *dev, struct ccid_slot *slot,
				 u8 command)
{
	struct ccid_msg m = {
		.type = CCID_PC_ICC_CLOCK,
		.slot = slot->index,
		.param = { command },
		.timeout_ms = ccid_default_timeout_ms(),
	};

	return ccid_exchange_locked(dev, &m);
}

/**
 * ccid_clock_run_locked() - restart the card's clock if it was stopped
 * @dev: the device, the slot held
 * @slot: the slot
 *
 * Context: process context.
 * Return: 0, or the error of PC_to_RDR_IccClock (then the card cannot be
 * reached: the command for it fails with that error).
 */
int ccid_clock_run_locked(struct ccid_dev *dev, struct ccid_slot *slot)
{
	int ret;

	if (!slot->clock_stopped)
		return 0;
	ret = ccid_clock_cmd_locked(dev, slot, CCID_CLOCK_RESTART);
	if (!ret)
		slot->clock_stopped = false;

	return ret;
}

/**
 * ccid_clock_after_locked() - after a command: arm the clock stop
 * @dev: the device, the slot held
 * @slot: the command's slot
 * @type: the command's message type
 *
 * Context: process context.
 */
void ccid_clock_after_locked(struct ccid_dev *dev, struct ccid_slot *slot,
			     u8 type)
{
	unsigned int ms = READ_ONCE(clock_stop_ms);
	unsigned long flags;

	if (type == CCID_PC_ICC_POWER_ON || type == CCID_PC_ICC_POWER_OFF)
		slot->clock_stopped = false;
	if (!ccid_clock_needed(type) || !ms || !READ_ONCE(slot->clock_stop))
		return;

	spin_lock_irqsave(&dev->slot_lock, flags);
	if (dev->ready)
		mod_delayed_work(system_freezable_wq, &dev->clock_work,
				 msecs_to_jiffies(ms));
	spin_unlock_irqrestore(&dev->slot_lock, flags);
}

/**
 * ccid_clock_work() - stop the clock of the idle cards that allow it
 * @work: &ccid_dev.clock_work
 *
 * Context: process context (system_freezable_wq).
 */
void ccid_clock_work(struct work_struct *work)
{
	struct ccid_dev *dev = container_of(to_delayed_work(work),
					    struct ccid_dev, clock_work);
	struct ccid_slot *slot;
	bool again = false;
	unsigned int i;
	int ret;

	for (i = 0; i < dev->num_slots; i++) {
		slot = &dev->slots[i];
		if (!READ_ONCE(slot->clock_stop) || !READ_ONCE(clock_stop_ms))
			continue;
		if (!ccid_io_trylock(dev, i)) {
			again = true;
			continue;
		}
		ret = slot->clock_stopped ? 0 :
		      ccid_clock_cmd_locked(dev, slot, CCID_CLOCK_STOP);
		if (!ret) {
			slot->clock_stopped = true;
		} else {
			dev_dbg(dev->parent, "slot %u: IccClock: %d\n", i, ret);
			if (ret == -EOPNOTSUPP || ret == -ENOMEDIUM)
				WRITE_ONCE(slot->clock_stop, 0);
		}
		ccid_io_unlock(dev, i);
		if (ret == -ENODEV)
			return;
	}

	/* A slot busy with a command: try again later. */
	if (!again)
		return;
	spin_lock_irq(&dev->slot_lock);
	if (dev->ready)
		queue_delayed_work(system_freezable_wq, &dev->clock_work,
				   msecs_to_jiffies(CCID_POLL_RETRY_MS));
	spin_unlock_irq(&dev->slot_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_clock_work);
