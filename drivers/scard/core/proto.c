// SPDX-License-Identifier: GPL-2.0
/*
 * scard: the protocol engines on TPDU and character level readers.
 *
 * A reader that moves TPDUs, T=1 blocks or characters sets RDF_TRANSMIT to
 * scard_proto_transmit() and RDF_SET_PROTOCOL to scard_proto_set_protocol()
 * and gives the library its &struct scard_io_ops. The library then runs
 * PPS, T=0 and T=1 itself, with the timing of the card's ATR, so that
 * reader drivers do not repeat the protocol work. Everything here runs in
 * the context of one request, with the reader's requests serialised
 * (reader->lock held).
 *
 * SET_PROTOCOL (ISO/IEC 7816-3:2006 clause 9, smclib's flow): the core
 * names one protocol in req->minor and SCARD_PROTO_DEFAULT in
 * req->flags; scard_pps_select() chooses the parameters. When a PPS
 * exchange is needed it goes to the card within the initial waiting time
 * (TPDU level: one SCARD_XFER_PPS xfer; character level: the request
 * sent, the response read as PPSS and PPS0, then the bytes PPS0 announces
 * and PCK) and scard_pps_check() judges the answer. Then the reader gets
 * the parameters through &scard_io_ops.set_params and the library records
 * them with the timing of scard_timing_compute(). The T=1 state is set up
 * at the first T=1 TRANSMIT, so that SCARD_TAG_SUPRESS_T1_IFS_REQUEST set
 * in between still counts.
 *
 * SET_PROTOCOL never resets the card behind the caller's back, as on APDU
 * level readers: a reset loses what the card knows (a verified PIN) and
 * gives a new ATR the caller would not see. A card that refuses, garbles
 * or ignores a PPS request waits for a reset (ISO/IEC 7816-3 9.3): it is
 * demoted like a lost link (below) and SET_PROTOCOL fails with -EPROTO;
 * the caller powers the card again and may ask with SCARD_PROTO_DEFAULT
 * (the default parameters: no PPS, or one for the protocol only). A change
 * of protocol needs a reset too (PPS only follows an ATR): the core
 * refuses it with -EBADFD before it reaches the reader.
 *
 * A card in specific mode (TA2) needs no SET_PROTOCOL: the first TRANSMIT
 * sets up the link, with TA1's parameters unless TA2 says they are
 * implicit (then the defaults).
 *
 * TRANSMIT: T=0 through scard_t0_transmit() with the request's flags (0:
 * one TPDU, smclib's rules; SCARD_TRANSMIT_APDU: the APDU transport with
 * GET RESPONSE and the Le correction). A TPDU level reader gets each TPDU
 * in one SCARD_XFER_DATA xfer; at character level scard_t0_transceive()
 * runs the procedure bytes over send and recv, each character within WT.
 * T=1 through scard_t1_transceive(): one xfer per block at TPDU level; at
 * character level the block is sent, its prologue read with BWT (times the
 * card's WTX for the one block that follows S(WTX response)) before the
 * first character and CWT between characters, and the rest with CWT.
 *
 * Timeouts of a TPDU level xfer, the card's wait plus the time the
 * characters take plus the reader's own slack:
 *
 *	timeout = wait + n_tx * max(GT, 12 etu) + n_rx * 12 etu + 100 ms
 *
 * n_tx is the length of the TPDU or block sent. For T=0, wait is WT and
 * n_rx = 2 * P3' + 3 (P3' = P3, or 256 for P3 = 0: a procedure byte with
 * every data byte, one more, SW1 SW2); a card that keeps the exchange
 * going with NULL bytes beyond this bound needs a character level reader.
 * For T=1, wait is BWT (times WTX) and n_rx the longest block,
 * SCARD_T1_BLOCK_MAX. A PPS xfer waits the initial waiting time (9600 etu
 * at the default clock).
 *
 * Lost links: a T=0 exchange that did not complete (-ETIMEDOUT, -EPROTO,
 * -EBADMSG from the transfer or the procedure bytes) leaves the card in
 * the middle of a command, and a T=1 link that could not be resynchronised
 * (scard_t1_needs_reset()) leaves it in an unknown state; likewise a PPS
 * that failed leaves it waiting for a reset (9.3). ISO/IEC 7816-3
 * then wants a reset, which the library does not do behind the caller's
 * back: it demotes the card to SCARD_CARD_SWALLOWED (scard_card_demote()), so
 * that TRANSMIT and SET_PROTOCOL fail with -EBADFD until the caller powers
 * the card again, and returns the error. A reader failure (another errno)
 * and an exchange that completed with a malformed response leave the
 * state alone.
 *
 * APDU level readers run their own RDF_TRANSMIT: the core passes them the
 * request's flags as they are, and they implement SCARD_TRANSMIT_APDU
 * themselves (a reader or firmware that exchanges whole APDUs usually
 * does GET RESPONSE already) or ignore it.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/scard.h>
#include <linux/time64.h>

#include "scard_core.h"

/* Character frame: start bit, 8 data bits, parity, 2 etu guard time. */
#define SCARD_CHAR_ETU		12
/* What a TPDU level reader may add to an exchange (transport, firmware). */
#define SCARD_READER_SLACK_NS	(100 * NSEC_PER_MSEC)
/* PPS0: PPS1, PPS2 and PPS3 present. */
#define SCARD_PPS0_OPT		GENMASK(6, 4)
/* T=1 prologue: NAD, PCB, LEN. */
#define SCARD_T1_PROLOGUE	3
#define SCARD_T1_LEN		2
/* P3 of a T=0 TPDU header; P3 = 0 asks the card for 256 bytes. */
#define SCARD_T0_P3		4
#define SCARD_T0_P3_ZERO	256

