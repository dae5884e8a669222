// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: the USB transport for USB CCID readers (interface class 0x0B,
 * protocol 0: bulk-OUT commands, bulk-IN replies, interrupt-IN slot change
 * notifications). The message layer (msg.c, reader.c) does the rest.
 *
 * Binding is opt-in. pcscd with libccid claims every CCID interface from
 * user space through usbfs; a kernel driver bound to the interface makes
 * that claim fail, so installing this module must not take working readers
 * away from pcscd. The device table matches every CCID interface (so the
 * module is loaded when one is plugged in), but probe() declines devices
 * matched by that table unless the parameter bind_all is set:
 *
 *   all readers:  modprobe scard_ccid_usb bind_all=1
 *                 (or "options scard_ccid_usb bind_all=1" in modprobe.d;
 *                 the parameter is also writable in /sys/module/...)
 *   one model:    echo VID PID > /sys/bus/usb/drivers/scard_ccid_usb/new_id
 *                 (dynamic IDs always bind)
 *   one device:   echo 1 > /sys/module/scard_ccid_usb/parameters/bind_all
 *                 echo 1-1:1.0 > /sys/bus/usb/drivers/scard_ccid_usb/bind
 *                 echo 0 > /sys/module/scard_ccid_usb/parameters/bind_all
 *
 * An interface pcscd holds is bound to the usbfs driver: stop pcscd first
 * (or unbind it from /sys/bus/usb/drivers/usbfs).
 *
 * The interrupt-IN endpoint is optional in CCID. Without it the reader
 * works, but card insertion and removal are not reported: the message
 * layer asks the slots at registration only, and a command to a card that
 * went away fails.
 *
 * Power management: no autosuspend (a reader waiting for a card must keep
 * its interrupt URB queued). System suspend halts the device: no URB is
 * submitted from then on (halt_lock), every URB in flight is killed, and
 * the message layer fails commands at once and stops its slot polls
 * (ccid_dev_halt()); a command in flight fails with -EIO. Nothing waits
 * for the task of that command: it may be frozen. Resume undoes this and
 * asks every slot again. After a resume that reset the device the cards
 * have lost power: reset_resume() reports a synthetic NotifySlotChange in
 * which each slot known to hold a card is "changed" and present, which
 * the message layer turns into a removal and an insertion (the card may
 * have been swapped meanwhile).
 *
 * A reset of the device by another program (usbfs USBDEVFS_RESET, fwupd)
 * or driver goes through pre_reset(), which halts the device the same way
 * and then keeps every slot from the device, and post_reset(), which
 * reports each powered card as reset: unpowered, still present, so that
 * the programs' sessions stay and a new POWER is needed
 * (ccid_dev_post_reset()).
 */

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/usb.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "ccid.h"

#define CCID_USB_DESC_TYPE	0x21	/* the CCID class descriptor */
#define CCID_USB_DESC_LEN	54
#define CCID_USB_SEND_MS	5000	/* bulk-OUT of one message */
#define CCID_USB_GONE_MS	1000	/* for the disconnect after an error */
#define CCID_USB_CTRL_MS	1000	/* class requests */
#define CCID_USB_UNLINK_MS	1000	/* for an unlinked URB to come back */
#define CCID_USB_INT_RETRY_MS	100	/* before resubmitting a failed int URB */
#define CCID_USB_MIN_MSG_LEN	(CCID_HDR_LEN + 261)

static bool bind_all;
module_param(bind_all, bool, 0644);
MODULE_PARM_DESC(bind_all,
		 "Bind every CCID interface (default: only IDs added through new_id, so that pcscd keeps its readers)");

/**
 * struct ccid_usb_pipe - one bulk URB and its completion
 * @urb: the URB, filled in at probe time
 * @wait: woken by the URB's completion handler
 * @done: set by the URB's completion handler, cleared at submission (set
 *	while the URB is not in flight)
 * @halts: &ccid_usb.halts when the URB was submitted
 */
struct ccid_usb_pipe {
	struct urb *urb;
	wait_queue_head_t wait;
	bool done;
	unsigned int halts;
};

