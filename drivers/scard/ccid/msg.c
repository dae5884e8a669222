// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: the message layer (USB CCID 1.1 chapter 6).
 *
 * One command at a time per device (io_lock): the PC_to_RDR message gets
 * the next bSeq and goes out whole through the transport's send; then
 * bulk-in transfers are read until the reply arrives or the time is up.
 * A transfer is the reply when its bSlot and bSeq are the command's.
 * Zero-length transfers are skipped, and so are the replies that earlier
 * commands left unread: each command that ends without its reply (timed
 * out, aborted, answered by something else) leaves its bSeq in the
 * orphans, and one transfer with that bSeq is skipped later (the late
 * reply, the answer to an abort). Any other transfer with a wrong bSeq or
 * bSlot fails the command with -EPROTO, and the reader stays usable:
 * that command's own reply, if it still comes, is an orphan. Until the
 * first reply matched, what a previous user of the reader left unread is
 * skipped too (other bSeqs, pieces shorter than a header), and so is the
 * rest of a transfer that was too long for the buffer, until the next
 * reply matches. Nothing is ever matched by position: on QEMU's xHCI a
 * message that ends on a full packet is followed by a phantom zero-length
 * transfer, which a reader of "the next transfer" would take for the
 * reply of the next command, shifting every later reply by one.
 *
 * The reply is then checked: a header of 10 bytes, dwLength within what
 * arrived, the message type that answers the command. bStatus says
 * whether the card is there (bmICCStatus) and how the command went
 * (bmCommandStatus): a failed command maps bError to an errno
 * (ccid_errno()), and a time extension restarts the wait for
 * max(bError * ext_ms, timeout_ms), up to CCID_TIME_EXT_MAX times.
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
 * Waiting for the device (ccid_io_lock()) and for a reply is killable and
 * freezable (CCID_WAIT_STATE): a program whose slot waits behind another
 * slot's long command can be killed at once, and none of them keeps the
 * system from suspending.
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