/**
 * struct scard_link - one TRANSMIT over the reader's io ops
 * @reader: the reader
 * @lost: the T=0 exchange failed in the middle (see scard_link_lost())
 * @t0: character level T=0 engine
 */
struct scard_link {
	struct scard_reader *reader;
	int lost;
	struct scard_t0 t0;
};

static u64 scard_ns_add(u64 a, u64 b)
{
	u64 sum;

	return check_add_overflow(a, b, &sum) ? U64_MAX : sum;
}

/*
 * The timeout of a TPDU level xfer: @wait_ns for the card, @tx characters
 * sent at least GT apart, @rx characters of the card and the slack.
 */
static u64 scard_link_xfer_ns(const struct scard_timing *t, u64 wait_ns,
			      size_t tx, size_t rx)
{
	u64 char_ns = SCARD_CHAR_ETU * t->etu_ns;
	u64 chars_ns = tx * max(t->gt_ns, char_ns) + rx * char_ns;

	return scard_ns_add(wait_ns, chars_ns + SCARD_READER_SLACK_NS);
}

static u32 scard_link_clk(const struct scard_reader *reader, u32 clk_khz)
{
	return clk_khz ?: reader->caps.clk_default ?: SCARD_CLK_DEFAULT_KHZ;
}

/* Program and record the transmission parameters in force. */
static int scard_link_set(struct scard_reader *reader, u32 protocol, u8 fl,
			  u8 dl, u32 clk_khz)
{
	const struct scard_io_ops *io = reader->io;
	struct scard_timing t;
	int ret;

	clk_khz = scard_link_clk(reader, clk_khz);
	if (scard_timing_compute(&t, &reader->card, protocol, fl, dl,
				 clk_khz))
		return -EMEDIUMTYPE;

	if (io->set_params) {
		ret = io->set_params(reader, protocol, fl, dl, clk_khz);
		if (ret)
			return ret;
	}

	reader->link_protocol = protocol;
	reader->link_fl = fl;
	reader->link_dl = dl;
	reader->link_clk = clk_khz;
	reader->link_timing = t;
	reader->t1_ready = false;
	reader->link_ready = true;
	scard_dbg(reader, "link T=%d Fi/Di %x/%x, %u kHz\n",
		  protocol == SCARD_PROTO_T1, fl, dl, clk_khz);

	return 0;
}

/*
 * The link for TRANSMIT when SET_PROTOCOL did not set it up: a card in
 * specific mode (TA1's parameters, or the defaults when implicit), or a
 * protocol the driver selected itself (the defaults).
 */