/**
 * struct ccid_usb - a USB CCID reader
 * @ccid: the message layer's device
 * @udev: the USB device (referenced)
 * @intf: the CCID interface
 * @ifnum: its bInterfaceNumber, for class requests
 * @gone: set at disconnect; the transport ops then fail with -ENODEV
 * @gone_wq: woken when @gone is set
 * @halt_lock: protects @halted and @halts against the bulk submissions
 * @halted: suspended or being reset: no bulk submission, ops fail (-EIO)
 * @halts: count of halts, which kill the URBs in flight
 * @anchor: every URB in flight; poisoned at disconnect
 * @in_buf: DMA-able buffer of @in, one reply
 * @out_buf: DMA-able buffer of @out, one command
 * @buf_size: their size, a multiple of the bulk-IN packet size
 * @in: bulk-IN
 * @in_lock: protects @in_queued and @in_waiting, and the submission of @in
 * @in_queued: @in was submitted (with a command, or by recv) and its
 *	completion was not consumed yet
 * @in_waiting: recv waits for @in: a send that fails must not take it back
 * @out: bulk-OUT
 * @int_urb: interrupt-IN, NULL if the interface has no such endpoint
 * @int_buf: its buffer
 * @int_lock: protects @int_stopped against the completion handler
 * @int_stopped: no resubmission (suspend, disconnect)
 * @int_status: status of the last failed interrupt URB
 * @int_retry: resubmits the interrupt URB after an error
 */
struct ccid_usb {
	struct ccid_dev ccid;
	struct usb_device *udev;
	struct usb_interface *intf;
	u8 ifnum;
	bool gone;
	wait_queue_head_t gone_wq;
	struct mutex halt_lock;		/* halted, halts */
	bool halted;
	unsigned int halts;
	struct usb_anchor anchor;
	u8 *in_buf;
	u8 *out_buf;
	size_t buf_size;
	struct ccid_usb_pipe in;
	struct mutex in_lock;		/* in_queued, in_waiting */
	bool in_queued;
	bool in_waiting;
	struct ccid_usb_pipe out;
	struct urb *int_urb;
	u8 *int_buf;
	spinlock_t int_lock;		/* int_stopped, int_status */
	bool int_stopped;
	int int_status;
	struct delayed_work int_retry;
};

static struct ccid_usb *to_ccid_usb(struct ccid_dev *dev)
{
	return container_of(dev, struct ccid_usb, ccid);
}

/* ---- bulk transfers ---- */

static void ccid_usb_bulk_complete(struct urb *urb)
{
	struct ccid_usb_pipe *pipe = urb->context;

	/* Pairs with ccid_usb_sleep(): the URB's status is out. */
	smp_store_release(&pipe->done, true);
	wake_up(&pipe->wait);
}

/*
 * Sleeps until @pipe's URB completed, for @timeout jiffies at most, in
 * @state (CCID_WAIT_STATE, or uninterruptible but freezable).
 * Return: the jiffies left (0 when the time ran out), or -EINTR.
 */
static long ccid_usb_sleep(struct ccid_usb_pipe *pipe, long timeout,
			   unsigned int state)
{
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&pipe->wait, &wait, state);
		/* Pairs with ccid_usb_bulk_complete(). */
		if (smp_load_acquire(&pipe->done) || !timeout)
			break;
		if (signal_pending_state(state, current)) {
			timeout = -EINTR;
			break;
		}
		timeout = schedule_timeout(timeout);
	}
	finish_wait(&pipe->wait, &wait);

	return timeout;
}

/*
 * True when @pipe's URB is not in flight, after waiting a little for it
 * (CCID_USB_UNLINK_MS, killable): a URB left behind by
 * ccid_usb_take_back().
 */
static bool ccid_usb_idle(struct ccid_usb_pipe *pipe)
{
	/* Pairs with ccid_usb_bulk_complete(). */
	if (smp_load_acquire(&pipe->done))
		return true;
	ccid_usb_sleep(pipe, msecs_to_jiffies(CCID_USB_UNLINK_MS),
		       ccid_wait_state());
	/* Pairs with ccid_usb_bulk_complete(). */
	return smp_load_acquire(&pipe->done);
}

/*
 * Takes back @pipe's URB after a wait that ended early: unlinks it and
 * waits for it, bounded. Host controllers give it back at once, except
 * vhci-hcd (USB/IP), which waits for its peer's answer: over a link that
 * died silently that answer comes when TCP gives up, many minutes later,
 * and usb_kill_urb() would hold the caller that long, unkillable. Such a
 * URB stays in flight; the pipe's next submission waits for it (bounded)
 * and the disconnect kills it.
 * Return: true when the URB is back.
 */
static bool ccid_usb_take_back(struct ccid_usb_pipe *pipe)
{
	usb_unlink_urb(pipe->urb);
	return ccid_usb_idle(pipe);
}

