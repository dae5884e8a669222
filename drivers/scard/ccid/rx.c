// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: the replies, filed to the commands that wait for them.
 *
 * Every command in flight is on the device's pending list, under its bSeq,
 * from before it is sent until it ends (ccid_rx_add(), ccid_rx_del()).
 * Commands to several slots may be in flight at once (up to
 * bMaxCCIDBusySlots, see ccid_io_lock()), and their replies come in any
 * order through one bulk-in pipe, which one task reads at a time: the
 * first waiting command that finds nobody reading becomes the receiver.
 * It reads one transfer, until its own deadline at most, and files it:
 * a reply goes to the command with its bSeq (and bSlot), whoever that
 * is, and wakes it; then the receiver lets the others look, and reads
 * again unless its own command ended. The others sleep until their
 * command ends, their deadline passes, or the pipe is free. So a slow
 * card in one slot delays no other slot, and a command that waits
 * longer than the receiver takes over when the receiver's time is up.
 *
 * Filing a transfer (ccid_rx_file()): zero-length transfers are
 * skipped, and so are the replies that earlier commands left unread:
 * each command that ends without its reply (timed out, aborted,
 * answered by something else) leaves its bSeq in the orphans, and one
 * transfer with that bSeq is skipped later (the late reply, the answer
 * to an abort). Any other transfer that no command waits for fails the
 * receiver's command with -EPROTO, and the reader stays usable: that
 * command's own reply, if it still comes, is an orphan. A reply with the
 * bSeq of a command but another bSlot fails that command. Until the
 * first reply matched, what a previous user of the reader left unread is
 * skipped too (other bSeqs, pieces shorter than a header), and so is the
 * rest of a transfer that was too long for the buffer, until the next
 * reply matches. Nothing is ever matched by position: on QEMU's xHCI a
 * message that ends on a full packet is followed by a phantom zero-length
 * transfer, which a reader of "the next transfer" would take for the
 * reply of the next command, shifting every later reply by one.
 *
 * The reply is then checked (ccid_rx_deliver()): a header of 10 bytes,
 * dwLength within what arrived, the message type that answers the
 * command. bStatus says whether the card is there (bmICCStatus) and how
 * the command went (bmCommandStatus): a failed command maps bError to an
 * errno (ccid_errno()); a time extension is passed to the command, which
 * waits longer (msg.c).
 */

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/wait.h>
#include "../compat.h"

#include "msg.h"

/**
 * ccid_rx_add() - a command is about to be sent with @seq
 * @dev: the device
 * @p: the command, not pending
 * @seq: its bSeq
 *
 * Context: process context, dev->tx_lock held (the bSeq is taken).
 */
void ccid_rx_add(struct ccid_dev *dev, struct ccid_pending *p, u8 seq)
{
	spin_lock(&dev->rx_lock);
	__clear_bit(seq, dev->orphans);	/* a reply with it is ours now */
	p->seq = seq;
	list_add_tail(&p->node, &dev->pending);
	spin_unlock(&dev->rx_lock);
}

/**
 * ccid_rx_del() - a command stops waiting
 * @dev: the device
 * @p: the command, pending or never added (its node initialised)
 *
 * A command that got no good reply leaves its bSeq in the orphans: the
 * reply may still come, and is skipped then.
 *
 * Context: process context.
 * Return: true when the command ended (@p->ret is its result).
 */
bool ccid_rx_del(struct ccid_dev *dev, struct ccid_pending *p)
{
	bool done;

	spin_lock(&dev->rx_lock);
	if (!list_empty(&p->node)) {
		list_del_init(&p->node);
		if (!p->replied)
			__set_bit(p->seq, dev->orphans);
	}
	done = p->done;
	spin_unlock(&dev->rx_lock);

	return done;
}

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

static void ccid_rx_end(struct ccid_pending *p, int ret)
{
	p->ret = ret;
	p->done = true;
}

