// SPDX-License-Identifier: GPL-2.0
/*
 * scard: request serialisation, the pending rule, and the library's part
 * of every callback: a request's buffers, its call, its completion, the
 * driver's errno mapped onto the user-space table, and the card state it
 * leaves (the requests themselves are in ops.c).
 *
 * A request runs between scard_request_begin() and scard_request_end(),
 * holding ops_sem for reading (so that unregistering waits for it) and
 * reader->lock (so that requests and callbacks never overlap). Each
 * request that reaches the driver is a struct scard_xfer with buffers
 * sized by the request, freed when it ends: an idle reader holds none.
 *
 * A callback may return SCARD_PENDING and finish later with
 * scard_request_complete(): the caller then sleeps without the locks, and
 * until the driver completes the request every other request on the reader
 * fails with -EBUSY (smclib's rule), but for at most
 * scard_pending_timeout_ms. Past that deadline the library cancels the
 * request: its caller gets -ETIMEDOUT (or, if it was killed, the next
 * request cancels it), the card must be powered again, and the reader
 * takes requests again. A cancelled request keeps its buffers for the
 * driver until its completion, which then only frees it; a completion
 * names its request, so it can never land on a later one. A caller killed
 * before the deadline leaves the request to the reader; async_work does
 * the library's part when the driver completes it.
 */

#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <kunit/visibility.h>

#include "scard_core.h"

/* How long a driver may leave a request pending, in ms. */
unsigned int scard_pending_timeout_ms = 60000;
module_param_named(pending_timeout_ms, scard_pending_timeout_ms, uint, 0644);
MODULE_PARM_DESC(pending_timeout_ms,
		 "how long a reader driver may leave a request pending before the library cancels it, in ms (default 60000)");
EXPORT_SYMBOL_IF_KUNIT(scard_pending_timeout_ms);

/**
 * scard_xfer_alloc() - a request for a reader callback
 * @reader: the reader
 * @major: smclib function number
 * @minor: its minor code
 * @send_len: size of the request data buffer, 0 for none
 * @recv_size: size of the reply buffer, 0 for none
 *
 * The buffers are sized by the request, so that an idle reader holds none;
 * the caller picked the sizes, so a failure is its -ENOMEM, not a warning.
 *
 * Context: process context.
 * Return: the request, or NULL when out of memory.
 */