/* A bulk URB did not come back: the device does not answer at all. */
static bool ccid_usb_stuck(struct ccid_usb *cu)
{
	/* Pairs with ccid_usb_bulk_complete(). */
	bool out_back = smp_load_acquire(&cu->out.done);
	/* Pairs with ccid_usb_bulk_complete(). */
	bool in_back = smp_load_acquire(&cu->in.done);

	return !out_back || (!READ_ONCE(cu->in_queued) && !in_back);
}

/*
 * Submits @pipe's URB, anchored; a gone device gives -ENODEV, a halted
 * one -EIO. Under halt_lock, so that ccid_usb_halt() kills every URB
 * submitted before it and no URB is submitted after it.
 */
static int ccid_usb_submit(struct ccid_usb *cu, struct ccid_usb_pipe *pipe)
{
	struct urb *urb = pipe->urb;
	int ret;

	if (READ_ONCE(cu->gone))
		return -ENODEV;
	/* A URB left in flight comes back first (ccid_usb_take_back()). */
	if (!ccid_usb_idle(pipe))
		return READ_ONCE(cu->gone) ? -ENODEV : -ETIMEDOUT;

	mutex_lock(&cu->halt_lock);
	if (cu->halted) {
		mutex_unlock(&cu->halt_lock);
		return -EIO;
	}
	pipe->halts = cu->halts;
	WRITE_ONCE(pipe->done, false);
	usb_anchor_urb(urb, &cu->anchor);
	ret = usb_submit_urb(urb, GFP_KERNEL);
	if (ret)
		usb_unanchor_urb(urb);
	mutex_unlock(&cu->halt_lock);

	if (ret && (ret == -EPERM || ret == -ENODEV || READ_ONCE(cu->gone)))
		return -ENODEV;
	return ret;
}

/*
 * A transaction error (no answer, bad CRC or bit stuffing) is how the
 * transfers of an unplugged device end before the hub reports the
 * disconnect (dummy_hcd: -EPROTO once the gadget is gone). Give the hub a
 * moment, so that the caller learns -ENODEV, not -EIO. Bounded, killable.
 */
static int ccid_usb_xact_error(struct ccid_usb *cu)
{
	long left;

	left = wait_event_killable_timeout(cu->gone_wq, READ_ONCE(cu->gone),
					   msecs_to_jiffies(CCID_USB_GONE_MS));
	if (READ_ONCE(cu->gone))
		return -ENODEV;
	return left < 0 ? -EINTR : -EIO;
}

/*
 * Waits at most @timeout_ms for @pipe's URB, submitted before. Once the
 * device is gone the anchor is poisoned: a URB in flight is killed, so the
 * caller learns it at once. A fatal signal ends the wait with -EINTR; a
 * process already killed waits without being interrupted (bounded): the
 * message layer then aborts the command it left. Either way the task may
 * be frozen meanwhile (CCID_WAIT_STATE). A URB that the wait gave up on is
 * taken back (ccid_usb_take_back()), at most CCID_USB_UNLINK_MS later.
 */
static int ccid_usb_wait(struct ccid_usb *cu, struct ccid_usb_pipe *pipe,
			 unsigned int timeout_ms)
{
	unsigned long timeout = msecs_to_jiffies(timeout_ms);
	struct urb *urb = pipe->urb;
	long left;
	int ret;

	left = ccid_usb_sleep(pipe, timeout, ccid_wait_state());
	/* It may still have completed. */
	if (left <= 0 && !ccid_usb_take_back(pipe)) {
		if (READ_ONCE(cu->gone))
			return -ENODEV;
		return left ? -EINTR : -ETIMEDOUT;
	}

	ret = urb->status;
	if (!ret)
		return 0;
	if (READ_ONCE(cu->gone))
		return -ENODEV;
	/* Killed by a suspend or a reset, whatever the time. */
	if (pipe->halts != READ_ONCE(cu->halts))
		return -EIO;
	if (left == 0)
		return -ETIMEDOUT;
	if (left < 0)
		return -EINTR;

	switch (ret) {
	case -EPIPE:
		/* Halted endpoint: clear it for the next message. */
		usb_clear_halt(cu->udev, urb->pipe);
		return -EPIPE;
	case -EOVERFLOW:
		/* Babble: more than the buffer, dwMaxCCIDMessageLength. */
		return -EPROTO;
	case -ENOENT:
	case -ECONNRESET:
		/* Killed by a suspend or a reset (ccid_usb_halt()). */
		return -EIO;
	case -ENODEV:
	case -ESHUTDOWN:
		return -ENODEV;
	case -EPROTO:
	case -EILSEQ:
	case -ETIME:
		return ccid_usb_xact_error(cu);
	default:
		return -EIO;
	}
}