/* The reply to @p is in rsp_buf (@len bytes): check it, hand it over. */
static void ccid_rx_deliver(struct ccid_dev *dev, struct ccid_pending *p,
			    size_t len)
{
	const u8 *rsp = dev->rsp_buf;
	struct ccid_msg *m = p->m;
	u32 dlen;
	int ret;

	dlen = get_unaligned_le32(rsp + CCID_OFF_LEN);
	if (dlen > len - CCID_HDR_LEN || dlen > dev->buf_size - CCID_HDR_LEN) {
		dev_dbg_ratelimited(dev->parent,
				    "reply announces %u bytes, %zu arrived\n",
				    dlen, len - CCID_HDR_LEN);
		ccid_rx_end(p, -EPROTO);
		return;
	}
	if (rsp[CCID_OFF_TYPE] != ccid_reply_type(m->type)) {
		dev_dbg_ratelimited(dev->parent, "reply %#x to command %#x\n",
				    rsp[CCID_OFF_TYPE], m->type);
		ccid_rx_end(p, -EPROTO);
		return;
	}

	m->status = rsp[CCID_OFF_P1];
	m->error = rsp[CCID_OFF_P2];
	m->rsp_param = rsp[CCID_OFF_P3];
	ret = ccid_status(m->status, m->error);
	if (ret == CCID_STATUS_TIME_EXT) {
		p->ext = true;
		p->ext_mult = m->error;
		return;
	}

	p->replied = true;
	if (dlen) {
		if (m->rsp && dlen <= m->rsp_size) {
			memcpy(m->rsp, rsp + CCID_HDR_LEN, dlen);
			m->rsp_len = dlen;
		} else if (!ret) {
			ret = -EMSGSIZE;
		}
	}
	ccid_rx_end(p, ret);
}

static struct ccid_pending *ccid_rx_find(struct ccid_dev *dev, u8 seq)
{
	struct ccid_pending *p;

	list_for_each_entry(p, &dev->pending, node)
		if (p->seq == seq)
			return p;
	return NULL;
}

/*
 * Files the transfer in rsp_buf (@len bytes), which the receiver @own
 * read (with the transport's result @ret), as the top of this file says.
 * Return: 0, or the error that ends @own's wait.
 */
static int ccid_rx_file(struct ccid_dev *dev, struct ccid_pending *own,
			int ret, size_t len)
{
	const u8 *rsp = dev->rsp_buf;
	struct ccid_pending *p;
	u8 seq;

	lockdep_assert_held(&dev->rx_lock);

	if (ret == -EPROTO) {
		/*
		 * A transfer too long for the buffer: the receiver's command
		 * fails, and until a reply matches the rest of it is
		 * skipped, however it comes.
		 */
		if (!dev->synced)
			return 0;
		dev->synced = false;
	}
	if (ret)
		return ret;

	if (!len) {
		dev_dbg_ratelimited(dev->parent, "zero-length transfer\n");
		return 0;
	}
	if (len < CCID_HDR_LEN) {
		dev_dbg_ratelimited(dev->parent, "truncated reply (%zu bytes)\n",
				    len);
		return dev->synced && !own->abort ? -EPROTO : 0;
	}

	seq = rsp[CCID_OFF_SEQ];
	p = ccid_rx_find(dev, seq);
	if (!p) {
		if (!dev->synced || __test_and_clear_bit(seq, dev->orphans) ||
		    own->abort) {
			dev_dbg_ratelimited(dev->parent,
					    "skipping %#x slot %u seq %u\n",
					    rsp[CCID_OFF_TYPE],
					    rsp[CCID_OFF_SLOT], seq);
			return 0;
		}
		dev_dbg_ratelimited(dev->parent,
				    "unexpected %#x slot %u seq %u, waiting for slot %u seq %u\n",
				    rsp[CCID_OFF_TYPE], rsp[CCID_OFF_SLOT], seq,
				    own->m->slot, own->seq);
		return -EPROTO;
	}
	if (rsp[CCID_OFF_SLOT] != p->m->slot) {
		dev_dbg_ratelimited(dev->parent,
				    "unexpected %#x slot %u seq %u, waiting for slot %u\n",
				    rsp[CCID_OFF_TYPE], rsp[CCID_OFF_SLOT], seq,
				    p->m->slot);
		if (!p->abort)
			ccid_rx_end(p, -EPROTO);
		return 0;
	}

	dev->synced = true;
	ccid_rx_deliver(dev, p, len);
	return 0;
}