static int scard_link_setup(struct scard_reader *reader, u32 protocol)
{
	const struct scard_card_caps *card = &reader->card;
	struct scard_pps pps;
	int ret;

	if (reader->link_ready && reader->link_protocol == protocol)
		return 0;

	ret = scard_pps_select(&pps, card, &reader->caps,
			       protocol | SCARD_PROTO_DEFAULT);
	if (ret && card->specific)
		return ret;
	if (ret || pps.protocol != protocol)
		return scard_link_set(reader, protocol, SCARD_ATR_DEFAULT_FL,
				      SCARD_ATR_DEFAULT_DL, 0);

	return scard_link_set(reader, protocol, pps.fl, pps.dl, pps.clk_khz);
}

/* The card must be reset: make the caller do it (see the top comment). */
static void scard_link_lost(struct scard_reader *reader, int err)
{
	scard_warn_ratelimited(reader,
			       "link to the card lost (%d), power it again\n",
			       err);
	reader->link_ready = false;
	reader->t1_ready = false;
	scard_card_demote(reader, SCARD_CARD_SWALLOWED);
}

/* Errors that the card (not the reader) caused during an exchange. */
static bool scard_card_fault(int err)
{
	return err == -ETIMEDOUT || err == -EPROTO || err == -EBADMSG ||
	       err == -EMSGSIZE;
}

/*
 * Character level: one turn, @tx sent and @rx_len bytes read back, in one
 * call of the reader (which may then move it in one transfer).
 */
static int scard_char_turn(struct scard_reader *reader, const u8 *tx,
			   size_t tx_len, u8 *rx, size_t rx_len, size_t *got,
			   u64 first_ns, u64 next_ns)
{
	int ret;

	*got = 0;
	ret = reader->io->transceive(reader, tx, tx_len, rx, rx_len, got, first_ns,
			       next_ns);
	if (*got > rx_len) {
		*got = 0;
		return -EIO;
	}
	if (!ret && *got < rx_len)
		ret = -ETIMEDOUT;

	return ret;
}

/* T=0 */

static int scard_t0_xfer_chars(void *ctx, const u8 *tx, size_t tx_len,
			       u8 *rx, size_t rx_len, size_t *got, u64 wt_ns)
{
	struct scard_link *link = ctx;

	return scard_char_turn(link->reader, tx, tx_len, rx, rx_len, got,
			       wt_ns, wt_ns);
}

static const struct scard_t0_ops scard_t0_char_ops = {
	.xfer = scard_t0_xfer_chars,
};

static int scard_t0_xfer_tpdu(void *ctx, const u8 *tpdu, size_t tpdu_len,
			      u8 *rsp, size_t rsp_size, size_t *rsp_len)
{
	struct scard_link *link = ctx;
	struct scard_reader *reader = link->reader;
	const struct scard_timing *t = &reader->link_timing;
	size_t n = tpdu[SCARD_T0_P3] ?: SCARD_T0_P3_ZERO;
	u64 timeout;
	int ret;

	if (reader->caps.level == SCARD_LEVEL_CHAR) {
		ret = scard_t0_transceive(&link->t0, &scard_t0_char_ops, link,
					  tpdu, tpdu_len, rsp, rsp_size,
					  rsp_len);
	} else {
		*rsp_len = 0;
		timeout = scard_link_xfer_ns(t, t->wt_ns, tpdu_len, 2 * n + 3);
		ret = reader->io->xfer(reader, SCARD_XFER_DATA, tpdu, tpdu_len,
				       rsp, rsp_size, rsp_len, timeout);
		if (!ret && *rsp_len > rsp_size)
			ret = -EIO;
	}

	if (ret == -ETIMEDOUT || ret == -EPROTO || ret == -EBADMSG)
		link->lost = ret;

	return ret;
}

static const struct scard_t0_tpdu_ops scard_t0_link_ops = {
	.xfer_tpdu = scard_t0_xfer_tpdu,
};

static int scard_proto_t0(struct scard_reader *reader,
			  struct scard_request *req)
{
	struct scard_link link = { .reader = reader };
	size_t len = 0;
	int ret;