/*
 * Queues the bulk-IN read of the next reply, unless it is queued (and was
 * not killed by a halt since). Called with in_lock held.
 */
static int ccid_usb_queue_in(struct ccid_usb *cu)
{
	int ret;

	lockdep_assert_held(&cu->in_lock);

	if (cu->in_queued && cu->in.halts == READ_ONCE(cu->halts))
		return 0;
	ret = ccid_usb_submit(cu, &cu->in);
	if (!ret)
		WRITE_ONCE(cu->in_queued, true);
	return ret;
}

/*
 * The bulk-IN read of the reply is queued before the command goes out: the
 * reply completes it as soon as it arrives, without a second submission
 * after the command's completion (one wake-up per exchange, not two). A
 * command that fails takes its read back, unless recv waits for it (the
 * reply of another slot's command). The message layer may call send while
 * another task waits in recv (ccid_transport_ops.concurrent): in_lock
 * keeps them from submitting the read twice.
 */
static int ccid_usb_send(struct ccid_dev *dev, const u8 *msg, size_t len)
{
	struct ccid_usb *cu = to_ccid_usb(dev);
	struct urb *urb = cu->out.urb;
	int ret;

	if (!len || len > cu->buf_size)
		return -EMSGSIZE;

	mutex_lock(&cu->in_lock);
	ret = ccid_usb_queue_in(cu);
	mutex_unlock(&cu->in_lock);
	if (ret)
		return ret;

	memcpy(cu->out_buf, msg, len);
	urb->transfer_buffer_length = len;
	ret = ccid_usb_submit(cu, &cu->out);
	if (!ret)
		ret = ccid_usb_wait(cu, &cu->out, CCID_USB_SEND_MS);
	if (!ret && urb->actual_length != len)
		ret = -EIO;
	if (ret) {
		mutex_lock(&cu->in_lock);
		if (!cu->in_waiting) {
			ccid_usb_take_back(&cu->in);
			WRITE_ONCE(cu->in_queued, false);
		}
		mutex_unlock(&cu->in_lock);
	}
	return ret;
}

/*
 * Reads with the whole buffer, whatever @size: a stale reply longer than
 * the one expected must not overflow the URB (the message layer skips it).
 */
static int ccid_usb_recv(struct ccid_dev *dev, u8 *buf, size_t size,
			 size_t *len, unsigned int timeout_ms)
{
	struct ccid_usb *cu = to_ccid_usb(dev);
	struct urb *urb = cu->in.urb;
	int ret;

	*len = 0;
	mutex_lock(&cu->in_lock);
	ret = ccid_usb_queue_in(cu);
	cu->in_waiting = !ret;
	mutex_unlock(&cu->in_lock);
	if (ret)
		return ret;
	ret = ccid_usb_wait(cu, &cu->in, timeout_ms);
	mutex_lock(&cu->in_lock);
	cu->in_waiting = false;
	WRITE_ONCE(cu->in_queued, false);
	mutex_unlock(&cu->in_lock);
	if (ret)
		return ret;
	if (urb->actual_length > size)
		return -EPROTO;	/* longer than dwMaxCCIDMessageLength */

	memcpy(buf, cu->in_buf, urb->actual_length);
	*len = urb->actual_length;
	return 0;
}

static int ccid_usb_abort(struct ccid_dev *dev, u8 slot, u8 seq)
{
	struct ccid_usb *cu = to_ccid_usb(dev);
	int ret;

	if (READ_ONCE(cu->gone))
		return -ENODEV;
	if (READ_ONCE(cu->halted))
		return -EIO;
	/* Its control URB would not come back either: usb_control_msg() kills. */
	if (ccid_usb_stuck(cu))
		return -ETIMEDOUT;

	ret = usb_control_msg(cu->udev, usb_sndctrlpipe(cu->udev, 0),
			      CCID_REQ_ABORT,
			      USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE,
			      seq << 8 | slot, cu->ifnum, NULL, 0,
			      CCID_USB_CTRL_MS);
	return ret < 0 ? ret : 0;
}

static const struct ccid_transport_ops ccid_usb_ops = {
	.send = ccid_usb_send,
	.recv = ccid_usb_recv,
	.abort = ccid_usb_abort,
	.concurrent = true,
};

/* ---- interrupt-IN: slot change notifications ---- */

