// SPDX-License-Identifier: GPL-2.0
/*
 * scard_vhci: the reader side. Each callback of the library turns its
 * request into a message for user space and waits for the answer.
 *
 * Requests and their bounds (msg.timeout_ms says it to user space):
 *
 *	RDF_CARD_POWER		SCARD_VHCI_REQ_POWER, power_timeout_ms
 *	RDF_SET_PROTOCOL	APDU level: SCARD_VHCI_REQ_PROTOCOL,
 *				power_timeout_ms
 *	RDF_TRANSMIT		APDU level: SCARD_VHCI_REQ_XFER with the APDU,
 *				timeout_ms (the card's timing does not bound
 *				a whole APDU: chaining, WTX, GET RESPONSE)
 *	RDF_CARD_EJECT ...	SCARD_VHCI_REQ_EJECT, _SWALLOW, _CONFISCATE,
 *				timeout_ms, only if the reader says it can
 *	RDF_IOCTL_VENDOR	SCARD_VHCI_REQ_VENDOR, timeout_ms
 *	RDF_CARD_TRACKING	nothing: user space reports the card itself
 *
 * TPDU and character level readers leave TRANSMIT and SET_PROTOCOL to the
 * library's protocol engines, which reach the card through scard_io_ops:
 *
 *	xfer		SCARD_VHCI_REQ_XFER, @arg SCARD_VHCI_XFER_DATA or
 *			_PPS, bounded by the library's timeout
 *	transceive	SCARD_VHCI_REQ_XFER with the bytes the library sends
 *			(maybe none) and @arg = the number of bytes to read
 *			back, bounded by first_ns + (n - 1) * next_ns; an
 *			answer with fewer bytes ends with -ETIMEDOUT
 *
 * So at character level one message carries one turn of the exchange.
 *
 * Every wait is killable and bounded (at most VHCI_TIMEOUT_MAX_MS). A
 * request that times out ends with -ETIMEDOUT, and its answer is refused.
 * The answer must fit what the request can take (POWER: SCARD_ATR_MAX
 * bytes, PROTOCOL and the mechanical requests: nothing, XFER: the size of
 * the library's buffer, character level: @arg bytes); a larger one ends the
 * request with -EIO. A card removal ends the outstanding POWER, PROTOCOL
 * or XFER request with -ENOMEDIUM, a destruction any request with -ENODEV.
 */

#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/scard.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/wait.h>

#include "vhci.h"

static unsigned int power_timeout_ms = 5000;
module_param(power_timeout_ms, uint, 0644);
MODULE_PARM_DESC(power_timeout_ms,
		 "bound of POWER and APDU level SET_PROTOCOL requests, ms (default 5000)");

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "bound of APDU level TRANSMIT, vendor and mechanical requests, ms (default 10000)");

/**
 * struct vhci_req - a request for user space
 * @type: SCARD_VHCI_REQ_*
 * @arg: msg.arg
 * @card: needs the card: fails at once without one, and on its removal
 * @tx: the payload
 * @tx_len: length of @tx
 * @rx: where the answer goes
 * @rx_size: size of @rx
 * @rx_len: out: length of the answer
 * @timeout_ms: how long to wait for the answer
 */
struct vhci_req {
	u32 type;
	u32 arg;
	bool card;
	const u8 *tx;
	size_t tx_len;
	u8 *rx;
	size_t rx_size;
	size_t rx_len;
	unsigned int timeout_ms;
};

static struct vhci_reader *to_vr(struct scard_reader *reader)
{
	return scard_get_drvdata(reader);
}

static unsigned int vhci_param_ms(const unsigned int *param)
{
	return clamp(READ_ONCE(*param), 1U, VHCI_TIMEOUT_MAX_MS);
}

/* Rounded up, at least 1 ms, at most VHCI_TIMEOUT_MAX_MS. */
static unsigned int vhci_ns_to_ms(u64 ns)
{
	u32 rem;
	u64 ms = div_u64_rem(ns, NSEC_PER_MSEC, &rem);

	if (rem || !ms)
		ms++;
	return min_t(u64, ms, VHCI_TIMEOUT_MAX_MS);
}