/* ccid_status(): a time extension, not an errno */
#define CCID_STATUS_TIME_EXT	1

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
 * most CCID_MAX_MSG_LEN).
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int ccid_msg_init(struct ccid_dev *dev)
{
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

	mutex_init(&dev->io_lock);
	init_waitqueue_head(&dev->io_wait);
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
	ccid_notify_stop(dev);
	kvfree(dev->msg_buf);
	kvfree(dev->rsp_buf);
	dev->msg_buf = NULL;
	dev->rsp_buf = NULL;
	mutex_destroy(&dev->io_lock);
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

/* One bulk-in transfer into rsp_buf, waiting until @deadline at most. */
static int ccid_recv(struct ccid_dev *dev, unsigned long deadline,
		     size_t *len)
{
	long left = (long)(deadline - jiffies);
	int ret;

	*len = 0;
	if (READ_ONCE(dev->gone))
		return -ENODEV;
	if (left <= 0)
		return -ETIMEDOUT;

	ret = dev->ops->recv(dev, dev->rsp_buf, dev->buf_size, len,
			     jiffies_to_msecs(left));
	if (ret) {
		*len = 0;
		return ret;
	}
	if (*len > dev->buf_size) {
		dev_warn_ratelimited(dev->parent,
				     "transport overran the buffer\n");
		*len = 0;
		return -EIO;
	}

	return 0;
}

/*
 * Is the transfer in rsp_buf (@len bytes) the reply to @m sent with @seq?
 * 1: no, skip it; 0: yes, and well formed; or the error that ends @m.
 */
static int ccid_match(struct ccid_dev *dev, const struct ccid_msg *m,
		      u8 seq, size_t len)
{
	const u8 *rsp = dev->rsp_buf;
	u32 dlen;

	if (!len) {
		dev_dbg_ratelimited(dev->parent, "zero-length transfer\n");
		return 1;
	}
	if (len < CCID_HDR_LEN) {
		dev_dbg_ratelimited(dev->parent, "truncated reply (%zu bytes)\n",
				    len);
		return dev->synced ? -EPROTO : 1;
	}
	if (rsp[CCID_OFF_SLOT] != m->slot || rsp[CCID_OFF_SEQ] != seq) {
		u8 rseq = rsp[CCID_OFF_SEQ];

		if (rseq != seq &&
		    (!dev->synced || __test_and_clear_bit(rseq, dev->orphans))) {
			dev_dbg_ratelimited(dev->parent,
					    "skipping %#x slot %u seq %u, waiting for slot %u seq %u\n",
					    rsp[CCID_OFF_TYPE],
					    rsp[CCID_OFF_SLOT], rseq, m->slot,
					    seq);
			return 1;
		}
		dev_dbg_ratelimited(dev->parent,
				    "unexpected %#x slot %u seq %u, waiting for slot %u seq %u\n",
				    rsp[CCID_OFF_TYPE], rsp[CCID_OFF_SLOT],
				    rseq, m->slot, seq);
		return -EPROTO;
	}
	dev->synced = true;

	dlen = get_unaligned_le32(rsp + CCID_OFF_LEN);
	if (dlen > len - CCID_HDR_LEN || dlen > dev->buf_size - CCID_HDR_LEN) {
		dev_dbg_ratelimited(dev->parent,
				    "reply announces %u bytes, %zu arrived\n",
				    dlen, len - CCID_HDR_LEN);
		return -EPROTO;
	}
	if (rsp[CCID_OFF_TYPE] != ccid_reply_type(m->type)) {
		dev_dbg_ratelimited(dev->parent, "reply %#x to command %#x\n",
				    rsp[CCID_OFF_TYPE], m->type);
		return -EPROTO;
	}

	return 0;
}

/* 0, CCID_STATUS_TIME_EXT, or the errno of a failed command. */
static int ccid_status(u8 status, u8 error)
{
	unsigned int icc = FIELD_GET(CCID_ICC_STATUS, status);

	switch (FIELD_GET(CCID_CMD_STATUS, status)) {
	case CCID_CMD_OK:
		return icc > CCID_ICC_ABSENT ? -EPROTO : 0;
	case CCID_CMD_FAILED:
		return icc == CCID_ICC_ABSENT ? -ENOMEDIUM : ccid_errno(error);
	case CCID_CMD_TIME_EXT:
		return CCID_STATUS_TIME_EXT;
	default:
		return -EPROTO;
	}
}

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
 * The command on @slot timed out: the class-specific ABORT request, then
 * PC_to_RDR_Abort with the same bSeq, and its reply (or the time is up).
 * The reply to the aborted command, if it comes, is skipped here or by
 * the next command.
 */
static void ccid_abort_locked(struct ccid_dev *dev, u8 slot)
{
	struct ccid_msg m = { .type = CCID_PC_ABORT, .slot = slot };
	const u8 *rsp = dev->rsp_buf;
	unsigned long deadline;
	u8 seq = dev->seq++;
	size_t len;
	int ret;

	if (READ_ONCE(dev->gone))
		return;

	__clear_bit(seq, dev->orphans);
	if (dev->ops->abort) {
		ret = dev->ops->abort(dev, slot, seq);
		if (ret)
			dev_dbg(dev->parent, "slot %u: ABORT request: %d\n",
				slot, ret);
	}

	len = ccid_build(dev->msg_buf, &m, seq);
	ret = dev->ops->send(dev, dev->msg_buf, len);
	if (ret) {
		dev_dbg(dev->parent, "slot %u: PC_to_RDR_Abort: %d\n", slot,
			ret);
		return;
	}

	deadline = jiffies + msecs_to_jiffies(CCID_ABORT_TIMEOUT_MS);
	while (!ccid_recv(dev, deadline, &len)) {
		if (len < CCID_HDR_LEN)
			continue;
		if (rsp[CCID_OFF_TYPE] == CCID_RDR_SLOT_STATUS &&
		    rsp[CCID_OFF_SLOT] == slot && rsp[CCID_OFF_SEQ] == seq)
			return;
		/* The aborted command's late reply, most likely. */
		__clear_bit(rsp[CCID_OFF_SEQ], dev->orphans);
	}
	dev_dbg(dev->parent, "slot %u: no answer to PC_to_RDR_Abort\n", slot);
	__set_bit(seq, dev->orphans);
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
 * Context: process context, dev->io_lock held (ccid_io_lock()).
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

	lockdep_assert_held(&dev->io_lock);

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
 * Context: process context, dev->io_lock held.
 * Return: see ccid_cmd_locked().
 */
int ccid_exchange_locked(struct ccid_dev *dev, struct ccid_msg *m)
{
	const u8 *rsp = dev->rsp_buf;
	unsigned long deadline, end;
	unsigned int ext = 0;
	size_t len;
	u32 dlen;
	u8 seq;
	int ret;

	lockdep_assert_held(&dev->io_lock);

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

	seq = dev->seq++;
	__clear_bit(seq, dev->orphans);	/* a reply with it is ours now */
	len = ccid_build(dev->msg_buf, m, seq);
	ret = dev->ops->send(dev, dev->msg_buf, len);
	if (ret)
		goto fail;

	end = jiffies + msecs_to_jiffies(ccid_budget_ms(m));
	deadline = ccid_deadline(end, ccid_first_wait_ms(m));
	for (;;) {
		ret = ccid_recv(dev, deadline, &len);
		if (ret == -EPROTO) {
			/*
			 * A transfer too long for the buffer: the command
			 * fails, and until a reply matches the rest of it is
			 * skipped, however it comes.
			 */
			if (!dev->synced)
				continue;
			dev->synced = false;
		}
		if (ret)
			goto fail;
		ret = ccid_match(dev, m, seq, len);
		if (ret > 0)
			continue;
		if (ret)
			goto fail;

		m->status = rsp[CCID_OFF_P1];
		m->error = rsp[CCID_OFF_P2];
		m->rsp_param = rsp[CCID_OFF_P3];
		ret = ccid_status(m->status, m->error);
		if (ret != CCID_STATUS_TIME_EXT)
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
			goto fail;
		}
		deadline = ccid_deadline(end, ccid_ext_ms(m, m->error));
	}

	dlen = get_unaligned_le32(rsp + CCID_OFF_LEN);
	if (!dlen)
		return ret;
	if (!m->rsp || dlen > m->rsp_size)
		return ret ?: -EMSGSIZE;
	memcpy(m->rsp, rsp + CCID_HDR_LEN, dlen);
	m->rsp_len = dlen;

	return ret;

fail:
	/* No good reply was read: one may still come, skip it then. */
	__set_bit(seq, dev->orphans);
	/* Timed out or cancelled (a fatal signal): stop the reader. */
	if (ret == -ETIMEDOUT || ret == -EINTR)
		ccid_abort_locked(dev, m->slot);
	return ret;
}

/**
 * ccid_io_lock() - wait for the device, killable and freezable
 * @dev: the device
 *
 * Takes dev->io_lock, which another slot's command may hold for up to
 * its budget. The wait ends with a fatal signal, and the freezer may
 * freeze the task in it (CCID_WAIT_STATE); a mutex_lock_killable() could
 * do the first, not the second. Every holder lets the waiters try again
 * through ccid_io_unlock().
 *
 * Context: process context.
 * Return: 0 (io_lock held) or -EINTR (fatal signal).
 */
int ccid_io_lock(struct ccid_dev *dev)
{
	if (mutex_trylock(&dev->io_lock))
		return 0;
	if (wait_event_state(dev->io_wait, mutex_trylock(&dev->io_lock),
			     CCID_WAIT_STATE))
		return -EINTR;

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_io_lock);

/**
 * ccid_io_unlock() - release the device taken with ccid_io_lock()
 * @dev: the device
 *
 * Context: process context.
 */
void ccid_io_unlock(struct ccid_dev *dev)
{
	mutex_unlock(&dev->io_lock);
	wake_up(&dev->io_wait);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_io_unlock);

/**
 * ccid_cmd() - one command and its reply, device locked meanwhile
 * @dev: the device
 * @m: the command; its reply in the out fields
 *
 * Context: process context.
 * Return: -EINTR when a fatal signal came while waiting for the device
 * (nothing was sent); else see ccid_cmd_locked().
 */
int ccid_cmd(struct ccid_dev *dev, struct ccid_msg *m)
{
	int ret;

	ret = ccid_io_lock(dev);
	if (ret)
		return ret;
	ret = ccid_cmd_locked(dev, m);
	ccid_io_unlock(dev);

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