	scard_t0_init(&link.t0, reader->link_timing.wt_ns);
	ret = scard_t0_transmit(&scard_t0_link_ops, &link, req->send,
				req->send_len, req->recv, req->recv_size, &len,
				req->flags & SCARD_TRANSMIT_APDU);
	req->recv_len = len;
	if (ret && link.lost)
		scard_link_lost(reader, ret);

	return ret;
}

/* T=1 */

/* Character level: read and drop the rest of a block too long to keep. */
static void scard_t1_drain(struct scard_reader *reader, u8 *buf,
			   size_t size, size_t left, u64 cwt_ns)
{
	size_t n, got;

	while (left) {
		n = min(left, size);
		if (scard_char_turn(reader, NULL, 0, buf, n, &got, cwt_ns,
				    cwt_ns))
			return;
		left -= n;
	}
}

/* Character level: send a block, receive the card's block byte-wise. */
static int scard_t1_xfer_chars(struct scard_reader *reader, const u8 *tx,
			       size_t tx_len, u8 *rx, size_t rx_size,
			       size_t *rx_len, u64 bwt_ns)
{
	u64 cwt_ns = reader->link_timing.cwt_ns;
	size_t got, want;
	int ret;

	ret = scard_char_turn(reader, tx, tx_len, rx, SCARD_T1_PROLOGUE, &got,
			      bwt_ns, cwt_ns);
	*rx_len = got;
	if (ret)
		return ret;

	want = SCARD_T1_PROLOGUE + rx[SCARD_T1_LEN] +
		(reader->card.edc ? 2 : 1);
	if (want > rx_size) {
		scard_t1_drain(reader, rx + SCARD_T1_PROLOGUE,
			       rx_size - SCARD_T1_PROLOGUE,
			       want - SCARD_T1_PROLOGUE, cwt_ns);
		return -EMSGSIZE;
	}

	ret = scard_char_turn(reader, NULL, 0, rx + SCARD_T1_PROLOGUE,
			      want - SCARD_T1_PROLOGUE, &got, cwt_ns, cwt_ns);
	*rx_len += got;

	return ret;
}

static int scard_t1_xfer(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
			 size_t rx_size, size_t *rx_len, unsigned int wtx)
{
	struct scard_reader *reader = ctx;
	const struct scard_timing *t = &reader->link_timing;
	u64 bwt_ns = scard_timing_bwt_wtx_ns(t, wtx);

	if (reader->caps.level == SCARD_LEVEL_CHAR)
		return scard_t1_xfer_chars(reader, tx, tx_len, rx, rx_size,
					   rx_len, bwt_ns);

	return reader->io->xfer(reader, SCARD_XFER_DATA, tx, tx_len, rx,
				rx_size, rx_len,
				scard_link_xfer_ns(t, bwt_ns, tx_len,
						   SCARD_T1_BLOCK_MAX));
}

static const struct scard_t1_ops scard_t1_link_ops = {
	.xfer = scard_t1_xfer,
};

/* The T=1 engine set up for the card, at its first use after a reset. */
static int scard_proto_t1_ready(struct scard_reader *reader)
{
	struct scard_card_caps *card = &reader->card;
	int ret;

	if (reader->t1_ready)
		return 0;
	ret = scard_t1_init(&reader->t1, card->ifsc, card->ifsd,
			    card->edc ? SCARD_T1_CRC : SCARD_T1_LRC,
			    reader->suppress_ifs_request ?
			    SCARD_T1_NO_IFS_REQUEST : 0);
	if (ret)
		return ret;
	reader->t1_ready = true;

	return 0;
}

static int scard_proto_t1(struct scard_reader *reader,
			  struct scard_request *req)
{
	size_t len = 0;
	int ret;

	ret = scard_proto_t1_ready(reader);
	if (ret)
		return ret;

	reader->t1.nad = req->nad;
	ret = scard_t1_transceive(&reader->t1, &scard_t1_link_ops, reader,
				  req->send, req->send_len, req->recv,
				  req->recv_size, &len);
	req->nad = reader->t1.rsp_nad;
	req->recv_len = len;
	if (ret && scard_t1_needs_reset(&reader->t1))
		scard_link_lost(reader, ret);

	return ret;
}

