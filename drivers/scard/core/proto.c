// SPDX-License-Identifier: GPL-2.0
/*
 * scard: the protocol engines on TPDU and character level readers.
 *
 * A reader that moves TPDUs, T=1 blocks or characters sets RDF_TRANSMIT to
 * scard_proto_transmit() and RDF_SET_PROTOCOL to scard_proto_set_protocol()
 * and gives the library its &struct scard_io_ops. The library then runs
 * T=1 (and T=0) itself, with the waiting times of the card's ATR, so that
 * reader drivers do not repeat the protocol work.
 *
 * Everything here runs with the reader's requests serialised (reader->lock)
 * in the context of one request.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/scard.h>

#include "scard_core.h"

#define SCARD_CLK_DEFAULT_KHZ	3580

/*
 * Transmission parameters in force: the defaults (Fd = 372, Dd = 1) after a
 * reset, TA1's in specific mode with explicit parameters, or what PPS
 * negotiated.
 */
static void scard_link_setup(struct scard_reader *reader)
{
	struct scard_card_caps *card = &reader->card;

	if (reader->link_ready)
		return;

	reader->link_fl = SCARD_ATR_DEFAULT_FL;
	reader->link_dl = SCARD_ATR_DEFAULT_DL;
	if (card->specific && !card->implicit) {
		reader->link_fl = card->fl;
		reader->link_dl = card->dl;
	}
	reader->link_clk = reader->caps.clk_default ?: SCARD_CLK_DEFAULT_KHZ;
	reader->link_ready = true;
}

/* One elementary time unit in ns: F / (D * f). */
static u64 scard_link_etu_ns(struct scard_reader *reader)
{
	u32 f = scard_fi_value(reader->link_fl) ?: 372;
	u32 d = scard_di_value(reader->link_dl) ?: 1;

	return div64_u64((u64)f * NSEC_PER_MSEC, (u64)d * reader->link_clk);
}

/* T=1 block waiting time: 11 etu + 2^BWI * 960 * 372 / f. */
static u64 scard_link_bwt_ns(struct scard_reader *reader)
{
	u64 bwt = div64_u64((u64)(1U << reader->card.bwi) * 960 * 372 *
			    NSEC_PER_MSEC, reader->link_clk);

	return bwt + 11 * scard_link_etu_ns(reader);
}

/* T=1 character waiting time: (11 + 2^CWI) etu. */
static u64 scard_link_cwt_ns(struct scard_reader *reader)
{
	return (11 + (1U << reader->card.cwi)) * scard_link_etu_ns(reader);
}

struct scard_t1_link {
	struct scard_reader *reader;
	u64 bwt_ns;
	u64 cwt_ns;
	u64 char_ns;
};

/* Character level: send a block, receive the card's block byte-wise. */
static int scard_t1_xfer_chars(struct scard_t1_link *link, const u8 *tx,
			       size_t tx_len, u8 *rx, size_t rx_size,
			       size_t *rx_len, unsigned int wtx)
{
	const struct scard_io_ops *io = link->reader->io;
	size_t got = 0, want;
	int ret;

	ret = io->send(link->reader, tx, tx_len);
	if (ret)
		return ret;

	/* Prologue: NAD, PCB, LEN. */
	ret = io->recv(link->reader, rx, 3, &got, link->bwt_ns * wtx,
		       link->cwt_ns);
	*rx_len = got;
	if (ret)
		return ret;

	want = 3 + rx[2] + (link->reader->card.edc ? 2 : 1);
	if (want > rx_size)
		return -EMSGSIZE;
	ret = io->recv(link->reader, rx + 3, want - 3, &got, link->cwt_ns,
		       link->cwt_ns);
	*rx_len = 3 + got;

	return ret;
}

static int scard_t1_xfer(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
			 size_t rx_size, size_t *rx_len, unsigned int wtx)
{
	struct scard_t1_link *link = ctx;
	struct scard_reader *reader = link->reader;
	u64 timeout;

	if (reader->caps.level == SCARD_LEVEL_CHAR)
		return scard_t1_xfer_chars(link, tx, tx_len, rx, rx_size,
					   rx_len, wtx);

	/* A TPDU reader answers with the whole block: allow for its length. */
	timeout = link->bwt_ns * wtx + SCARD_T1_BLOCK_MAX * link->char_ns;
	return reader->io->xfer(reader, SCARD_XFER_DATA, tx, tx_len, rx,
				rx_size, rx_len, timeout);
}