/* What happened to @p: CCID_RX_DONE, CCID_RX_EXT (*@mult) or 0. */
static int ccid_rx_news(struct ccid_pending *p, u8 *mult)
{
	if (p->done)
		return CCID_RX_DONE;
	if (p->ext) {
		p->ext = false;
		*mult = p->ext_mult;
		return CCID_RX_EXT;
	}
	return 0;
}

static bool ccid_rx_ready(struct ccid_dev *dev, struct ccid_pending *p)
{
	return READ_ONCE(p->done) || READ_ONCE(p->ext) ||
	       !READ_ONCE(dev->receiving) || READ_ONCE(dev->gone);
}

/*
 * Sleeps until @p has news, nobody reads the pipe or the device is gone,
 * @timeout jiffies at most. Return: the jiffies left (0 when the time ran out), or -EINTR.
 */
static long ccid_rx_sleep(struct ccid_dev *dev, struct ccid_pending *p,
			  long timeout)
{
	unsigned int state = ccid_wait_state();
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&dev->rx_wait, &wait, state);
		if (ccid_rx_ready(dev, p) || !timeout)
			break;
		if (signal_pending_state(state, current)) {
			timeout = -EINTR;
			break;
		}
		timeout = schedule_timeout(timeout);
	}
	finish_wait(&dev->rx_wait, &wait);

	return timeout;
}

/**
 * ccid_rx_wait() - wait for news of a pending command
 * @dev: the device
 * @p: the command, on the pending list
 * @deadline: when to give up (jiffies)
 * @mult: out: bError of a time extension
 *
 * Reads the replies of every pending command while nobody else does, as
 * the top of this file says. A task already killed waits without being
 * interrupted (bounded by @deadline): it aborts what it left in flight.
 *
 * Context: process context, the command's slot held.
 * Return: CCID_RX_DONE (the command ended: its result in @p->ret, the
 * reply in its ccid_msg), CCID_RX_EXT (the card asks for more time:
 * *@mult), or the error that ends the wait: -ETIMEDOUT (@deadline
 * passed), -EINTR (fatal signal), -EPROTO (a transfer nobody waits for,
 * or one too long), or the transport's error (-ENODEV, -EIO, ...).
 */
int ccid_rx_wait(struct ccid_dev *dev, struct ccid_pending *p,
		 unsigned long deadline, u8 *mult)
{
	bool recv;
	size_t len;
	long left;
	int ret;

	for (;;) {
		spin_lock(&dev->rx_lock);
		ret = ccid_rx_news(p, mult);
		recv = !ret && !dev->receiving;
		if (recv)
			WRITE_ONCE(dev->receiving, true);
		spin_unlock(&dev->rx_lock);
		if (ret)
			return ret;

		if (!recv) {
			if (READ_ONCE(dev->gone))
				return -ENODEV;
			left = (long)(deadline - jiffies);
			if (left <= 0)
				return -ETIMEDOUT;
			if (ccid_rx_sleep(dev, p, left) < 0)
				return -EINTR;
			continue;
		}

		ret = ccid_recv(dev, deadline, &len);
		spin_lock(&dev->rx_lock);
		WRITE_ONCE(dev->receiving, false);
		ret = ccid_rx_file(dev, p, ret, len);
		spin_unlock(&dev->rx_lock);
		wake_up_all(&dev->rx_wait);
		if (ret)
			return ret;
	}
}