static bool scard_proto_io_ok(struct scard_reader *reader)
{
	const struct scard_io_ops *io = reader->io;

	if (!io)
		return false;
	if (reader->caps.level == SCARD_LEVEL_TPDU)
		return io->xfer;
	if (reader->caps.level == SCARD_LEVEL_CHAR)
		return io->transceive;
	return false;
}

static bool scard_proto_engine(u32 protocol)
{
	return protocol == SCARD_PROTO_T0 || protocol == SCARD_PROTO_T1;
}

/**
 * scard_proto_transmit() - RDF_TRANSMIT for TPDU and character level readers
 * @reader: the reader, its &scard_reader.io filled in
 * @req: the TRANSMIT request (command APDU in, response APDU out)
 *
 * Runs the selected protocol's engine over the reader's &scard_io_ops,
 * with the timing of the link in force (set up here for a card in specific
 * mode): T=0 with the request's flags (one TPDU, or the APDU transport
 * with %SCARD_TRANSMIT_APDU), T=1 with the block protocol of ISO/IEC
 * 7816-3 (chaining, S(IFS), WTX, error recovery) and the request's NAD.
 * When the link to the card is lost the card is demoted to
 * %SCARD_CARD_SWALLOWED and must be powered again.
 *
 * Context: process context, in a request of the reader.
 * Return: 0, -EOPNOTSUPP (no engine for the protocol or level, no io
 * ops), -EINVAL (a command T=0 cannot carry in the mode asked for),
 * -ENOSPC (response larger than the buffer), -ETIMEDOUT, -EPROTO
 * (protocol error), -ECONNABORTED (the card aborted), -EMEDIUMTYPE
 * (parameters unusable), or the reader's error.
 */
int scard_proto_transmit(struct scard_reader *reader, struct scard_request *req)
{
	u32 protocol = reader->card.selected;
	int ret;

	if (!scard_proto_io_ok(reader) || !scard_proto_engine(protocol))
		return -EOPNOTSUPP;

	ret = scard_link_setup(reader, protocol);
	if (ret)
		return ret;

	if (protocol == SCARD_PROTO_T1)
		return scard_proto_t1(reader, req);
	return scard_proto_t0(reader, req);
}
EXPORT_SYMBOL_GPL(scard_proto_transmit);

/* PPS */

/* Send the PPS request, receive and check the card's response. */
static int scard_pps_exchange(struct scard_reader *reader,
			      struct scard_pps *pps)
{
	const struct scard_io_ops *io = reader->io;
	u64 wt_ns = scard_timing_initial_wt_ns(scard_link_clk(reader, 0));
	u8 rsp[SCARD_PPS_MAX] = {};
	size_t len = 0, got = 0, more;
	int ret;

	if (reader->caps.level == SCARD_LEVEL_TPDU) {
		ret = io->xfer(reader, SCARD_XFER_PPS, pps->req, pps->req_len,
			       rsp, sizeof(rsp), &len, wt_ns);
		if (!ret && len > sizeof(rsp))
			ret = -EMSGSIZE;
	} else {
		/* PPSS and PPS0, which tells how many bytes follow. */
		ret = scard_char_turn(reader, pps->req, pps->req_len, rsp, 2,
				      &got, wt_ns, wt_ns);
		if (!ret && rsp[0] != SCARD_PPSS)
			ret = -EPROTO;
		if (!ret) {
			more = hweight8(rsp[1] & SCARD_PPS0_OPT) + 1;
			ret = scard_char_turn(reader, NULL, 0, rsp + 2, more,
					      &got, wt_ns, wt_ns);
			len = 2 + got;
		}
	}
	if (ret)
		return ret;

	return scard_pps_check(pps, rsp, len);
}

