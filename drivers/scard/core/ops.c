// SPDX-License-Identifier: GPL-2.0
/*
 * scard: the requests that reach the reader driver: POWER, SET_PROTOCOL,
 * TRANSMIT, EJECT, SWALLOW, CONFISCATE and vendor requests. Each checks
 * its arguments and the card state, then runs the driver's callback
 * through scard_call() (request.c) between scard_request_begin() and
 * scard_request_end(), with kernel buffers only: dev.c copies user memory
 * before and after, never under the reader's locks.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "scard_core.h"

#define SCARD_PROTO_ANY		(SCARD_PROTO_TX | SCARD_PROTO_RAW)
#define SCARD_PROTO_MASK	(SCARD_PROTO_ANY | SCARD_PROTO_DEFAULT)
/* The least reply: SW1 SW2. */
#define SCARD_SW_LEN		2

/* A request without data: POWER, SET_PROTOCOL, the mechanical ones. */
static int scard_call_simple(struct scard_reader *reader, enum scard_rdf idx,
			     unsigned int major, u32 minor, u32 flags)
{
	struct scard_xfer *xfer;
	int ret;

	xfer = scard_xfer_alloc(reader, major, minor, 0, 0);
	if (!xfer)
		return -ENOMEM;
	xfer->req.flags = flags;
	ret = scard_call(reader, xfer, idx);
	scard_xfer_put(xfer);

	return ret;
}

/*
 * Copy the driver's reply to the caller's kernel buffer @out, which has room
 * for *@len bytes; -ENOSPC with the size needed in *@len.
 */
int scard_copy_reply(struct scard_xfer *xfer, u32 *len, u8 *out)
{
	size_t n = xfer->req.recv_len;

	if (n > *len) {
		*len = n;
		return -ENOSPC;
	}

	memcpy(out, xfer->recv_buf, n);
	*len = n;
	return 0;
}

static int scard_power_locked(struct scard_reader *reader,
			      struct scard_power *power)
{
	struct scard_card_caps *card = &reader->card;
	unsigned int state;
	u32 protocol;
	int ret;

	if (!scard_reader_has(reader, RDF_CARD_POWER))
		return -EOPNOTSUPP;

	scard_read_state(reader, &state, &protocol);
	if (state <= SCARD_CARD_ABSENT)
		return -ENOMEDIUM;

	/* Whatever was known about the card is void from now on. */
	scard_card_init(reader);
	scard_card_demote(reader, SCARD_CARD_POWERED);

	ret = scard_call_simple(reader, RDF_CARD_POWER, SCARD_FN_POWER,
				power->disposition, 0);
	if (ret)
		return ret;

	memset(power->atr, 0, sizeof(power->atr));
	memcpy(power->atr, card->atr, card->atr_len);
	power->atr_len = card->atr_len;

	return 0;
}

/**
 * scard_power() - SCARD_IOC_POWER: power the card down, or reset it
 * @reader: the reader
 * @power: disposition in, ATR out
 *
 * A reset that produced a parsable ATR leaves the card SCARD_CARD_NEGOTIABLE,
 * or SCARD_CARD_SPECIFIC with TA2's protocol selected; an unparsable ATR
 * leaves it SCARD_CARD_POWERED, with the ATR returned and readable (the
 * driver's RDF_ATR_PARSE may handle it in SET_PROTOCOL). Power down
 * leaves it SCARD_CARD_SWALLOWED.
 *
 * Return: 0; -EINVAL (bad disposition, reserved bytes), -ENODEV, -EBUSY,
 * -ERESTARTSYS, -EOPNOTSUPP (no callback), -ENOMEDIUM (no card), -EIO
 * (driver returned no ATR), or the driver's error (-ETIMEDOUT, -EPROTO, ...).
 */
int scard_power(struct scard_reader *reader, struct scard_power *power)
{
	int ret;

	if (power->disposition > SCARD_WARM_RESET ||
	    memchr_inv(power->reserved, 0, sizeof(power->reserved)))
		return scard_result(reader, -EINVAL);

	ret = scard_request_begin(reader);
	if (ret)
		return scard_result(reader, ret);

	ret = scard_power_locked(reader, power);
	scard_request_end(reader);

	return scard_result(reader, ret);
}
EXPORT_SYMBOL_IF_KUNIT(scard_power);

/*
 * Make sure the card data come from the ATR: the library parses it when a
 * T=0/T=1 protocol may be chosen, otherwise (raw only, or a card the parser
 * does not understand) the driver's RDF_ATR_PARSE has to.
 */