/* Called with int_lock held. */
static int ccid_usb_int_submit(struct ccid_usb *cu)
{
	int ret;

	usb_anchor_urb(cu->int_urb, &cu->anchor);
	ret = usb_submit_urb(cu->int_urb, GFP_ATOMIC);
	if (ret)
		usb_unanchor_urb(cu->int_urb);
	return ret;
}

static void ccid_usb_int_complete(struct urb *urb)
{
	struct ccid_usb *cu = urb->context;
	struct device *dev = &cu->intf->dev;
	unsigned long flags;
	int status = urb->status;
	int ret;

	switch (status) {
	case 0:
		if (urb->actual_length)
			ccid_notify(&cu->ccid, urb->transfer_buffer,
				    urb->actual_length);
		break;
	case -ENOENT:
	case -ECONNRESET:
	case -ESHUTDOWN:
		return;
	default:
		/*
		 * A halted or failing endpoint would complete again at once:
		 * retry later, from process context.
		 */
		dev_dbg(dev, "interrupt URB failed: %d\n", status);
		spin_lock_irqsave(&cu->int_lock, flags);
		cu->int_status = status;
		if (!cu->int_stopped)
			schedule_delayed_work(&cu->int_retry,
					      msecs_to_jiffies(CCID_USB_INT_RETRY_MS));
		spin_unlock_irqrestore(&cu->int_lock, flags);
		return;
	}

	spin_lock_irqsave(&cu->int_lock, flags);
	ret = cu->int_stopped ? 0 : ccid_usb_int_submit(cu);
	spin_unlock_irqrestore(&cu->int_lock, flags);
	if (ret && ret != -EPERM && ret != -ENODEV)
		dev_err(dev, "cannot resubmit the interrupt URB: %d\n", ret);
}

static void ccid_usb_int_retry(struct work_struct *work)
{
	struct ccid_usb *cu = container_of(to_delayed_work(work),
					   struct ccid_usb, int_retry);
	int status, ret;

	spin_lock_irq(&cu->int_lock);
	status = cu->int_status;
	spin_unlock_irq(&cu->int_lock);
	if (status == -EPIPE)
		usb_clear_halt(cu->udev, cu->int_urb->pipe);

	spin_lock_irq(&cu->int_lock);
	ret = cu->int_stopped ? 0 : ccid_usb_int_submit(cu);
	spin_unlock_irq(&cu->int_lock);
	if (ret && ret != -EPERM && ret != -ENODEV)
		dev_err(&cu->intf->dev, "cannot resubmit the interrupt URB: %d\n",
			ret);
}

static int ccid_usb_int_start(struct ccid_usb *cu)
{
	int ret;

	if (!cu->int_urb)
		return 0;

	spin_lock_irq(&cu->int_lock);
	cu->int_stopped = false;
	ret = ccid_usb_int_submit(cu);
	if (ret)
		cu->int_stopped = true;
	spin_unlock_irq(&cu->int_lock);
	return ret;
}

static void ccid_usb_int_stop(struct ccid_usb *cu)
{
	if (!cu->int_urb)
		return;

	spin_lock_irq(&cu->int_lock);
	cu->int_stopped = true;
	spin_unlock_irq(&cu->int_lock);
	cancel_delayed_work_sync(&cu->int_retry);
	usb_kill_urb(cu->int_urb);
}

/* ---- probe and disconnect ---- */

/*
 * The class descriptor follows the interface descriptor; a few readers put
 * it after an endpoint descriptor instead.
 */
static const u8 *ccid_usb_find_desc(struct usb_host_interface *alt,
				    size_t *len)
{
	struct usb_descriptor_header *hdr;
	unsigned int i;

	if (!__usb_get_extra_descriptor(alt->extra, alt->extralen,
					CCID_USB_DESC_TYPE, (void **)&hdr,
					CCID_USB_DESC_LEN))
		goto found;

	for (i = 0; i < alt->desc.bNumEndpoints; i++) {
		struct usb_host_endpoint *ep = &alt->endpoint[i];

		if (!__usb_get_extra_descriptor(ep->extra, ep->extralen,
						CCID_USB_DESC_TYPE,
						(void **)&hdr,
						CCID_USB_DESC_LEN))
			goto found;
	}
	return NULL;

found:
	*len = hdr->bLength;
	return (const u8 *)hdr;
}

/*
 * GET_CLOCK_FREQUENCIES or GET_DATA_RATES: a list of @count little-endian
 * u32. Optional: many readers (and QEMU) stall these requests.
 */