static const struct scard_t1_ops scard_t1_link_ops = {
	.xfer = scard_t1_xfer,
};

static int scard_proto_t1(struct scard_reader *reader,
			  struct scard_request *req)
{
	struct scard_card_caps *card = &reader->card;
	struct scard_t1_link link = {
		.reader = reader,
		.bwt_ns = scard_link_bwt_ns(reader),
		.cwt_ns = scard_link_cwt_ns(reader),
		/* 12 etu per character, at least 1 ms for the reader */
		.char_ns = max_t(u64, 12 * scard_link_etu_ns(reader),
				 NSEC_PER_MSEC),
	};
	size_t len = 0;
	int ret;

	if (!reader->t1_ready) {
		ret = scard_t1_init(&reader->t1, card->ifsc, card->ifsd,
				    card->edc ? SCARD_T1_CRC : SCARD_T1_LRC,
				    reader->suppress_ifs_request ?
				    SCARD_T1_NO_IFS_REQUEST : 0);
		if (ret)
			return ret;
		reader->t1_ready = true;
	}

	reader->t1.nad = req->nad;
	ret = scard_t1_transceive(&reader->t1, &scard_t1_link_ops, &link,
				  req->send, req->send_len, req->recv,
				  req->recv_size, &len);
	req->nad = reader->t1.rsp_nad;
	req->recv_len = len;
	if (ret == -ENOSPC)
		return ret;
	if (ret && scard_t1_needs_reset(&reader->t1))
		scard_warn_ratelimited(reader,
				       "T=1 link lost, the card needs a reset\n");

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
		return io->send && io->recv;
	return false;
}

/**
 * scard_proto_transmit() - RDF_TRANSMIT for TPDU and character level readers
 * @reader: the reader, its &scard_reader.io filled in
 * @req: the TRANSMIT request (command APDU in, response APDU out)
 *
 * Runs the selected protocol's engine over the reader's &scard_io_ops,
 * with the waiting times of the card's ATR: T=1 with the block protocol of
 * ISO/IEC 7816-3 (chaining, S(IFS), WTX, error recovery).
 *
 * Return: 0, -EOPNOTSUPP (no engine for the protocol or level, no io ops),
 * -ENOSPC (response larger than the buffer), -ETIMEDOUT, -EPROTO
 * (unrecoverable protocol error), -ECONNABORTED (the card aborted), or the
 * reader's error.
 */
int scard_proto_transmit(struct scard_reader *reader, struct scard_request *req)
{
	if (!scard_proto_io_ok(reader))
		return -EOPNOTSUPP;

	scard_link_setup(reader);
	switch (reader->card.selected) {
	case SCARD_PROTOCOL_T1:
		return scard_proto_t1(reader, req);
	default:
		return -EOPNOTSUPP;
	}
}
EXPORT_SYMBOL_GPL(scard_proto_transmit);

/**
 * scard_proto_set_protocol() - RDF_SET_PROTOCOL for TPDU and character
 *	level readers
 * @reader: the reader, its &scard_reader.io filled in
 * @req: the SET_PROTOCOL request, the protocol to select in @req->minor
 *
 * Sets up the link with the default transmission parameters (Fd, Dd and
 * the reader's default clock) and tells the reader through
 * &scard_io_ops.set_params.
 *
 * Return: 0, -EOPNOTSUPP (protocol not supported at this level), or the
 * reader's error.
 */
int scard_proto_set_protocol(struct scard_reader *reader,
			     struct scard_request *req)
{
	const struct scard_io_ops *io = reader->io;

	if (!scard_proto_io_ok(reader))
		return -EOPNOTSUPP;
	if (req->minor != SCARD_PROTOCOL_T1)
		return -EOPNOTSUPP;

	scard_link_setup(reader);
	reader->t1_ready = false;
	if (io->set_params)
		return io->set_params(reader, req->minor, reader->link_fl,
				      reader->link_dl, reader->link_clk);

	return 0;
}
EXPORT_SYMBOL_GPL(scard_proto_set_protocol);