/* Ids are unique per file, never 0. */
static u32 vhci_next_id(struct vhci_file *vf)
{
	lockdep_assert_held(&vf->qlock);

	if (!vf->next_id)
		vf->next_id = 1;
	return vf->next_id++;
}

static bool vhci_req_done(struct vhci_reader *vr)
{
	return READ_ONCE(vr->done);
}

/*
 * Queue @rq for user space and wait for its end: the answer, a removal of
 * the card (if @rq->card), the destruction of the reader, the timeout or a
 * fatal signal.
 */
static int vhci_request(struct vhci_reader *vr, struct vhci_req *rq)
{
	struct vhci_file *vf = vr->vf;
	struct vhci_entry *e;
	LIST_HEAD(stale);
	long left;
	int ret;

	rq->rx_len = 0;
	if (rq->tx_len > SCARD_VHCI_MAX_PAYLOAD)
		return -EMSGSIZE;

	e = vhci_entry_alloc(rq->tx_len);
	if (!e)
		return -ENOMEM;
	if (rq->tx_len)
		memcpy(e->data, rq->tx, rq->tx_len);
	e->owner = vr;
	e->hdr.type = rq->type;
	e->hdr.reader = vr->index;
	e->hdr.arg = rq->arg;
	e->hdr.timeout_ms = rq->timeout_ms;

	spin_lock(&vf->qlock);
	if (vr->dead) {
		ret = -ENODEV;
	} else if (rq->card && !vr->present) {
		ret = -ENOMEDIUM;
	} else if (WARN_ON_ONCE(vr->busy)) {
		/* The library serialises the requests of a reader. */
		ret = -EBUSY;
	} else {
		vr->busy = true;
		vr->done = false;
		vr->card_req = rq->card;
		vr->id = vhci_next_id(vf);
		vr->status = 0;
		vr->rx = rq->rx;
		vr->rx_size = rq->rx_size;
		vr->rx_len = 0;
		e->hdr.id = vr->id;
		vhci_queue_locked(vf, e);
		e = NULL;
		ret = 0;
	}
	spin_unlock(&vf->qlock);
	if (ret) {
		vhci_entry_free(e);
		return ret;
	}

	left = wait_event_killable_timeout(vr->wq, vhci_req_done(vr),
					   msecs_to_jiffies(rq->timeout_ms));

	spin_lock(&vf->qlock);
	if (vr->done) {
		ret = vr->status;
		rq->rx_len = vr->rx_len;
	} else {
		ret = left < 0 ? -EINTR : -ETIMEDOUT;
	}
	vr->busy = false;
	vr->done = false;
	vr->rx = NULL;
	/* A request not read yet is void now; a late answer is refused. */
	vhci_unqueue_locked(vf, vr, true, &stale);
	spin_unlock(&vf->qlock);
	vhci_entries_free(&stale);

	return ret;
}

/* End the outstanding request with @status, if it matches @card_only. */
static bool vhci_fail_locked(struct vhci_reader *vr, int status,
			     bool card_only)
{
	lockdep_assert_held(&vr->vf->qlock);

	if (!vr->busy || vr->done || (card_only && !vr->card_req))
		return false;

	vr->status = status;
	WRITE_ONCE(vr->done, true);
	return true;
}

/*
 * The status of an answer as the library sees it: the errnos that describe
 * a card or a reader pass (the library maps -ENOTTY to -EOPNOTSUPP and
 * -EBADMSG, a parity or framing error, to -EPROTO), any
 * other is the user-space reader failing: -EIO. Notably -ENODEV and
 * -ESHUTDOWN would tell callers the reader is gone while it is still
 * there (a virtual reader goes with DESTROY or close), and -EINTR, -EBUSY,
 * -ENOSPC and -EMSGSIZE describe the caller, not the reader.
 */