static u32 *ccid_usb_get_list(struct ccid_usb *cu, u8 request,
			      unsigned int count, unsigned int *got)
{
	size_t size = count * sizeof(__le32);
	unsigned int i, n;
	__le32 *raw;
	u32 *list = NULL;
	int ret;

	*got = 0;
	raw = kmalloc(size, GFP_KERNEL);
	if (!raw)
		return NULL;

	ret = usb_control_msg(cu->udev, usb_rcvctrlpipe(cu->udev, 0), request,
			      USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_INTERFACE,
			      0, cu->ifnum, raw, size, CCID_USB_CTRL_MS);
	if (ret < (int)sizeof(__le32)) {
		dev_dbg(&cu->intf->dev, "class request %u: %d\n", request,
			ret);
		goto out;
	}

	n = ret / sizeof(__le32);
	list = kcalloc(n, sizeof(*list), GFP_KERNEL);
	if (!list)
		goto out;
	for (i = 0; i < n; i++)
		list[i] = le32_to_cpu(raw[i]);
	*got = n;
out:
	kfree(raw);
	return list;
}

static void ccid_usb_set_strings(struct ccid_usb *cu)
{
	struct usb_device *udev = cu->udev;
	struct ccid_dev *dev = &cu->ccid;

	if (udev->manufacturer)
		strscpy(dev->vendor_name, udev->manufacturer,
			sizeof(dev->vendor_name));
	if (udev->product)
		strscpy(dev->ifd_type, udev->product, sizeof(dev->ifd_type));
	if (udev->serial)
		strscpy(dev->serial, udev->serial, sizeof(dev->serial));
	/* 0xMMmmbbbb: bcdDevice is major.minor */
	dev->ifd_version = le16_to_cpu(udev->descriptor.bcdDevice) << 16;
	dev->channel = udev->bus->busnum << 8 | udev->devnum;
	dev->reader_type = SCARD_READER_TYPE_USB;
}

/*
 * QEMU's usb-ccid says bPINSupport 1 (verification) but has no keypad:
 * it fails PC_to_RDR_Secure as not supported. It takes the USB IDs of a
 * real reader, so it is known by its manufacturer string.
 */
static void ccid_usb_quirks(struct ccid_usb *cu)
{
	const char *mfr = cu->udev->manufacturer;

	if (mfr && !strcmp(mfr, "QEMU"))
		cu->ccid.desc.pin_support = 0;
}

static void ccid_usb_free(struct ccid_usb *cu)
{
	usb_free_urb(cu->int_urb);
	usb_free_urb(cu->in.urb);
	usb_free_urb(cu->out.urb);
	kfree(cu->int_buf);
	kfree(cu->in_buf);
	kfree(cu->out_buf);
	kfree(cu->ccid.clocks);
	kfree(cu->ccid.rates);
	usb_put_dev(cu->udev);
	kfree(cu);
}

static int ccid_usb_setup_urbs(struct ccid_usb *cu,
			       struct usb_endpoint_descriptor *bulk_in,
			       struct usb_endpoint_descriptor *bulk_out,
			       struct usb_endpoint_descriptor *int_in)
{
	struct usb_device *udev = cu->udev;
	size_t size;

	size = clamp_t(size_t, cu->ccid.desc.max_msg_len,
		       CCID_USB_MIN_MSG_LEN, CCID_MAX_MSG_LEN);
	cu->buf_size = roundup(size, usb_endpoint_maxp(bulk_in));
	cu->in_buf = kmalloc(cu->buf_size, GFP_KERNEL);
	cu->out_buf = kmalloc(cu->buf_size, GFP_KERNEL);
	cu->in.urb = usb_alloc_urb(0, GFP_KERNEL);
	cu->out.urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!cu->in_buf || !cu->out_buf || !cu->in.urb || !cu->out.urb)
		return -ENOMEM;

	init_waitqueue_head(&cu->gone_wq);
	init_waitqueue_head(&cu->in.wait);
	init_waitqueue_head(&cu->out.wait);
	cu->in.done = true;
	cu->out.done = true;
	usb_fill_bulk_urb(cu->in.urb, udev,
			  usb_rcvbulkpipe(udev, usb_endpoint_num(bulk_in)),
			  cu->in_buf, cu->buf_size, ccid_usb_bulk_complete,
			  &cu->in);
	usb_fill_bulk_urb(cu->out.urb, udev,
			  usb_sndbulkpipe(udev, usb_endpoint_num(bulk_out)),
			  cu->out_buf, 0, ccid_usb_bulk_complete, &cu->out);

	if (!int_in) {
		dev_info(&cu->intf->dev,
			 "no interrupt endpoint: card insertion and removal are not reported\n");
		return 0;
	}

	size = usb_endpoint_maxp(int_in);
	cu->int_buf = kmalloc(size, GFP_KERNEL);
	cu->int_urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!cu->int_buf || !cu->int_urb)
		return -ENOMEM;

	usb_fill_int_urb(cu->int_urb, udev,
			 usb_rcvintpipe(udev, usb_endpoint_num(int_in)),
			 cu->int_buf, size, ccid_usb_int_complete, cu,
			 int_in->bInterval);
	return 0;
}

