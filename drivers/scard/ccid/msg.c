// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: the message layer (USB CCID 1.1 chapter 6).
 *
 * Each slot runs one command (or a sequence of them) at a time, and up to
 * bMaxCCIDBusySlots slots of a device may have one in flight at once
 * (ccid_io_lock()); a transport that cannot overlap its calls gets one
 * slot at a time (ccid_transport_ops.concurrent). The PC_to_RDR message
 * gets the next bSeq and goes out whole through the transport's send,
 * one message at a time (tx_lock); then the command waits for its reply,
 * which rx.c files to it by bSeq and bSlot, whichever task reads it. A
 * time extension restarts the wait for max(bError * ext_ms, timeout_ms),
 * up to CCID_TIME_EXT_MAX times.
 *
 * When the reply does not come in time (or the time extensions run out)
 * the command is aborted as the specification wants: the class-specific
 * ABORT request through the transport, then PC_to_RDR_Abort with the same
 * bSlot and bSeq, whose reply is awaited for CCID_ABORT_TIMEOUT_MS; the
 * command fails with -ETIMEDOUT. A caller killed while it waits (the
 * transport's -EINTR) aborts the command the same way before it goes.
 * Every wait is bounded by CCID_WAIT_MAX_MS, the whole command by its
 * budget (ccid_budget_ms(), at most CCID_CMD_MAX_MS), and a device marked
 * gone fails at once with -ENODEV.
 *
 * Waiting for the slot (ccid_io_lock()), to send and for a reply is
 * killable and freezable (CCID_WAIT_STATE): a program whose slot waits
 * behind another slot's long command can be killed at once, and none of
 * them keeps the system from suspending.
 *
 * The interrupt endpoint's messages come through ccid_notify().
 */

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "../compat.h"

#include "msg.h"

static unsigned int timeout_ms = CCID_TIMEOUT_DEFAULT_MS;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "bound of a CCID command without card timing, ms (default 3000)");

/**
 * ccid_default_timeout_ms() - bound of a command without card timing
 *
 * Return: the timeout_ms module parameter, within 100 ms and
 * CCID_WAIT_MAX_MS.
 */
unsigned int ccid_default_timeout_ms(void)
{
	return clamp_t(unsigned int, READ_ONCE(timeout_ms), 100,
		       CCID_WAIT_MAX_MS);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_default_timeout_ms);

/**
 * ccid_msg_init() - set up the message layer of a device
 * @dev: the device, with a checked descriptor
 *
 * Allocates the message buffers, sized from dwMaxCCIDMessageLength (at
 * most CCID_MAX_MSG_LEN), and lets bMaxCCIDBusySlots slots have a command
 * in flight at once if the transport is concurrent.
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int ccid_msg_init(struct ccid_dev *dev)
{
	unsigned int i;

	dev->buf_size = clamp_t(size_t, dev->desc.max_msg_len,
				CCID_HDR_LEN + 1, CCID_MAX_MSG_LEN);
	dev->msg_buf = kvmalloc(dev->buf_size, GFP_KERNEL);
	dev->rsp_buf = kvmalloc(dev->buf_size, GFP_KERNEL);
	if (!dev->msg_buf || !dev->rsp_buf) {
		kvfree(dev->msg_buf);
		kvfree(dev->rsp_buf);
		dev->msg_buf = NULL;
		dev->rsp_buf = NULL;
		return -ENOMEM;
	}

	for (i = 0; i < CCID_MAX_SLOTS; i++)
		mutex_init(&dev->cmd_lock[i]);
	init_waitqueue_head(&dev->io_wait);
	dev->max_busy = 1;
	if (dev->ops->concurrent)
		dev->max_busy = clamp_t(unsigned int, dev->desc.max_busy_slots,
					1, dev->desc.max_slot_index + 1);
	mutex_init(&dev->tx_lock);
	spin_lock_init(&dev->rx_lock);
	dev->busy = 0;
	dev->blocked = false;
	INIT_LIST_HEAD(&dev->pending);
	dev->receiving = false;
	init_waitqueue_head(&dev->rx_wait);
	spin_lock_init(&dev->slot_lock);
	INIT_DELAYED_WORK(&dev->poll_work, ccid_poll_work);
	INIT_DELAYED_WORK(&dev->clock_work, ccid_clock_work);
	dev->poll_mask = 0;
	dev->ready = false;
	dev->seq = 0;
	dev->synced = false;
	bitmap_zero(dev->orphans, CCID_NUM_SEQ);
	dev->gone = false;
	dev->halted = false;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_msg_init);

/**
 * ccid_notify_start() - let ccid_notify() act on the slots
 * @dev: the device, its slots set up
 *
 * Context: process context.
 */