static int vhci_answer_status(s32 status)
{
	switch (status) {
	case 0:
	case -ENOMEDIUM:
	case -ETIMEDOUT:
	case -EPROTO:
	case -EOPNOTSUPP:
	case -ENOTTY:
	case -EINVAL:
	case -EMEDIUMTYPE:
	case -EBADFD:
	case -EIO:
	case -ENOMEM:
	case -EBADMSG:
		return status;
	default:
		return -EIO;
	}
}

/**
 * vhci_reader_answer() - an answer from user space
 * @vr: the reader
 * @hdr: the answer's header, with a valid status
 * @data: @hdr->len bytes of payload
 *
 * Context: process context, vhci_file.lock held.
 * Return: 0, or -EINVAL if no request with @hdr->id is outstanding.
 */
int vhci_reader_answer(struct vhci_reader *vr,
		       const struct scard_vhci_msg *hdr, const u8 *data)
{
	struct vhci_file *vf = vr->vf;

	spin_lock(&vf->qlock);
	if (!vr->busy || vr->done || hdr->id != vr->id) {
		spin_unlock(&vf->qlock);
		return -EINVAL;
	}

	if (hdr->len > vr->rx_size) {
		dev_dbg(vf->dev, "%s: answer of %u bytes, room for %zu\n",
			scard_reader_name(vr->reader), hdr->len, vr->rx_size);
		vr->status = -EIO;
	} else {
		if (hdr->len)
			memcpy(vr->rx, data, hdr->len);
		vr->rx_len = hdr->len;
		vr->status = vhci_answer_status(hdr->status);
	}
	WRITE_ONCE(vr->done, true);
	spin_unlock(&vf->qlock);
	wake_up(&vr->wq);

	return 0;
}

static int vhci_power(struct scard_reader *reader, struct scard_request *req)
{
	struct vhci_reader *vr = to_vr(reader);
	u8 atr[SCARD_ATR_MAX];
	struct vhci_req rq = {
		.type = SCARD_VHCI_REQ_POWER,
		.arg = req->minor,
		.card = true,
		.rx = atr,
		.rx_size = sizeof(atr),
		.timeout_ms = vhci_param_ms(&power_timeout_ms),
	};
	size_t len;
	int ret;

	if (req->minor > SCARD_WARM_RESET)
		return -EINVAL;

	ret = vhci_request(vr, &rq);
	if (ret || req->minor == SCARD_POWER_DOWN)
		return ret;

	len = rq.rx_len;
	if (!len) {
		spin_lock(&vr->vf->qlock);
		len = vr->atr_len;
		memcpy(atr, vr->atr, len);
		spin_unlock(&vr->vf->qlock);
	}

	return scard_set_atr(reader, atr, len);
}

/* APDU level */
static int vhci_transmit(struct scard_reader *reader,
			 struct scard_request *req)
{
	struct vhci_req rq = {
		.type = SCARD_VHCI_REQ_XFER,
		.arg = SCARD_VHCI_XFER_DATA,
		.card = true,
		.tx = req->send,
		.tx_len = req->send_len,
		.rx = req->recv,
		.rx_size = req->recv_size,
		.timeout_ms = vhci_param_ms(&timeout_ms),
	};
	int ret;

	ret = vhci_request(to_vr(reader), &rq);
	req->recv_len = ret ? 0 : rq.rx_len;

	return ret;
}

/* APDU level */
static int vhci_set_protocol(struct scard_reader *reader,
			     struct scard_request *req)
{
	struct vhci_req rq = {
		.type = SCARD_VHCI_REQ_PROTOCOL,
		.arg = req->minor,
		.card = true,
		.timeout_ms = vhci_param_ms(&power_timeout_ms),
	};

	return vhci_request(to_vr(reader), &rq);
}

/* Card events come from user space; there is nothing to arm. */
static int vhci_card_tracking(struct scard_reader *reader,
			      struct scard_request *req)
{
	return 0;
}