static const struct usb_device_id ccid_usb_ids[] = {
	{ USB_INTERFACE_INFO(USB_CLASS_CSCID, 0, 0) },
	{ }
};
MODULE_DEVICE_TABLE(usb, ccid_usb_ids);

/* IDs added through new_id live outside the table and always bind. */
static bool ccid_usb_id_is_static(const struct usb_device_id *id)
{
	return id >= ccid_usb_ids && id < ccid_usb_ids + ARRAY_SIZE(ccid_usb_ids);
}

static int ccid_usb_probe(struct usb_interface *intf,
			  const struct usb_device_id *id)
{
	struct usb_host_interface *alt = intf->cur_altsetting;
	struct usb_endpoint_descriptor *bulk_in, *bulk_out, *int_in;
	struct device *dev = &intf->dev;
	struct ccid_usb *cu;
	const u8 *desc;
	size_t desc_len;
	int ret;

	if (!bind_all && ccid_usb_id_is_static(id))
		return -ENODEV;

	desc = ccid_usb_find_desc(alt, &desc_len);
	if (!desc) {
		dev_dbg(dev, "no CCID class descriptor\n");
		return -ENODEV;
	}
	if (usb_find_common_endpoints(alt, &bulk_in, &bulk_out, NULL, NULL)) {
		dev_err(dev, "no bulk-IN and bulk-OUT endpoints\n");
		return -ENODEV;
	}
	if (usb_find_int_in_endpoint(alt, &int_in))
		int_in = NULL;

	cu = kzalloc(sizeof(*cu), GFP_KERNEL);
	if (!cu)
		return -ENOMEM;
	cu->udev = usb_get_dev(interface_to_usbdev(intf));
	cu->intf = intf;
	cu->ifnum = alt->desc.bInterfaceNumber;
	mutex_init(&cu->halt_lock);
	mutex_init(&cu->in_lock);
	init_usb_anchor(&cu->anchor);
	spin_lock_init(&cu->int_lock);
	cu->int_stopped = true;
	INIT_DELAYED_WORK(&cu->int_retry, ccid_usb_int_retry);

	ret = ccid_desc_parse(&cu->ccid.desc, desc, desc_len);
	if (!ret)
		ret = ccid_desc_check(&cu->ccid.desc);
	if (ret) {
		dev_err(dev, "unusable CCID class descriptor: %d\n", ret);
		ret = -ENODEV;
		goto err_free;
	}

	ret = ccid_usb_setup_urbs(cu, bulk_in, bulk_out, int_in);
	if (ret)
		goto err_free;

	if (cu->ccid.desc.num_clock_supported)
		cu->ccid.clocks =
			ccid_usb_get_list(cu, CCID_REQ_GET_CLOCK_FREQUENCIES,
					  cu->ccid.desc.num_clock_supported,
					  &cu->ccid.num_clocks);
	if (cu->ccid.desc.num_data_rates_supported)
		cu->ccid.rates =
			ccid_usb_get_list(cu, CCID_REQ_GET_DATA_RATES,
					  cu->ccid.desc.num_data_rates_supported,
					  &cu->ccid.num_rates);

	ccid_usb_set_strings(cu);
	ccid_usb_quirks(cu);
	cu->ccid.parent = dev;
	cu->ccid.ops = &ccid_usb_ops;
	cu->ccid.priv = cu;
	usb_set_intfdata(intf, cu);

	/*
	 * The interrupt URB goes first: the message layer drops what comes
	 * before it is ready, then asks each slot, and a notification that
	 * arrives meanwhile wins over the answer.
	 */
	ret = ccid_usb_int_start(cu);
	if (ret)
		dev_warn(dev, "cannot submit the interrupt URB: %d\n", ret);

	ret = ccid_dev_register(&cu->ccid);
	if (ret)
		goto err_stop;
	return 0;

err_stop:
	ccid_usb_int_stop(cu);
	usb_set_intfdata(intf, NULL);
err_free:
	ccid_usb_free(cu);
	return ret;
}