static int scard_protocol_parse(struct scard_reader *reader, u32 mask)
{
	int ret;

	if ((mask & SCARD_PROTO_TX) && !scard_card_parse(reader))
		goto parsed;

	/*
	 * Without a parser of its own the reader cannot do raw exchanges; a
	 * T=0/T=1 request failed because the library could not parse the ATR.
	 */
	if (!scard_reader_has(reader, RDF_ATR_PARSE))
		return mask & SCARD_PROTO_TX ? -EMEDIUMTYPE : -EOPNOTSUPP;

	ret = scard_call_simple(reader, RDF_ATR_PARSE, SCARD_FN_SET_PROTOCOL,
				mask, 0);
	if (ret)
		return ret;
	reader->card.parsed = true;

parsed:
	if (scard_get_state(reader) < SCARD_CARD_NEGOTIABLE)
		scard_card_settle(reader, SCARD_CARD_NEGOTIABLE, 0);

	return 0;
}

static int scard_set_protocol_locked(struct scard_reader *reader,
				     struct scard_protocol *proto)
{
	struct scard_card_caps *card = &reader->card;
	u32 mask = proto->mask;
	unsigned int state;
	u32 avail, chosen;
	int ret;

	if (!scard_reader_has(reader, RDF_SET_PROTOCOL))
		return -EOPNOTSUPP;

	scard_read_state(reader, &state, &chosen);
	if (state <= SCARD_CARD_ABSENT)
		return -ENOMEDIUM;

	if (state == SCARD_CARD_SPECIFIC && (chosen & mask)) {
		proto->selected = chosen;
		return 0;
	}

	/*
	 * Another protocol takes a reset first (PPS only follows an ATR),
	 * which would lose what the card knows (a verified PIN): the caller
	 * decides, with POWER, on every reader level.
	 */
	if (state == SCARD_CARD_SPECIFIC)
		return -EBADFD;

	if (state < SCARD_CARD_POWERED || !card->atr_len)
		return -EBADFD;

	ret = scard_protocol_parse(reader, mask);
	if (ret)
		return ret;

	/* Fixed by TA2 to a protocol other than T=0 and T=1. */
	if (card->specific && !card->selected)
		return -EOPNOTSUPP;

	avail = card->protocols & reader->caps.protocols & mask &
		SCARD_PROTO_ANY;
	if (!avail) {
		card->selected = SCARD_PROTO_UNDEFINED;
		scard_card_settle(reader, SCARD_CARD_NEGOTIABLE, 0);
		return -EOPNOTSUPP;
	}

	if (avail & SCARD_PROTO_T1)
		chosen = SCARD_PROTO_T1;
	else if (avail & SCARD_PROTO_T0)
		chosen = SCARD_PROTO_T0;
	else
		chosen = SCARD_PROTO_RAW;

	ret = scard_call_simple(reader, RDF_SET_PROTOCOL, SCARD_FN_SET_PROTOCOL,
				chosen, mask & SCARD_PROTO_DEFAULT);
	if (ret)
		return ret;

	proto->selected = chosen;
	return 0;
}

/**
 * scard_set_protocol() - SCARD_IOC_SET_PROTOCOL: select the protocol
 * @reader: the reader
 * @proto: acceptable protocols in, the selected one out
 *
 * T=1 is preferred over T=0 when both are acceptable. The selected
 * protocol is always written on success, also when it was selected before.
 * SET_PROTOCOL never resets the card: a card in SCARD_CARD_SPECIFIC with a
 * protocol outside the mask is left alone (-EBADFD) until the caller powers
 * it again, and a card that failed PPS waits for POWER (the driver demotes
 * it to SCARD_CARD_SWALLOWED and returns -EPROTO); after the reset,
 * SCARD_PROTO_DEFAULT in the mask asks for the default parameters.
 *
 * Return: 0; -EINVAL (unknown bits, no protocol in the mask, reserved
 * field not zero), -ENODEV,
 * -EBUSY, -ERESTARTSYS, -ENOMEDIUM (no card), -EBADFD (card not reset,
 * or another protocol already selected), -EMEDIUMTYPE (ATR not
 * understood), -EOPNOTSUPP (no protocol in common; the card goes back to
 * SCARD_CARD_NEGOTIABLE), or the driver's error (-EPROTO when PPS failed,
 * ...).
 */
int scard_set_protocol(struct scard_reader *reader,
		       struct scard_protocol *proto)
{
	int ret;

	if ((proto->mask & ~SCARD_PROTO_MASK) ||
	    !(proto->mask & SCARD_PROTO_ANY) || proto->reserved)
		return scard_result(reader, -EINVAL);

	ret = scard_request_begin(reader);
	if (ret)
		return scard_result(reader, ret);