void ccid_notify_start(struct ccid_dev *dev)
{
	spin_lock_irq(&dev->slot_lock);
	/* Pairs with ccid_notify_slots(). */
	smp_store_release(&dev->ready, true);
	spin_unlock_irq(&dev->slot_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_notify_start);

/**
 * ccid_notify_stop() - ignore notifications, wait for the slot polls
 *	and the clock stop
 * @dev: the device
 *
 * Context: process context; may sleep.
 */
void ccid_notify_stop(struct ccid_dev *dev)
{
	spin_lock_irq(&dev->slot_lock);
	dev->ready = false;
	dev->poll_mask = 0;
	spin_unlock_irq(&dev->slot_lock);
	cancel_delayed_work_sync(&dev->poll_work);
	cancel_delayed_work_sync(&dev->clock_work);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_notify_stop);

/**
 * ccid_msg_exit() - free what ccid_msg_init() allocated
 * @dev: the device, with no command running
 *
 * Context: process context; may sleep.
 */
void ccid_msg_exit(struct ccid_dev *dev)
{
	unsigned int i;

	ccid_notify_stop(dev);
	kvfree(dev->msg_buf);
	kvfree(dev->rsp_buf);
	dev->msg_buf = NULL;
	dev->rsp_buf = NULL;
	for (i = 0; i < CCID_MAX_SLOTS; i++)
		mutex_destroy(&dev->cmd_lock[i]);
	mutex_destroy(&dev->tx_lock);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_msg_exit);

/**
 * ccid_reply_type() - the RDR_to_PC message that answers a command
 * @type: a PC_to_RDR message type
 *
 * Return: CCID_RDR_DATA_BLOCK, _PARAMETERS, _ESCAPE, _RATE_CLOCK, or
 * CCID_RDR_SLOT_STATUS for the other commands.
 */
u8 ccid_reply_type(u8 type)
{
	switch (type) {
	case CCID_PC_ICC_POWER_ON:
	case CCID_PC_XFR_BLOCK:
	case CCID_PC_SECURE:
		return CCID_RDR_DATA_BLOCK;
	case CCID_PC_GET_PARAMETERS:
	case CCID_PC_RESET_PARAMETERS:
	case CCID_PC_SET_PARAMETERS:
		return CCID_RDR_PARAMETERS;
	case CCID_PC_ESCAPE:
		return CCID_RDR_ESCAPE;
	case CCID_PC_SET_RATE_CLOCK:
		return CCID_RDR_RATE_CLOCK;
	default:
		return CCID_RDR_SLOT_STATUS;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ccid_reply_type);

/**
 * ccid_errno() - the errno of a failed command
 * @error: bError of the reply
 *
 * Return: -ETIMEDOUT (ICC_MUTE), -EBADMSG (XFR_PARITY_ERROR), -EIO
 * (XFR_OVERRUN, HW_ERROR), -EMEDIUMTYPE (BAD_ATR_TS, BAD_ATR_TCK), -EPROTO
 * (ICC_PROTOCOL_NOT_SUPPORTED, ICC_CLASS_NOT_SUPPORTED,
 * PROCEDURE_BYTE_CONFLICT, DEACTIVATED_PROTOCOL), -ETIMEDOUT also for
 * PIN_TIMEOUT (nobody entered the PIN in time), -ECANCELED (CMD_ABORTED,
 * PIN_CANCELLED), -EOPNOTSUPP (command not supported), -EIO for the others
 * (a bad parameter, vendor codes), CMD_SLOT_BUSY and
 * BUSY_WITH_AUTO_SEQUENCE among them.
 *
 * Never -EBUSY: user space reads that as "another request of this reader
 * is pending", a condition of the library, not of the reader. A reader
 * busy with something else (its own activation sequence, a command of
 * another host program it is still working on) failed the command: -EIO,
 * and the caller may try again.
 */
int ccid_errno(u8 error)
{
	switch (error) {
	case CCID_ERR_ICC_MUTE:
	case CCID_ERR_PIN_TIMEOUT:
		return -ETIMEDOUT;
	case CCID_ERR_XFR_PARITY:
		return -EBADMSG;
	case CCID_ERR_BAD_ATR_TS:
	case CCID_ERR_BAD_ATR_TCK:
		return -EMEDIUMTYPE;
	case CCID_ERR_PROTOCOL_NOT_SUPP:
	case CCID_ERR_CLASS_NOT_SUPP:
	case CCID_ERR_PROC_BYTE_CONFLICT:
	case CCID_ERR_DEACTIVATED_PROTOCOL:
		return -EPROTO;
	case CCID_ERR_CMD_ABORTED:
	case CCID_ERR_PIN_CANCELLED:
		return -ECANCELED;
	case CCID_ERR_CMD_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ccid_errno);

/**
 * ccid_build() - write a PC_to_RDR message
 * @buf: room for CCID_HDR_LEN + @m->len bytes
 * @m: the command
 * @seq: its bSeq
 *
 * Return: the length of the message.
 */
size_t ccid_build(u8 *buf, const struct ccid_msg *m, u8 seq)
{
	buf[CCID_OFF_TYPE] = m->type;
	put_unaligned_le32(m->len, buf + CCID_OFF_LEN);
	buf[CCID_OFF_SLOT] = m->slot;
	buf[CCID_OFF_SEQ] = seq;
	memcpy(buf + CCID_OFF_P1, m->param, sizeof(m->param));
	if (m->len)
		memcpy(buf + CCID_HDR_LEN, m->data, m->len);

	return CCID_HDR_LEN + m->len;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_build);

/**
 * ccid_budget_ms() - how long a whole command may take
 * @m: the command
 *
 * Its first wait and CCID_TIME_EXT_MAX of the card's waiting time when the
 * caller gave it (@m->ext_ms), else CCID_UNTIMED_WAITS first waits.
 *
 * Return: that, within 1 ms and CCID_CMD_MAX_MS.
 */
unsigned int ccid_budget_ms(const struct ccid_msg *m)
{
	u64 ms;

	if (m->ext_ms)
		ms = m->timeout_ms + (u64)CCID_TIME_EXT_MAX * m->ext_ms;
	else
		ms = (u64)m->timeout_ms * CCID_UNTIMED_WAITS;

	return clamp_t(u64, ms, 1, CCID_CMD_MAX_MS);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_budget_ms);

/* @ms from now, but not after @end. */
static unsigned long ccid_deadline(unsigned long end, unsigned int ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);

	return time_before(deadline, end) ? deadline : end;
}

/*
 * The wait for the first reply: the card's, within CCID_WAIT_MAX_MS; one
 * for a person (a PIN entry) as long as the caller says, within the
 * command's budget.
 */
static unsigned int ccid_first_wait_ms(const struct ccid_msg *m)
{
	unsigned int max = m->user ? CCID_CMD_MAX_MS : CCID_WAIT_MAX_MS;

	return clamp_t(unsigned int, m->timeout_ms, 1, max);
}

/* How long a time extension of @mult lasts. */
static unsigned int ccid_ext_ms(const struct ccid_msg *m, u8 mult)
{
	u64 ms = (u64)max_t(u8, mult, 1) * m->ext_ms;

	return min_t(u64, max_t(u64, ms, m->timeout_ms), CCID_WAIT_MAX_MS);
}

/*
 * Takes tx_lock, which another task holds while it sends one message
 * (bounded by the transport). Killable and freezable, like every wait of
 * a command; a task already killed waits (it sends its abort).
 */
static int ccid_tx_lock(struct ccid_dev *dev)
{
	if (mutex_trylock(&dev->tx_lock))
		return 0;
	if (wait_event_state(dev->io_wait, mutex_trylock(&dev->tx_lock),
			     ccid_wait_state()))
		return -EINTR;

	return 0;
}

/* Sends @p's command with the next bSeq, @p pending from then on. */
static int ccid_send(struct ccid_dev *dev, struct ccid_pending *p)
{
	struct ccid_msg *m = p->m;
	u8 seq;
	int ret;

	ret = ccid_tx_lock(dev);
	if (ret)
		return ret;

	seq = dev->seq++;
	ccid_rx_add(dev, p, seq);
	if (p->abort && dev->ops->abort) {
		ret = dev->ops->abort(dev, m->slot, seq);
		if (ret)
			dev_dbg(dev->parent, "slot %u: ABORT request: %d\n",
				m->slot, ret);
	}
	ret = dev->ops->send(dev, dev->msg_buf,
			     ccid_build(dev->msg_buf, m, seq));

	mutex_unlock(&dev->tx_lock);
	wake_up(&dev->io_wait);

	return ret;
}

/*
 * The command on @slot timed out: the class-specific ABORT request, then
 * PC_to_RDR_Abort with the same bSeq, and its reply (or the time is up).
 * The reply to the aborted command, if it comes, is skipped here or by
 * the next command.
 */
static void ccid_abort(struct ccid_dev *dev, u8 slot)
{
	struct ccid_msg m = { .type = CCID_PC_ABORT, .slot = slot };
	struct ccid_pending p = { .m = &m, .abort = true };
	unsigned long deadline;
	u8 mult;
	int ret;

	if (READ_ONCE(dev->gone))
		return;

	INIT_LIST_HEAD(&p.node);
	ret = ccid_send(dev, &p);
	if (ret) {
		dev_dbg(dev->parent, "slot %u: PC_to_RDR_Abort: %d\n", slot,
			ret);
	} else {
		deadline = jiffies + msecs_to_jiffies(CCID_ABORT_TIMEOUT_MS);
		do {
			ret = ccid_rx_wait(dev, &p, deadline, &mult);
		} while (ret == CCID_RX_EXT);
	}
	if (!ccid_rx_del(dev, &p))
		dev_dbg(dev->parent, "slot %u: no answer to PC_to_RDR_Abort\n",
			slot);
}

/**
 * ccid_cmd_locked() - one command and its reply
 * @dev: the device
 * @m: the command; its reply in the out fields
 *
 * Sends @m with the next bSeq and waits for its reply as the top of this
 * file says, time extensions included, for ccid_budget_ms() at most. A
 * command for the card first restarts the card's clock if it was stopped
 * (clock.c), and an exchange with the card lets it stop again once idle.
 * abData of the reply goes to @m->rsp, also for a failed command when it
 * fits (character level: what the card sent before it stopped).
 *
 * Context: process context, the slot @m->slot held (ccid_io_lock()).
 * Return: 0; -ENODEV (device gone), -EIO (device suspended or being
 * reset, see ccid_dev_halt(); also a transfer the halt killed),
 * -EMSGSIZE (@m too long for the reader, or abData of the reply longer
 * than @m->rsp_size), -ETIMEDOUT (no reply, or the budget ran out: the
 * command was aborted; or ICC_MUTE), -EINTR (fatal signal: the command
 * was aborted), -EPROTO (malformed reply), -ENOMEDIUM (the command
 * failed, no card), the errno of bError (ccid_errno()), or the
 * transport's error.
 */
int ccid_cmd_locked(struct ccid_dev *dev, struct ccid_msg *m)
{
	struct ccid_slot *slot = NULL;
	int ret;

	ccid_io_assert_held(dev, m->slot);

	if (m->slot < dev->num_slots)
		slot = &dev->slots[m->slot];
	if (slot && ccid_clock_needed(m->type)) {
		ret = ccid_clock_run_locked(dev, slot);
		if (ret) {
			m->rsp_len = 0;
			m->status = 0;
			m->error = 0;
			m->rsp_param = 0;
			return ret;
		}
	}
	ret = ccid_exchange_locked(dev, m);
	if (slot)
		ccid_clock_after_locked(dev, slot, m->type);

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_cmd_locked);

/**
 * ccid_exchange_locked() - one command and its reply, as they are
 * @dev: the device
 * @m: the command; its reply in the out fields
 *
 * ccid_cmd_locked() without the card clock's care (clock.c).
 *
 * Context: process context, the slot @m->slot held.
 * Return: see ccid_cmd_locked().
 */
int ccid_exchange_locked(struct ccid_dev *dev, struct ccid_msg *m)
{
	struct ccid_pending p = { .m = m };
	unsigned long deadline, end;
	unsigned int ext = 0;
	u8 mult;
	int ret;

	ccid_io_assert_held(dev, m->slot);

	m->rsp_len = 0;
	m->status = 0;
	m->error = 0;
	m->rsp_param = 0;
	if (READ_ONCE(dev->gone))
		return -ENODEV;
	if (READ_ONCE(dev->halted))
		return -EIO;
	if (m->len > dev->buf_size - CCID_HDR_LEN)
		return -EMSGSIZE;

	INIT_LIST_HEAD(&p.node);
	ret = ccid_send(dev, &p);
	if (list_empty(&p.node))
		return ret;	/* killed before it was sent */

	end = jiffies + msecs_to_jiffies(ccid_budget_ms(m));
	deadline = ccid_deadline(end, ccid_first_wait_ms(m));
	while (!ret) {
		ret = ccid_rx_wait(dev, &p, deadline, &mult);
		if (ret != CCID_RX_EXT)
			break;
		/*
		 * A PIN pad may ask for time every second while the user
		 * types: its entry is bounded by the budget alone.
		 */
		if ((++ext > CCID_TIME_EXT_MAX && !m->user) ||
		    !time_before(jiffies, end)) {
			dev_dbg_ratelimited(dev->parent,
					    "slot %u: out of time after %u time extensions\n",
					    m->slot, ext - 1);
			ret = -ETIMEDOUT;
			break;
		}
		deadline = ccid_deadline(end, ccid_ext_ms(m, mult));
		ret = 0;
	}

	if (ccid_rx_del(dev, &p))
		return p.ret;

	/* Timed out or cancelled (a fatal signal): stop the reader. */
	if (ret == -ETIMEDOUT || ret == -EINTR)
		ccid_abort(dev, m->slot);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_exchange_locked);

static bool ccid_busy_get(struct ccid_dev *dev)
{
	bool ok;

	spin_lock(&dev->rx_lock);
	ok = !dev->blocked && dev->busy < dev->max_busy;
	if (ok)
		dev->busy++;
	spin_unlock(&dev->rx_lock);

	return ok;
}

/**
 * ccid_io_lock() - wait for a slot and the device, killable and freezable
 * @dev: the device
 * @slot: the slot's index, below CCID_MAX_SLOTS
 *
 * Takes the slot (its cmd_lock), which another command sequence of the
 * slot (the slot poll, the clock stop) may hold, then one of the device's
 * busy slots: as many slots as bMaxCCIDBusySlots (1 for most readers) may
 * have a command in flight, the others wait for their turn. Either may
 * last another command's budget: the waits end with a fatal signal, and
 * the freezer may freeze the task in them (CCID_WAIT_STATE); a
 * mutex_lock_killable() could do the first, not the second. Every holder
 * lets the waiters try again through ccid_io_unlock().
 *
 * Context: process context.
 * Return: 0 (the slot held), -EINTR (fatal signal) or -EINVAL (a slot
 * the driver cannot have).
 */
int ccid_io_lock(struct ccid_dev *dev, u8 slot)
{
	if (WARN_ON_ONCE(slot >= CCID_MAX_SLOTS))
		return -EINVAL;
	if (!mutex_trylock(&dev->cmd_lock[slot]) &&
	    wait_event_state(dev->io_wait, mutex_trylock(&dev->cmd_lock[slot]),
			     CCID_WAIT_STATE))
		return -EINTR;
	if (!ccid_busy_get(dev) &&
	    wait_event_state(dev->io_wait, ccid_busy_get(dev),
			     CCID_WAIT_STATE)) {
		mutex_unlock(&dev->cmd_lock[slot]);
		wake_up(&dev->io_wait);
		return -EINTR;
	}

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_io_lock);

/**
 * ccid_io_trylock() - take a slot and the device if both are free
 * @dev: the device
 * @slot: the slot's index, below CCID_MAX_SLOTS
 *
 * Context: process context.
 * Return: true when the slot is held (release it with ccid_io_unlock()).
 */
bool ccid_io_trylock(struct ccid_dev *dev, u8 slot)
{
	if (slot >= CCID_MAX_SLOTS || !mutex_trylock(&dev->cmd_lock[slot]))
		return false;
	if (ccid_busy_get(dev))
		return true;
	mutex_unlock(&dev->cmd_lock[slot]);
	wake_up(&dev->io_wait);
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_io_trylock);

/**
 * ccid_io_unlock() - release the slot taken with ccid_io_lock()
 * @dev: the device
 * @slot: the slot's index
 *
 * Context: process context.
 */
void ccid_io_unlock(struct ccid_dev *dev, u8 slot)
{
	spin_lock(&dev->rx_lock);
	dev->busy--;
	spin_unlock(&dev->rx_lock);
	mutex_unlock(&dev->cmd_lock[slot]);
	wake_up(&dev->io_wait);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_io_unlock);

/**
 * ccid_io_assert_held() - lockdep: the caller holds the slot
 * @dev: the device
 * @slot: the slot's index
 */
void ccid_io_assert_held(struct ccid_dev *dev, u8 slot)
{
	if (slot < CCID_MAX_SLOTS)
		lockdep_assert_held(&dev->cmd_lock[slot]);
}

/**
 * ccid_cmd() - one command and its reply, the slot held meanwhile
 * @dev: the device
 * @m: the command; its reply in the out fields
 *
 * Context: process context.
 * Return: -EINTR when a fatal signal came while waiting for the slot, or
 * -EINVAL for a slot the driver cannot have (nothing was sent); else see
 * ccid_cmd_locked().
 */
int ccid_cmd(struct ccid_dev *dev, struct ccid_msg *m)
{
	int ret;

	ret = ccid_io_lock(dev, m->slot);
	if (ret)
		return ret;
	ret = ccid_cmd_locked(dev, m);
	ccid_io_unlock(dev, m->slot);

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_cmd);

/* NotifySlotChange: bmSlotICCState, 2 bits per slot from bit 0. */
static void ccid_notify_slots(struct ccid_dev *dev, const u8 *bits,
			      size_t n)
{
	unsigned long flags;
	unsigned int i;
	u8 b;

	/* Pairs with ccid_notify_start(): the lock is set up. */
	if (!smp_load_acquire(&dev->ready))
		return;

	spin_lock_irqsave(&dev->slot_lock, flags);
	if (dev->ready) {
		for (i = 0; i < dev->num_slots && i / 4 < n; i++) {
			b = bits[i / 4] >> (2 * (i % 4));
			ccid_slot_notify(&dev->slots[i], b & BIT(0),
					 b & BIT(1));
		}
		if (dev->poll_mask)
			queue_delayed_work(system_freezable_wq, &dev->poll_work,
					   msecs_to_jiffies(CCID_POLL_DELAY_MS));
	}
	spin_unlock_irqrestore(&dev->slot_lock, flags);
}

/**
 * ccid_notify() - a message from the interrupt endpoint
 * @dev: the device
 * @msg: the message
 * @len: its length
 *
 * RDR_to_PC_NotifySlotChange reports each slot's card: its insertion or
 * removal goes to the slot's reader with scard_card_event() (a slot that
 * changed twice, out and in, gets both events), and a slot that changed is
 * asked for its card (GetSlotStatus) from a work item, which corrects the
 * state if the notification was stale; bits of slots the device does not
 * have, and slots the message is too short for, are ignored.
 * RDR_to_PC_HardwareError is logged (for a slot that exists). The
 * transport may call this at any time until ccid_dev_unregister() has
 * returned (before ccid_dev_register() the message is dropped: the slots
 * are polled at registration).
 *
 * Context: any context (URB completion).
 */
void ccid_notify(struct ccid_dev *dev, const u8 *msg, size_t len)
{
	if (!len)
		return;

	switch (msg[0]) {
	case CCID_RDR_NOTIFY_SLOT_CHANGE:
		ccid_notify_slots(dev, msg + 1, len - 1);
		break;
	case CCID_RDR_HARDWARE_ERROR:
		if (len < 4)
			break;
		if (msg[1] >= dev->num_slots)
			dev_dbg_ratelimited(dev->parent,
					    "hardware error for slot %u, which does not exist\n",
					    msg[1]);
		else
			dev_warn_ratelimited(dev->parent,
					     "slot %u: hardware error %#x (seq %u)\n",
					     msg[1], msg[3], msg[2]);
		break;
	default:
		dev_dbg_ratelimited(dev->parent,
				    "interrupt message %#x ignored\n", msg[0]);
		break;
	}
}
EXPORT_SYMBOL_GPL(ccid_notify);