static void ccid_usb_disconnect(struct usb_interface *intf)
{
	struct ccid_usb *cu = usb_get_intfdata(intf);

	/* Fail new transfers, end the ones in flight, stop notifications. */
	WRITE_ONCE(cu->gone, true);
	wake_up_all(&cu->gone_wq);
	ccid_usb_int_stop(cu);
	usb_poison_anchored_urbs(&cu->anchor);

	/* Waits for the callbacks in progress; none runs afterwards. */
	ccid_dev_unregister(&cu->ccid);

	usb_set_intfdata(intf, NULL);
	ccid_usb_free(cu);
}

/* ---- power management and reset ---- */

/*
 * No bulk URB is submitted from here on, and the ones in flight are
 * killed: their waiters fail with -EIO. The interrupt URB is stopped.
 */
static void ccid_usb_halt(struct ccid_usb *cu)
{
	mutex_lock(&cu->halt_lock);
	WRITE_ONCE(cu->halted, true);
	WRITE_ONCE(cu->halts, cu->halts + 1);
	mutex_unlock(&cu->halt_lock);

	ccid_usb_int_stop(cu);
	usb_kill_anchored_urbs(&cu->anchor);
}

static int ccid_usb_unhalt(struct ccid_usb *cu)
{
	mutex_lock(&cu->halt_lock);
	WRITE_ONCE(cu->halted, false);
	mutex_unlock(&cu->halt_lock);

	return ccid_usb_int_start(cu);
}

static int ccid_usb_suspend(struct usb_interface *intf, pm_message_t message)
{
	struct ccid_usb *cu = usb_get_intfdata(intf);

	ccid_usb_halt(cu);
	ccid_dev_halt(&cu->ccid);
	return 0;
}

static int ccid_usb_resume(struct usb_interface *intf)
{
	struct ccid_usb *cu = usb_get_intfdata(intf);
	int ret;

	ret = ccid_usb_unhalt(cu);
	ccid_dev_resume(&cu->ccid);
	return ret;
}

/*
 * The device was reset and its cards lost power: each card the message
 * layer knew of is reported as gone and back (a NotifySlotChange with the
 * slot "changed" and still present), so that its state starts over.
 */
static int ccid_usb_reset_resume(struct usb_interface *intf)
{
	struct ccid_usb *cu = usb_get_intfdata(intf);
	struct ccid_dev *dev = &cu->ccid;
	u8 msg[1 + CCID_MAX_SLOTS / 4] = { CCID_RDR_NOTIFY_SLOT_CHANGE };
	unsigned int i;
	int ret;

	ret = ccid_usb_resume(intf);

	spin_lock_irq(&dev->slot_lock);
	for (i = 0; i < dev->num_slots; i++)
		if (dev->slots[i].present)
			msg[1 + i / 4] |= 3 << (i % 4 * 2);
	spin_unlock_irq(&dev->slot_lock);
	ccid_notify(dev, msg, sizeof(msg));

	return ret;
}

/*
 * Another program or driver resets the device: stop every transfer and
 * hold the device until post_reset() (the same task), so that the reader
 * stays bound and its sessions stay open.
 */
static int ccid_usb_pre_reset(struct usb_interface *intf)
{
	struct ccid_usb *cu = usb_get_intfdata(intf);

	ccid_usb_halt(cu);
	ccid_dev_pre_reset(&cu->ccid);
	return 0;
}

/* The cards are unpowered: reported as reset, and the slots asked. */
static int ccid_usb_post_reset(struct usb_interface *intf)
{
	struct ccid_usb *cu = usb_get_intfdata(intf);
	int ret;

	/* The reset cleared the data toggles and any halt. */
	ret = ccid_usb_unhalt(cu);
	if (ret)
		dev_warn(&intf->dev, "cannot submit the interrupt URB: %d\n",
			 ret);
	ccid_dev_post_reset(&cu->ccid);
	return 0;
}

static struct usb_driver ccid_usb_driver = {
	.name = "scard_ccid_usb",
	.probe = ccid_usb_probe,
	.disconnect = ccid_usb_disconnect,
	.suspend = ccid_usb_suspend,
	.resume = ccid_usb_resume,
	.reset_resume = ccid_usb_reset_resume,
	.pre_reset = ccid_usb_pre_reset,
	.post_reset = ccid_usb_post_reset,
	.id_table = ccid_usb_ids,
};
module_usb_driver(ccid_usb_driver);

MODULE_DESCRIPTION("USB transport of the scard CCID reader driver");
MODULE_LICENSE("GPL");