static int vhci_simple(struct scard_reader *reader, u32 type)
{
	struct vhci_req rq = {
		.type = type,
		.timeout_ms = vhci_param_ms(&timeout_ms),
	};

	return vhci_request(to_vr(reader), &rq);
}

static int vhci_eject(struct scard_reader *reader, struct scard_request *req)
{
	return vhci_simple(reader, SCARD_VHCI_REQ_EJECT);
}

static int vhci_swallow(struct scard_reader *reader,
			struct scard_request *req)
{
	return vhci_simple(reader, SCARD_VHCI_REQ_SWALLOW);
}

static int vhci_confiscate(struct scard_reader *reader,
			   struct scard_request *req)
{
	return vhci_simple(reader, SCARD_VHCI_REQ_CONFISCATE);
}

static int vhci_vendor(struct scard_reader *reader, struct scard_request *req)
{
	struct vhci_req rq = {
		.type = SCARD_VHCI_REQ_VENDOR,
		.arg = req->minor,
		.tx = req->send,
		.tx_len = req->send_len,
		.rx = req->recv,
		.rx_size = req->recv_size,
		.timeout_ms = vhci_param_ms(&timeout_ms),
	};
	int ret;

	ret = vhci_request(to_vr(reader), &rq);
	req->recv_len = ret ? 0 : rq.rx_len;

	return ret;
}

/* TPDU level */
static int vhci_xfer(struct scard_reader *reader, unsigned int kind,
		     const u8 *tx, size_t tx_len, u8 *rx, size_t rx_size,
		     size_t *rx_len, u64 timeout_ns)
{
	struct vhci_req rq = {
		.type = SCARD_VHCI_REQ_XFER,
		.arg = kind == SCARD_XFER_PPS ? SCARD_VHCI_XFER_PPS :
			SCARD_VHCI_XFER_DATA,
		.card = true,
		.tx = tx,
		.tx_len = tx_len,
		.rx = rx,
		.rx_size = rx_size,
		.timeout_ms = vhci_ns_to_ms(timeout_ns),
	};
	int ret;

	ret = vhci_request(to_vr(reader), &rq);
	*rx_len = ret ? 0 : rq.rx_len;

	return ret;
}

/* Character level: one turn of the exchange, one message. */
static int vhci_transceive(struct scard_reader *reader, const u8 *tx,
			   size_t tx_len, u8 *rx, size_t rx_len,
			   size_t *got, u64 first_ns, u64 next_ns)
{
	struct vhci_req rq = {
		.type = SCARD_VHCI_REQ_XFER,
		.arg = min_t(size_t, rx_len, U32_MAX),
		.card = true,
		.tx = tx,
		.tx_len = tx_len,
		.rx = rx,
		.rx_size = rx_len,
		.timeout_ms = vhci_ns_to_ms(scard_char_timeout_ns(first_ns,
								  next_ns,
								  rx_len)),
	};
	int ret;

	ret = vhci_request(to_vr(reader), &rq);
	*got = rq.rx_len;

	return ret;
}

static const struct scard_io_ops vhci_tpdu_ops = {
	.xfer = vhci_xfer,
};

static const struct scard_io_ops vhci_char_ops = {
	.transceive = vhci_transceive,
};