	ret = scard_set_protocol_locked(reader, proto);
	scard_request_end(reader);

	return scard_result(reader, ret);
}
EXPORT_SYMBOL_IF_KUNIT(scard_set_protocol);

/**
 * scard_transmit_check() - the argument checks of SCARD_IOC_TRANSMIT
 * @xfer: the request
 *
 * Return: 0, -EINVAL (bad flags, reserved bytes, empty command) or
 * -EMSGSIZE (command larger than SCARD_MAX_SEND).
 */
int scard_transmit_check(const struct scard_transmit *xfer)
{
	if ((xfer->flags & ~SCARD_TRANSMIT_FLAGS) || !xfer->send_len ||
	    memchr_inv(xfer->reserved, 0, sizeof(xfer->reserved)))
		return -EINVAL;
	if (xfer->send_len > SCARD_MAX_SEND)
		return -EMSGSIZE;

	return 0;
}

static int scard_transmit_locked(struct scard_reader *reader,
				 struct scard_transmit *xfer,
				 const u8 *send, u8 *recv)
{
	struct scard_request *req;
	struct scard_xfer *x;
	unsigned int state;
	u32 protocol, room;
	int ret;

	if (!scard_reader_has(reader, RDF_TRANSMIT))
		return -EOPNOTSUPP;

	scard_read_state(reader, &state, &protocol);
	if (state <= SCARD_CARD_ABSENT)
		return -ENOMEDIUM;
	if (state != SCARD_CARD_SPECIFIC || xfer->protocol != protocol)
		return -EBADFD;
	/* An APDU level reader that carries short APDUs only, say. */
	if (reader->caps.level == SCARD_LEVEL_APDU && reader->caps.max_apdu &&
	    xfer->send_len > reader->caps.max_apdu)
		return -EMSGSIZE;

	/*
	 * The driver works on the request's buffers, not the caller's: a
	 * request left pending outlives a caller that is killed. A caller's
	 * short reply buffer gets -ENOSPC with the size needed: the library's
	 * engines (TPDU and character level) count it, so their reply buffer
	 * is the caller's size; an APDU level driver gets room for any reply.
	 */
	room = SCARD_MAX_RECV;
	if (reader->caps.level != SCARD_LEVEL_APDU)
		room = clamp_t(u32, xfer->recv_len, SCARD_SW_LEN,
			       SCARD_MAX_RECV);
	x = scard_xfer_alloc(reader, SCARD_FN_TRANSMIT, 0, xfer->send_len,
			     room);
	if (!x)
		return -ENOMEM;
	req = &x->req;
	memcpy(x->send_buf, send, xfer->send_len);
	req->flags = xfer->flags;
	req->nad = xfer->nad;
	ret = scard_call(reader, x, RDF_TRANSMIT);
	if (!ret) {
		xfer->nad = req->nad;
		ret = scard_copy_reply(x, &xfer->recv_len, recv);
	} else if (ret == -ENOSPC) {
		xfer->recv_len = min_t(size_t, req->recv_len, U32_MAX);
	}
	scard_xfer_put(x);

	return ret;
}

/**
 * scard_transmit() - SCARD_IOC_TRANSMIT: send a command to the card
 * @reader: the reader
 * @xfer: the request; recv_len is updated
 * @send: the command, xfer->send_len bytes (kernel memory)
 * @recv: room for the response, min(xfer->recv_len, SCARD_MAX_RECV) bytes
 *	(kernel memory)
 *
 * Takes kernel buffers only: the ioctl layer copies user memory before and
 * after, never under the reader's locks, so that a stalled page fault
 * cannot hold up an unplug.
 *
 * Return: 0; -EINVAL (bad flags, reserved bytes, empty command), -EMSGSIZE
 * (command larger than SCARD_MAX_SEND, or than an APDU level reader
 * carries: caps.max_apdu), -ENODEV, -EBUSY, -ERESTARTSYS,
 * -EOPNOTSUPP, -ENOMEDIUM (no card), -EBADFD (no protocol selected, or not
 * xfer->protocol), -ENOSPC (response larger than xfer->recv_len, which
 * then holds the size needed; the response is lost), -EIO, or the
 * driver's error (-ETIMEDOUT, -EPROTO, ...).
 */
int scard_transmit(struct scard_reader *reader, struct scard_transmit *xfer,
		   const u8 *send, u8 *recv)
{
	int ret;

	ret = scard_transmit_check(xfer);
	if (ret)
		return scard_result(reader, ret);

	ret = scard_request_begin(reader);
	if (ret)
		return scard_result(reader, ret);

	ret = scard_transmit_locked(reader, xfer, send, recv);
	scard_request_end(reader);

	return scard_result(reader, ret);
}
EXPORT_SYMBOL_IF_KUNIT(scard_transmit);