struct scard_xfer *scard_xfer_alloc(struct scard_reader *reader,
				    unsigned int major, u32 minor,
				    size_t send_len, size_t recv_size)
{
	struct scard_xfer *xfer;

	xfer = kzalloc(sizeof(*xfer), GFP_KERNEL);
	if (!xfer)
		return NULL;

	xfer->reader = reader;
	xfer->req.major = major;
	xfer->req.minor = minor;
	INIT_LIST_HEAD(&xfer->node);
	if (send_len) {
		xfer->send_buf = kvmalloc(send_len, GFP_KERNEL | __GFP_NOWARN);
		if (!xfer->send_buf)
			goto err;
		xfer->req.send = xfer->send_buf;
		xfer->req.send_len = send_len;
	}
	if (recv_size) {
		xfer->recv_buf = kvmalloc(recv_size, GFP_KERNEL | __GFP_NOWARN);
		if (!xfer->recv_buf)
			goto err;
		xfer->req.recv = xfer->recv_buf;
		xfer->req.recv_size = recv_size;
	}

	return xfer;

err:
	kvfree(xfer->send_buf);
	kfree(xfer);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(scard_xfer_alloc);

static void scard_xfer_free(struct scard_xfer *xfer)
{
	kvfree(xfer->recv_buf);
	kvfree(xfer->send_buf);
	kfree(xfer);
}

/**
 * scard_xfer_put() - the caller is done with its request
 * @xfer: the request, or NULL
 *
 * Frees it, unless the caller abandoned it to the reader (a pending request
 * whose caller was killed or timed out): the reader frees that one when the
 * driver completes it.
 *
 * Context: process context, with reader->lock held.
 */
void scard_xfer_put(struct scard_xfer *xfer)
{
	if (xfer && !xfer->abandoned)
		scard_xfer_free(xfer);
}
EXPORT_SYMBOL_IF_KUNIT(scard_xfer_put);

/**
 * scard_xfer_release_all() - free the requests the reader still owns
 * @reader: the reader, its last reference gone
 *
 * Requests the driver left pending and never completed: nobody can
 * complete them any more.
 */
void scard_xfer_release_all(struct scard_reader *reader)
{
	struct scard_xfer *xfer, *tmp;

	if (reader->cur && reader->cur->abandoned)
		scard_xfer_free(reader->cur);
	reader->cur = NULL;
	list_for_each_entry_safe(xfer, tmp, &reader->cancelled, node) {
		list_del(&xfer->node);
		scard_xfer_free(xfer);
	}
}

/*
 * Give up on a pending request: it leaves reader->cur for the list of
 * cancelled requests, where it waits for the driver's completion. Called
 * with state_lock held.
 */
static void scard_xfer_cancel(struct scard_reader *reader,
			      struct scard_xfer *xfer)
{
	lockdep_assert_held(&reader->state_lock);

	xfer->state = SCARD_ASYNC_CANCELLED;
	xfer->abandoned = true;
	list_add_tail(&xfer->node, &reader->cancelled);
	if (reader->cur == xfer)
		reader->cur = NULL;
}

/*
 * The library's part of a cancelled request: the card's state is unknown
 * after a reset, a negotiation or an exchange the driver may still be
 * doing, so the caller must power it again (as after a lost link).
 */
static void scard_xfer_cancelled(struct scard_reader *reader,
				 enum scard_rdf rdf)
{
	scard_warn_ratelimited(reader,
			       "callback %u pending for more than %u ms, cancelled\n",
			       rdf, READ_ONCE(scard_pending_timeout_ms));
	if (rdf == RDF_CARD_POWER || rdf == RDF_TRANSMIT ||
	    rdf == RDF_SET_PROTOCOL || rdf == RDF_ATR_PARSE) {
		reader->link_ready = false;
		reader->t1_ready = false;
		scard_card_demote(reader, SCARD_CARD_SWALLOWED);
	}
}

/**
 * scard_request_begin() - start a request
 * @reader: the reader
 *
 * Context: process context; takes ops_sem (read) and reader->lock, which
 * scard_request_end() releases. Also brings the card data up to date with
 * a removal reported meanwhile, and cancels a request left pending past
 * its deadline by a caller that was killed.
 * Return: 0 (locks held), -ENODEV (unregistered), -EBUSY (a callback is
 * pending), -ERESTARTSYS (signal).
 */
int scard_request_begin(struct scard_reader *reader)
{
	struct scard_xfer *xfer;
	enum scard_rdf rdf = RDF_MAX;
	bool busy;

	if (down_read_interruptible(&reader->ops_sem))
		return -ERESTARTSYS;

	if (scard_reader_gone(reader)) {
		up_read(&reader->ops_sem);
		return -ENODEV;
	}

	if (mutex_lock_interruptible(&reader->lock)) {
		up_read(&reader->ops_sem);
		return -ERESTARTSYS;
	}

	spin_lock_irq(&reader->state_lock);
	xfer = reader->cur;
	if (xfer && xfer->state == SCARD_ASYNC_ORPHAN &&
	    time_after_eq(jiffies, xfer->deadline)) {
		rdf = xfer->rdf;
		scard_xfer_cancel(reader, xfer);
	}
	busy = reader->cur;
	spin_unlock_irq(&reader->state_lock);
	if (busy) {
		scard_request_end(reader);
		return -EBUSY;
	}

	scard_card_sync(reader);
	if (rdf != RDF_MAX) {
		scard_xfer_cancelled(reader, rdf);
		scard_result(reader, -ETIMEDOUT);
	}

	return 0;
}

/**
 * scard_request_end() - end a request started by scard_request_begin()
 * @reader: the reader
 */
void scard_request_end(struct scard_reader *reader)
{
	mutex_unlock(&reader->lock);
	up_read(&reader->ops_sem);
}

/**
 * scard_result() - account a request's result
 * @reader: the reader
 * @ret: 0 or negative errno
 *
 * Keeps the errno of the last failed request for GET_LAST_ERROR. An
 * interrupted or non-blocking wait is not a failure, and neither a refusal
 * (-EBUSY: another request is pending, this file already waits) nor the
 * kernel running out of memory (-ENOMEM, for the request's buffers or in
 * a driver) says anything about the reader: they must not hide the result
 * of a request that reached it.
 *
 * Return: @ret.
 */
int scard_result(struct scard_reader *reader, int ret)
{
	if (ret < 0 && ret != -EAGAIN && ret != -ERESTARTSYS &&
	    ret != -EINTR && ret != -EBUSY && ret != -ENOMEM) {
		spin_lock_irq(&reader->state_lock);
		reader->last_error = -ret;
		spin_unlock_irq(&reader->state_lock);
	}

	return ret;
}

static int scard_power_finish(struct scard_reader *reader,
			      struct scard_xfer *xfer, int ret)
{
	struct scard_card_caps *card = &reader->card;

	if (ret) {
		scard_card_demote(reader, SCARD_CARD_SWALLOWED);
		return ret;
	}

	if (xfer->req.minor == SCARD_POWER_DOWN) {
		card->atr_len = 0;
		scard_card_settle(reader, SCARD_CARD_SWALLOWED, 0);
		return 0;
	}

	if (!card->atr_len) {
		scard_warn_ratelimited(reader, "reset without an ATR\n");
		scard_card_demote(reader, SCARD_CARD_SWALLOWED);
		return -EIO;
	}

	if (scard_card_parse(reader)) {
		/* The ATR stays readable; RDF_ATR_PARSE may know the card. */
		scard_dbg(reader, "unparsable ATR %*ph\n", card->atr_len,
			  card->atr);
		scard_card_settle(reader, SCARD_CARD_POWERED, 0);
		return 0;
	}

	scard_dbg(reader, "ATR %*ph\n", card->atr_len, card->atr);
	/*
	 * SPECIFIC means a protocol the library can use is selected. A card
	 * fixed by TA2 to another one stays NEGOTIABLE, where SET_PROTOCOL
	 * answers -EOPNOTSUPP and TRANSMIT -EBADFD.
	 */
	if (card->specific && card->selected)
		scard_card_settle(reader, SCARD_CARD_SPECIFIC, card->selected);
	else
		scard_card_settle(reader, SCARD_CARD_NEGOTIABLE, 0);

	return 0;
}

static int scard_protocol_finish(struct scard_reader *reader,
				 struct scard_xfer *xfer, int ret)
{
	if (ret) {
		reader->card.selected = SCARD_PROTO_UNDEFINED;
		scard_card_demote(reader, SCARD_CARD_NEGOTIABLE);
		return ret;
	}

	reader->card.selected = xfer->req.minor;
	scard_card_settle(reader, SCARD_CARD_SPECIFIC, xfer->req.minor);
	scard_dbg(reader, "protocol %#x\n", xfer->req.minor);

	return 0;
}

static int scard_transmit_finish(struct scard_reader *reader,
				 struct scard_xfer *xfer, int ret)
{
	u64 ns = ktime_get_ns() - xfer->start_ns;
	struct scard_request *req = &xfer->req;

	if (!ret && req->recv_len > req->recv_size) {
		scard_warn_ratelimited(reader, "reply overflow (%zu bytes)\n",
				       req->recv_len);
		ret = -EIO;
	}

	spin_lock_irq(&reader->state_lock);
	reader->perf_transmissions++;
	reader->perf_transmit_ns += ns;
	reader->perf_bytes_sent += req->send_len;
	if (!ret)
		reader->perf_bytes_received += req->recv_len;
	spin_unlock_irq(&reader->state_lock);

	return ret;
}

/*
 * User space sees the errnos of one table (Documentation/userspace-api/
 * scard.rst). A reader driver's error is mapped onto it here, in one
 * place for every callback, synchronous or completed later: the errnos
 * with a meaning in the table pass, -ENOTTY means the reader lacks the
 * function, -ECONNABORTED (the card aborted a T=1 exchange) and -EBADMSG
 * (parity or framing errors) are protocol errors (-EPROTO), -ESHUTDOWN
 * means that the device is going away (-ENODEV; the driver unregisters
 * the reader next), and anything else, a driver's -EBUSY,
 * -ENOSPC or -EMSGSIZE among them (those name the caller's mistakes in
 * the table), is the reader failing: -EIO.
 */
static int scard_driver_errno(struct scard_reader *reader,
			      enum scard_rdf rdf, int ret)
{
	switch (ret) {
	case 0:
	case -ENOMEDIUM:
	case -ETIMEDOUT:
	case -EPROTO:
	case -EOPNOTSUPP:
	case -EINVAL:
	case -EMEDIUMTYPE:
	case -EBADFD:
	case -EIO:
	case -ENOMEM:
	case -ERESTARTSYS:
	case -EINTR:
	case -ENODEV:
		return ret;
	case -ENOTTY:
		return -EOPNOTSUPP;
	case -ECONNABORTED:
	case -EBADMSG:
		return -EPROTO;
	case -ESHUTDOWN:
		return -ENODEV;
	default:
		scard_dbg(reader, "callback %u: %d reported as -EIO\n", rdf,
			  ret);
		return -EIO;
	}
}

/*
 * A callback said the reader is gone: the driver fails its transport
 * first, then unregisters the reader. From here on every caller sees the
 * unplug (-ENODEV, POLLHUP), not only the one whose request failed.
 */
static void scard_reader_unplugged(struct scard_reader *reader)
{
	unsigned long flags;

	spin_lock_irqsave(&reader->state_lock, flags);
	reader->unplugged = true;
	spin_unlock_irqrestore(&reader->state_lock, flags);
	wake_up_all(&reader->event_wq);
}

/* The library's part of a finished callback, with the caller or without. */
static int scard_request_finish(struct scard_reader *reader,
				struct scard_xfer *xfer, int ret)
{
	struct scard_request *req = &xfer->req;

	/*
	 * A reply larger than the caller's room: the library's engines count
	 * the size needed (TRANSMIT of a TPDU or character level reader,
	 * whose reply buffer the caller sized). An APDU level driver gets
	 * room for any reply, so its -ENOSPC is a failure like any other.
	 */
	if (ret == -ENOSPC && xfer->rdf == RDF_TRANSMIT &&
	    reader->caps.level != SCARD_LEVEL_APDU &&
	    req->recv_len > req->recv_size)
		return scard_transmit_finish(reader, xfer, ret);
	ret = scard_driver_errno(reader, xfer->rdf, ret);
	if (ret == -ENODEV)
		scard_reader_unplugged(reader);

	switch (xfer->rdf) {
	case RDF_CARD_POWER:
		return scard_power_finish(reader, xfer, ret);
	case RDF_SET_PROTOCOL:
		return scard_protocol_finish(reader, xfer, ret);
	case RDF_TRANSMIT:
		return scard_transmit_finish(reader, xfer, ret);
	case RDF_IOCTL_VENDOR:
		if (!ret && req->recv_len > req->recv_size) {
			scard_warn_ratelimited(reader, "vendor reply overflow\n");
			ret = -EIO;
		}
		return ret;
	default:
		return ret;
	}
}

static bool scard_async_settled(struct scard_reader *reader,
				struct scard_xfer *xfer)
{
	bool settled;

	spin_lock_irq(&reader->state_lock);
	settled = reader->dead || xfer->state == SCARD_ASYNC_DONE;
	spin_unlock_irq(&reader->state_lock);

	return settled;
}

/*
 * Sleep until the driver completes the pending request, without the locks,
 * so that other requests fail at once with -EBUSY and unregistering can
 * proceed, but not beyond the request's deadline. The locks are taken
 * back whatever happened; that never blocks for long, as nobody runs a
 * callback while the reader is busy.
 *
 * Return: the driver's status with *@settled true; or *@settled false and
 * -ENODEV (unregistered), -EINTR (fatal signal: the request is orphaned,
 * async_work finishes it when the driver completes it, the next request
 * after its deadline cancels it) or -ETIMEDOUT (deadline: cancelled). The
 * reader owns the request unless it is settled or the driver completed it.
 */
static int scard_async_wait(struct scard_reader *reader,
			    struct scard_xfer *xfer, bool *settled)
{
	bool cancelled = false;
	long left;
	int ret;

	mutex_unlock(&reader->lock);
	up_read(&reader->ops_sem);

	left = (long)(xfer->deadline - jiffies);
	if (left > 0)
		left = wait_event_killable_timeout(reader->async_wq,
						   scard_async_settled(reader,
								       xfer),
						   left);

	down_read(&reader->ops_sem);
	mutex_lock(&reader->lock);

	*settled = false;
	spin_lock_irq(&reader->state_lock);
	if (xfer->state == SCARD_ASYNC_DONE) {
		ret = reader->dead ? -ENODEV : xfer->status;
		*settled = !reader->dead;
		xfer->state = SCARD_ASYNC_IDLE;
		reader->cur = NULL;
	} else if (reader->dead) {
		/* Freed with the reader: the driver may still complete it. */
		scard_xfer_cancel(reader, xfer);
		ret = -ENODEV;
	} else if (left == -ERESTARTSYS) {
		xfer->state = SCARD_ASYNC_ORPHAN;
		xfer->abandoned = true;
		ret = -EINTR;
	} else {
		scard_xfer_cancel(reader, xfer);
		cancelled = true;
		ret = -ETIMEDOUT;
	}
	spin_unlock_irq(&reader->state_lock);

	if (cancelled)
		scard_xfer_cancelled(reader, xfer->rdf);

	return ret;
}

/**
 * scard_call() - run a reader callback for a request
 * @reader: the reader, between scard_request_begin() and _end()
 * @xfer: the request, from scard_xfer_alloc()
 * @idx: the callback (non-NULL, not RDF_CARD_TRACKING)
 *
 * Waits for the completion of a callback that returns SCARD_PENDING, at
 * most scard_pending_timeout_ms, then does the library's part (state, ATR
 * parsing, statistics). On failure the request may have been abandoned to
 * the reader: the caller reads nothing from it and drops it with
 * scard_xfer_put().
 *
 * Return: 0 or negative errno; the locks are held on return.
 */
int scard_call(struct scard_reader *reader, struct scard_xfer *xfer,
	       enum scard_rdf idx)
{
	bool settled = true;
	bool stray;
	int ret;

	xfer->rdf = idx;
	xfer->start_ns = ktime_get_ns();
	spin_lock_irq(&reader->state_lock);
	xfer->state = SCARD_ASYNC_CALLING;
	reader->cur = xfer;
	spin_unlock_irq(&reader->state_lock);

	ret = reader->fn[idx](reader, &xfer->req);

	spin_lock_irq(&reader->state_lock);
	if (ret == SCARD_PENDING) {
		xfer->deadline = jiffies +
			msecs_to_jiffies(READ_ONCE(scard_pending_timeout_ms));
		if (xfer->state == SCARD_ASYNC_CALLING)
			xfer->state = SCARD_ASYNC_WAITING;
		spin_unlock_irq(&reader->state_lock);
		ret = scard_async_wait(reader, xfer, &settled);
	} else {
		stray = xfer->state != SCARD_ASYNC_CALLING;
		xfer->state = SCARD_ASYNC_IDLE;
		reader->cur = NULL;
		spin_unlock_irq(&reader->state_lock);
		if (stray || ret > 0) {
			scard_warn_ratelimited(reader,
					       "callback %u returned %d%s\n",
					       idx, ret, stray ?
					       " after completing" : "");
			if (ret > 0)
				ret = -EIO;
		}
	}

	if (!settled)
		return ret;

	return scard_request_finish(reader, xfer, ret);
}

/*
 * Finishes a request whose caller was killed, once the driver is done, and
 * frees the cancelled requests the driver completed.
 */
void scard_async_work(struct work_struct *work)
{
	struct scard_reader *reader = container_of(work, struct scard_reader,
						   async_work);
	struct scard_xfer *xfer, *tmp, *orphan = NULL;
	LIST_HEAD(done);

	down_read(&reader->ops_sem);
	if (reader->dead)
		goto out;

	mutex_lock(&reader->lock);
	spin_lock_irq(&reader->state_lock);
	xfer = reader->cur;
	if (xfer && xfer->state == SCARD_ASYNC_ORPHAN_DONE) {
		xfer->state = SCARD_ASYNC_IDLE;
		reader->cur = NULL;
		orphan = xfer;
	}
	list_for_each_entry_safe(xfer, tmp, &reader->cancelled, node)
		if (xfer->state == SCARD_ASYNC_CANCELLED_DONE)
			list_move_tail(&xfer->node, &done);
	spin_unlock_irq(&reader->state_lock);

	if (orphan) {
		scard_result(reader, scard_request_finish(reader, orphan,
							  orphan->status));
		scard_xfer_free(orphan);
	}
	list_for_each_entry_safe(xfer, tmp, &done, node) {
		list_del(&xfer->node);
		scard_xfer_free(xfer);
	}
	mutex_unlock(&reader->lock);
out:
	up_read(&reader->ops_sem);
}

/* Record the completion of @xfer; false if it was not pending. */
static bool scard_xfer_complete(struct scard_reader *reader,
				struct scard_xfer *xfer, int status)
{
	lockdep_assert_held(&reader->state_lock);

	switch (xfer->state) {
	case SCARD_ASYNC_CALLING:
	case SCARD_ASYNC_WAITING:
		xfer->state = SCARD_ASYNC_DONE;
		xfer->status = status;
		wake_up(&reader->async_wq);
		return true;
	case SCARD_ASYNC_ORPHAN:
		xfer->state = SCARD_ASYNC_ORPHAN_DONE;
		xfer->status = status;
		schedule_work(&reader->async_work);
		return true;
	case SCARD_ASYNC_CANCELLED:
		/* Too late: ignored, its buffers freed from async_work. */
		xfer->state = SCARD_ASYNC_CANCELLED_DONE;
		schedule_work(&reader->async_work);
		return true;
	default:
		return false;
	}
}

/**
 * scard_request_complete() - finish a request a callback left pending
 * @req: the request the callback got
 * @status: 0 or negative errno, the result of the request
 *
 * For a callback that returned SCARD_PENDING, exactly once: the request's
 * reply (@req->recv, @req->recv_len, @req->nad) must be filled in before
 * this call and @req must not be touched after it. May be called before the
 * callback has returned. The completion belongs to @req: a request the
 * library cancelled meanwhile (its deadline passed, see SCARD_PENDING) kept
 * its buffers for the driver, and its completion only frees them; it can
 * never finish another request. Does nothing once the reader is
 * unregistered.
 *
 * Context: any context, including interrupt and URB completion.
 */
void scard_request_complete(struct scard_request *req, int status)
{
	struct scard_xfer *xfer = container_of(req, struct scard_xfer, req);
	struct scard_reader *reader = xfer->reader;
	unsigned long flags;
	bool stray = false;

	if (status > 0)
		status = -EIO;

	spin_lock_irqsave(&reader->state_lock, flags);
	if (!reader->dead)
		stray = !scard_xfer_complete(reader, xfer, status);
	spin_unlock_irqrestore(&reader->state_lock, flags);

	if (stray)
		scard_warn_ratelimited(reader, "request %u not pending\n",
				       req->major);
}
EXPORT_SYMBOL_GPL(scard_request_complete);

/**
 * scard_request_cancelled() - whether the library gave up on a request
 * @req: a request the callback left pending and did not complete yet
 *
 * After the deadline of a pending request the library cancels it and
 * calls the driver's callbacks again for the next requests, while the
 * driver may still work on the cancelled one. A driver that can tell uses
 * this to abandon that work (it still calls scard_request_complete()).
 *
 * Context: any context.
 * Return: true if @req was cancelled.
 */
bool scard_request_cancelled(struct scard_request *req)
{
	struct scard_xfer *xfer = container_of(req, struct scard_xfer, req);
	struct scard_reader *reader = xfer->reader;
	unsigned long flags;
	bool cancelled;

	spin_lock_irqsave(&reader->state_lock, flags);
	cancelled = xfer->state == SCARD_ASYNC_CANCELLED ||
		    xfer->state == SCARD_ASYNC_CANCELLED_DONE;
	spin_unlock_irqrestore(&reader->state_lock, flags);

	return cancelled;
}
EXPORT_SYMBOL_GPL(scard_request_cancelled);

/**
 * scard_complete_request() - finish the request a callback left pending
 * @reader: the reader
 * @status: 0 or negative errno, the result of the request
 *
 * The form of scard_request_complete() that does not name the request,
 * for drivers that complete their requests in the order they got them: it
 * completes the oldest request the library cancelled and the driver did
 * not complete yet, if any, otherwise the pending one. New drivers use
 * scard_request_complete().
 *
 * Context: any context, including interrupt and URB completion.
 */
void scard_complete_request(struct scard_reader *reader, int status)
{
	struct scard_xfer *xfer;
	unsigned long flags;
	bool stray = false;

	if (status > 0)
		status = -EIO;

	spin_lock_irqsave(&reader->state_lock, flags);
	if (reader->dead)
		goto out;

	list_for_each_entry(xfer, &reader->cancelled, node)
		if (xfer->state == SCARD_ASYNC_CANCELLED)
			goto found;
	xfer = reader->cur;
found:
	stray = !xfer || !scard_xfer_complete(reader, xfer, status);
out:
	spin_unlock_irqrestore(&reader->state_lock, flags);

	if (stray)
		scard_warn_ratelimited(reader, "no request pending\n");
}
EXPORT_SYMBOL_GPL(scard_complete_request);