/**
 * scard_proto_set_protocol() - RDF_SET_PROTOCOL for TPDU and character
 *	level readers
 * @reader: the reader, its &scard_reader.io filled in
 * @req: the SET_PROTOCOL request: the protocol to select in @req->minor,
 *	%SCARD_PROTO_DEFAULT in @req->flags for the default parameters
 *
 * Chooses the parameters with scard_pps_select() and runs the PPS
 * exchange if one is needed, then tells the reader the parameters through
 * &scard_io_ops.set_params and records them; the T=1 engine starts afresh
 * at the next TRANSMIT. The card is never reset here: one that fails PPS
 * is demoted to %SCARD_CARD_SWALLOWED and must be powered again (then
 * %SCARD_PROTO_DEFAULT asks for the default parameters).
 *
 * Context: process context, in a request of the reader.
 * Return: 0, -EOPNOTSUPP (protocol not supported at this level, or not
 * offered by the card), -EBADFD (a protocol is in force already: the card
 * needs a reset first), -EPROTO (PPS refused, garbled or unanswered), or
 * the reader's error.
 */
int scard_proto_set_protocol(struct scard_reader *reader,
			     struct scard_request *req)
{
	u32 mask = req->minor | (req->flags & SCARD_PROTO_DEFAULT);
	struct scard_pps pps;
	int ret;

	if (!scard_proto_io_ok(reader) || !scard_proto_engine(req->minor))
		return -EOPNOTSUPP;

	/* PPS only follows an ATR: the core checks, this is for drivers. */
	if (reader->link_ready)
		return -EBADFD;

	reader->t1_ready = false;
	ret = scard_pps_select(&pps, &reader->card, &reader->caps, mask);
	if (ret)
		return ret;
	if (pps.protocol != req->minor)
		return -EOPNOTSUPP;

	if (pps.req_len) {
		ret = scard_pps_exchange(reader, &pps);
		if (ret) {
			scard_dbg(reader, "PPS %*ph failed (%d)\n", pps.req_len,
				  pps.req, ret);
			scard_link_lost(reader, ret);
			return scard_card_fault(ret) ? -EPROTO : ret;
		}
	}

	ret = scard_link_set(reader, pps.protocol, pps.fl, pps.dl,
			     pps.clk_khz);
	if (ret && pps.req_len)
		scard_link_lost(reader, ret);

	return ret;
}
EXPORT_SYMBOL_GPL(scard_proto_set_protocol);

/**
 * scard_proto_outer_prologue() - T=1 prologue of a block the reader builds
 * @reader: a TPDU level reader with T=1 selected
 * @prologue: out: NAD, PCB and LEN (0) of the I-block
 *
 * For a command the reader completes and sends itself (a PIN entry): the
 * library keeps the T=1 sequence numbers, so the driver gives the reader
 * this prologue and hands the card's block to scard_proto_outer_reply().
 *
 * Context: process context, in a request of the reader.
 * Return: 0, -EBADFD (T=1 not selected) or -EPROTO (the link must be
 * resynchronised first: the next TRANSMIT does it).
 */
int scard_proto_outer_prologue(struct scard_reader *reader, u8 *prologue)
{
	int ret;

	if (reader->card.selected != SCARD_PROTO_T1)
		return -EBADFD;
	ret = scard_proto_t1_ready(reader);
	if (ret)
		return ret;
	reader->t1.nad = 0;

	return scard_t1_outer_prologue(&reader->t1, prologue);
}
EXPORT_SYMBOL_GPL(scard_proto_outer_prologue);

/**
 * scard_proto_outer_reply() - the card's T=1 block after such a command
 * @reader: the reader of scard_proto_outer_prologue()
 * @rx: the card's block, as the reader returned it
 * @rx_len: its length
 * @rsp: out: room for the response inside it
 * @rsp_size: size of @rsp
 * @rsp_len: out: length of the response
 *
 * Context: process context, in a request of the reader.
 * Return: 0, -EPROTO (not one whole I-block with the expected sequence
 * number: the next TRANSMIT resynchronises) or -EMSGSIZE.
 */
int scard_proto_outer_reply(struct scard_reader *reader, const u8 *rx,
			    size_t rx_len, u8 *rsp, size_t rsp_size,
			    size_t *rsp_len)
{
	const u8 *inf;
	size_t len;
	int ret;

	*rsp_len = 0;
	ret = scard_t1_outer_reply(&reader->t1, rx, rx_len, &inf, &len);
	if (ret)
		return ret;
	if (len > rsp_size)
		return -EMSGSIZE;
	memmove(rsp, inf, len);
	*rsp_len = len;

	return 0;
}
EXPORT_SYMBOL_GPL(scard_proto_outer_reply);