/* Capabilities and callbacks from a checked CREATE payload. */
static void vhci_setup(struct scard_reader *reader, unsigned int index,
		       const struct scard_vhci_create *c)
{
	struct scard_reader_caps *caps = &reader->caps;
	struct scard_vendor_attr *vendor = &reader->vendor;

	BUILD_BUG_ON(sizeof(c->vendor_name) >= sizeof(vendor->vendor_name) ||
		     sizeof(c->ifd_type) >= sizeof(vendor->ifd_type) ||
		     sizeof(c->ifd_serial) >= sizeof(vendor->ifd_serial));

	caps->reader_type = SCARD_READER_TYPE_VENDOR;
	caps->channel = index;
	caps->protocols = c->protocols;
	caps->clk_default = c->clk_default ? c->clk_default : SCARD_CLK_DEFAULT_KHZ;
	caps->clk_max = c->clk_max ? c->clk_max : caps->clk_default;
	caps->rate_default = c->rate_default ? c->rate_default :
		VHCI_RATE_DEFAULT;
	caps->rate_max = c->rate_max ? c->rate_max : caps->rate_default;
	caps->max_ifsd = c->max_ifsd ? c->max_ifsd : SCARD_T1_IFS_MAX;
	caps->mechanical = c->mechanical;

	/* NUL-padded fields, one byte shorter than the library's strings. */
	memcpy(vendor->vendor_name, c->vendor_name, sizeof(c->vendor_name));
	memcpy(vendor->ifd_type, c->ifd_type, sizeof(c->ifd_type));
	memcpy(vendor->ifd_serial, c->ifd_serial, sizeof(c->ifd_serial));
	vendor->ifd_version = c->ifd_version;
	vendor->unit = index;

	reader->reader_function[RDF_CARD_POWER] = vhci_power;
	reader->reader_function[RDF_CARD_TRACKING] = vhci_card_tracking;
	reader->reader_function[RDF_IOCTL_VENDOR] = vhci_vendor;
	if (c->mechanical & SCARD_READER_EJECTS)
		reader->reader_function[RDF_CARD_EJECT] = vhci_eject;
	if (c->mechanical & SCARD_READER_SWALLOWS)
		reader->reader_function[RDF_READER_SWALLOW] = vhci_swallow;
	if (c->mechanical & SCARD_READER_CONFISCATES)
		reader->reader_function[RDF_CARD_CONFISCATE] = vhci_confiscate;

	switch (c->level) {
	case SCARD_VHCI_LEVEL_APDU:
		caps->level = SCARD_LEVEL_APDU;
		reader->reader_function[RDF_TRANSMIT] = vhci_transmit;
		reader->reader_function[RDF_SET_PROTOCOL] = vhci_set_protocol;
		break;
	case SCARD_VHCI_LEVEL_TPDU:
		caps->level = SCARD_LEVEL_TPDU;
		reader->io = &vhci_tpdu_ops;
		reader->reader_function[RDF_TRANSMIT] = scard_proto_transmit;
		reader->reader_function[RDF_SET_PROTOCOL] =
			scard_proto_set_protocol;
		break;
	default:
		caps->level = SCARD_LEVEL_CHAR;
		reader->io = &vhci_char_ops;
		reader->reader_function[RDF_TRANSMIT] = scard_proto_transmit;
		reader->reader_function[RDF_SET_PROTOCOL] =
			scard_proto_set_protocol;
		break;
	}
}

static void vhci_reader_free(struct vhci_reader *vr)
{
	kfree(vr);
}

/**
 * vhci_reader_create() - create and register a reader
 * @vf: the file
 * @index: a free reader index
 * @c: the checked CREATE payload
 *
 * Queues SCARD_VHCI_EV_CREATED before the reader is registered, so that it
 * comes before any request of the reader.
 *
 * Context: process context, vf->lock held.
 * Return: 0, -ENOMEM, -ENOSPC (no free scardN number), or the error of
 * scard_reader_register().
 */