/**
 * scard_mechanical() - SCARD_IOC_EJECT, _SWALLOW or _CONFISCATE
 * @reader: the reader
 * @fn: SCARD_FN_EJECT, SCARD_FN_SWALLOW or SCARD_FN_CONFISCATE
 *
 * Return: 0; -EINVAL (other @fn), -ENODEV, -EBUSY, -ERESTARTSYS,
 * -EOPNOTSUPP (the reader cannot), or the driver's error.
 */
int scard_mechanical(struct scard_reader *reader, unsigned int fn)
{
	enum scard_rdf idx;
	int ret;

	switch (fn) {
	case SCARD_FN_EJECT:
		idx = RDF_CARD_EJECT;
		break;
	case SCARD_FN_SWALLOW:
		idx = RDF_READER_SWALLOW;
		break;
	case SCARD_FN_CONFISCATE:
		idx = RDF_CARD_CONFISCATE;
		break;
	default:
		return scard_result(reader, -EINVAL);
	}

	ret = scard_request_begin(reader);
	if (ret)
		return scard_result(reader, ret);

	if (scard_reader_has(reader, idx))
		ret = scard_call_simple(reader, idx, fn, 0, 0);
	else
		ret = -EOPNOTSUPP;
	scard_request_end(reader);

	return scard_result(reader, ret);
}
EXPORT_SYMBOL_IF_KUNIT(scard_mechanical);

/**
 * scard_vendor_check() - the argument checks of SCARD_IOC_VENDOR
 * @vendor: the request
 *
 * Return: 0, -EINVAL (code outside SCARD_VENDOR_CODE_MIN..MAX, reserved
 * field) or -EMSGSIZE (input larger than SCARD_VENDOR_MAX_BUF).
 */
int scard_vendor_check(const struct scard_vendor *vendor)
{
	if (vendor->code < SCARD_VENDOR_CODE_MIN ||
	    vendor->code > SCARD_VENDOR_CODE_MAX || vendor->reserved)
		return -EINVAL;
	if (vendor->in_len > SCARD_VENDOR_MAX_BUF)
		return -EMSGSIZE;

	return 0;
}

static int scard_vendor_locked(struct scard_reader *reader,
			       struct scard_vendor *vendor,
			       const u8 *in, u8 *out)
{
	struct scard_xfer *x;
	int ret;

	if (scard_feature_code(vendor->code))
		return scard_feature_locked(reader, vendor, in, out);
	if (!scard_reader_has(reader, RDF_IOCTL_VENDOR))
		return -EOPNOTSUPP;

	x = scard_xfer_alloc(reader, SCARD_FN_VENDOR, vendor->code,
			     vendor->in_len, SCARD_VENDOR_MAX_BUF);
	if (!x)
		return -ENOMEM;
	if (vendor->in_len)
		memcpy(x->send_buf, in, vendor->in_len);
	ret = scard_call(reader, x, RDF_IOCTL_VENDOR);
	if (!ret)
		ret = scard_copy_reply(x, &vendor->out_len, out);
	scard_xfer_put(x);

	return ret;
}

/**
 * scard_vendor() - SCARD_IOC_VENDOR: a reader-specific request
 * @reader: the reader
 * @vendor: the request; out_len is updated
 * @in: the input, vendor->in_len bytes (kernel memory)
 * @out: room for the output, min(vendor->out_len, SCARD_VENDOR_MAX_BUF)
 *	bytes (kernel memory)
 *
 * Return: 0; -EINVAL (code outside SCARD_VENDOR_CODE_MIN..MAX, reserved
 * field), -EMSGSIZE (input larger than SCARD_VENDOR_MAX_BUF), -ENODEV,
 * -EBUSY, -ERESTARTSYS, -EOPNOTSUPP (no vendor callback), -ENOSPC
 * (out_len then holds the size needed), -EIO, or the driver's error.
 */
int scard_vendor(struct scard_reader *reader, struct scard_vendor *vendor,
		 const u8 *in, u8 *out)
{
	int ret;

	ret = scard_vendor_check(vendor);
	if (ret)
		return scard_result(reader, ret);

	ret = scard_request_begin(reader);
	if (ret)
		return scard_result(reader, ret);

	ret = scard_vendor_locked(reader, vendor, in, out);
	scard_request_end(reader);

	return scard_result(reader, ret);
}
EXPORT_SYMBOL_IF_KUNIT(scard_vendor);