int vhci_reader_create(struct vhci_file *vf, unsigned int index,
		       const struct scard_vhci_create *c)
{
	struct scard_reader *reader;
	struct vhci_reader *vr;
	struct vhci_entry *ev;
	LIST_HEAD(stale);
	unsigned int n;
	int err = -ENOMEM;

	lockdep_assert_held(&vf->lock);

	vr = kzalloc(sizeof(*vr), GFP_KERNEL);
	if (!vr)
		return -ENOMEM;
	vr->vf = vf;
	vr->index = index;
	init_waitqueue_head(&vr->wq);

	ev = vhci_entry_alloc(0);
	if (!ev)
		goto err_free;

	reader = scard_reader_alloc(vf->dev);
	if (IS_ERR(reader)) {
		err = PTR_ERR(reader);
		goto err_entry;
	}
	n = scard_reader_index(reader);
	vr->reader = reader;
	scard_set_drvdata(reader, vr);
	vhci_setup(reader, index, c);

	ev->owner = vr;
	ev->hdr.type = SCARD_VHCI_EV_CREATED;
	ev->hdr.reader = index;
	ev->hdr.arg = n;
	spin_lock(&vf->qlock);
	vhci_queue_locked(vf, ev);
	spin_unlock(&vf->qlock);

	/* No card yet: the reader starts in ABSENT, not UNKNOWN. */
	scard_card_event(reader, SCARD_CARD_ABSENT);
	err = scard_reader_register(reader);
	if (err) {
		spin_lock(&vf->qlock);
		vhci_unqueue_locked(vf, vr, false, &stale);
		spin_unlock(&vf->qlock);
		vhci_entries_free(&stale);
		ev = NULL;
		goto err_put;
	}

	vf->readers[index] = vr;
	return 0;

err_put:
	scard_reader_put(reader);
err_entry:
	vhci_entry_free(ev);
err_free:
	vhci_reader_free(vr);
	return err;
}

/**
 * vhci_reader_destroy() - unplug a reader and free it
 * @vr: the reader, already removed from vhci_file.readers
 *
 * Ends the outstanding request with -ENODEV and drops the reader's
 * messages; the library then revokes the callbacks and fails the requests
 * of the reader's openers with -ENODEV.
 *
 * Context: process context, vhci_file.lock held.
 */
void vhci_reader_destroy(struct vhci_reader *vr)
{
	struct vhci_file *vf = vr->vf;
	LIST_HEAD(stale);

	lockdep_assert_held(&vf->lock);

	spin_lock(&vf->qlock);
	vr->dead = true;
	vhci_fail_locked(vr, -ENODEV, false);
	vhci_unqueue_locked(vf, vr, false, &stale);
	spin_unlock(&vf->qlock);
	wake_up(&vr->wq);
	vhci_entries_free(&stale);

	/* Returns once no callback runs; they all fail from now on. */
	scard_reader_unregister(vr->reader);
	scard_reader_put(vr->reader);
	vhci_reader_free(vr);
}

/**
 * vhci_reader_remove() - the card was taken out
 * @vr: the reader
 *
 * Ends an outstanding request that needs the card with -ENOMEDIUM.
 *
 * Context: process context, vhci_file.lock held.
 */
void vhci_reader_remove(struct vhci_reader *vr)
{
	struct vhci_file *vf = vr->vf;
	bool wake;

	/* First the library, so that it sees the card gone on failure. */
	scard_card_event(vr->reader, SCARD_CARD_ABSENT);

	spin_lock(&vf->qlock);
	vr->present = false;
	wake = vhci_fail_locked(vr, -ENOMEDIUM, true);
	spin_unlock(&vf->qlock);
	if (wake)
		wake_up(&vr->wq);
}

/**
 * vhci_reader_insert() - a card was inserted
 * @vr: the reader
 * @atr: its ATR
 * @len: length of @atr, 2..SCARD_ATR_MAX
 *
 * A card inserted while one is present replaces it: the old one is
 * removed first.
 *
 * Context: process context, vhci_file.lock held.
 */
void vhci_reader_insert(struct vhci_reader *vr, const u8 *atr, size_t len)
{
	struct vhci_file *vf = vr->vf;
	bool present;

	spin_lock(&vf->qlock);
	present = vr->present;
	spin_unlock(&vf->qlock);
	if (present)
		vhci_reader_remove(vr);

	spin_lock(&vf->qlock);
	memcpy(vr->atr, atr, len);
	vr->atr_len = len;
	vr->present = true;
	spin_unlock(&vf->qlock);

	scard_card_event(vr->reader, SCARD_CARD_PRESENT);
}
