// SPDX-License-Identifier: GPL-2.0
/*
 * scard: T=0 character protocol (ISO/IEC 7816-3:2006, clauses 10 and 12.2).
 *
 * The interface device sends a 5-byte header CLA INS P1 P2 P3. P3 is the
 * number of data bytes that follow the header (a command with data) or the
 * number of bytes expected from the card, 0 meaning 256 (a command without
 * data; the card knows from INS which one applies). The card then answers
 * with procedure bytes:
 *
 *	INS		ACK: all remaining data bytes go (to or from the card),
 *			then another procedure byte
 *	INS ^ 0xff	ACK for one byte only, then another procedure byte
 *	0x60		NULL: no transfer, the card asks for more time
 *	0x6X, 0x9X	SW1 (but 0x60): SW2 follows and ends the exchange
 *
 * Each character of the card must come within the waiting time WT of the
 * one before it. Retransmission of characters with a parity error is done
 * by the reader.
 *
 * A command APDU is carried in such a TPDU exchange (12.2): case 1 gets
 * P3 = 00, cases 2 and 3 are their own TPDU. What does not fit, case 4 and
 * extended lengths, is rejected unless the caller asks for the APDU
 * transport of scard_t0_transmit(), which sends case 4 as case 3 and
 * fetches the response with GET RESPONSE.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/scard_t0.h>
#include <uapi/linux/scard.h>

#include "../compat.h"

#define T0_CLA			0
#define T0_INS			1
#define T0_P1			2
#define T0_P2			3
#define T0_P3			4

#define T0_CLA_INVALID		0xff	/* PPSS */
#define T0_NULL			0x60
#define T0_SW1_MORE		0x61	/* SW2 more bytes to GET RESPONSE */
#define T0_SW1_WRONG_LE		0x6c	/* wrong Le, SW2 is the right one */
#define T0_INS_GET_RESPONSE	0xc0
#define T0_HI			0xf0
#define T0_SHORT_MAX		256
#define T0_EXT_MAX		65536

/* CLA coding of ISO/IEC 7816-4:2020 5.4.1. */
#define T0_CLA_TYPE		0xe0
#define T0_CLA_FIRST		0x00	/* first interindustry: 000x xxxx */
#define T0_CLA_FIRST_CHAN	0x03
#define T0_CLA_FURTHER_TYPE	0xc0
#define T0_CLA_FURTHER		0x40	/* further interindustry: 01xx xxxx */
#define T0_CLA_FURTHER_CHAN	0x0f

enum t0_phase {
	T0_IDLE,	/* no exchange */
	T0_PROC,	/* waiting for a procedure byte */
	T0_DATA,	/* receiving t0->chunk data bytes */
	T0_SW2,		/* waiting for SW2 */
	T0_DONE,	/* SW2 received */
};

static bool t0_is_sw1(u8 b)
{
	return (b & T0_HI) == 0x90 || ((b & T0_HI) == 0x60 && b != T0_NULL);
}

/*
 * CLA FF would start a PPS request, and an INS of 6X or 9X could not be
 * told from SW1 in the procedure bytes: ISO/IEC 7816-3 declares them
 * invalid in T=0 headers.
 */
static bool t0_header_ok(const u8 *hdr)
{
	u8 ins = hdr[T0_INS] & T0_HI;

	return hdr[T0_CLA] != T0_CLA_INVALID && ins != 0x60 && ins != 0x90;
}

/**
 * struct t0_apdu - a command APDU decoded (ISO/IEC 7816-3:2006 12.1.3)
 * @data: the command data field
 * @nc: length of @data
 * @ne: the maximum number of response data bytes (0 for none)
 * @kase: 1 to 4
 * @ext: extended length fields
 */
struct t0_apdu {
	const u8 *data;
	size_t nc;
	size_t ne;
	u8 kase;
	bool ext;
};

static int t0_parse_apdu(struct t0_apdu *a, const u8 *apdu, size_t len)
{
	size_t n;

	memset(a, 0, sizeof(*a));
	if (len < 4)
		return -EINVAL;
	if (len == 4) {
		a->kase = 1;
		return 0;
	}
	if (len == 5) {
		a->kase = 2;
		a->ne = apdu[T0_P3] ?: T0_SHORT_MAX;
		return 0;
	}

	if (apdu[T0_P3]) {
		a->nc = apdu[T0_P3];
		a->data = apdu + SCARD_T0_HDR;
		if (len == SCARD_T0_HDR + a->nc) {
			a->kase = 3;
			return 0;
		}
		if (len != SCARD_T0_HDR + a->nc + 1)
			return -EINVAL;
		a->kase = 4;
		a->ne = apdu[len - 1] ?: T0_SHORT_MAX;
		return 0;
	}

	/* 00 then a two-byte Lc or Le: extended lengths. */
	if (len < 7)
		return -EINVAL;
	a->ext = true;
	n = get_unaligned_be16(apdu + SCARD_T0_HDR);
	if (len == 7) {
		a->kase = 2;
		a->ne = n ?: T0_EXT_MAX;
		return 0;
	}
	if (!n)
		return -EINVAL;
	a->nc = n;
	a->data = apdu + 7;
	if (len == 7 + n) {
		a->kase = 3;
		return 0;
	}
	if (len != 7 + n + 2)
		return -EINVAL;
	a->kase = 4;
	a->ne = get_unaligned_be16(apdu + len - 2) ?: T0_EXT_MAX;
	return 0;
}

/**
 * scard_t0_build_tpdu() - map a command APDU onto a T=0 command TPDU
 * @tpdu: room for %SCARD_T0_TPDU_MAX bytes
 * @apdu: the command APDU
 * @apdu_len: its length
 *
 * smclib's rules (ISO/IEC 7816-3:2006 12.2.2 to 12.2.4): case 1 (4 bytes)
 * gets P3 = 00; case 2 short (5 bytes, Le = P3, 00 for 256) and case 3
 * short (5 + Lc bytes, P3 = Lc) are the TPDU as they are. Case 4 (Le must
 * be removed by the caller, or the APDU transport of scard_t0_transmit()
 * used) and extended lengths are rejected, as are a CLA of FF and an INS
 * of 6X or 9X, which T=0 cannot carry.
 *
 * Context: Any context.
 * Return: the length of the TPDU (5 to 260), or -EINVAL.
 */
int scard_t0_build_tpdu(u8 *tpdu, const u8 *apdu, size_t apdu_len)
{
	struct t0_apdu a;
	int ret;

	ret = t0_parse_apdu(&a, apdu, apdu_len);
	if (ret)
		return ret;
	if (a.ext || a.kase == 4 || !t0_header_ok(apdu))
		return -EINVAL;

	if (a.kase == 1) {
		memcpy(tpdu, apdu, 4);
		tpdu[T0_P3] = 0;
		return SCARD_T0_HDR;
	}
	memcpy(tpdu, apdu, apdu_len);
	return apdu_len;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t0_build_tpdu);

/**
 * scard_t0_init() - set up the character engine
 * @t0: the engine
 * @wt_ns: the card's waiting time WT (see scard_timing_compute())
 */
void scard_t0_init(struct scard_t0 *t0, u64 wt_ns)
{
	memset(t0, 0, sizeof(*t0));
	t0->wt_ns = wt_ns;
	t0->phase = T0_IDLE;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t0_init);

/**
 * scard_t0_start() - start a TPDU exchange
 * @t0: the engine, set up by scard_t0_init()
 * @tpdu: the command TPDU; must stay valid until the exchange ends
 * @tpdu_len: 5 for a header alone, which asks the card for P3 bytes (256
 *	for P3 = 0; a case 1 command gets its status bytes at once), or 5 + P3
 *	for a header with P3 data bytes to send
 * @rsp: buffer for the response TPDU: data, SW1, SW2
 * @rsp_size: size of @rsp (%SCARD_T0_RSP_MAX is always enough)
 *
 * A new exchange may be started at any time; one that did not end is
 * dropped (the card then needs a reset, as after any failed exchange).
 *
 * Return: 0, or -EINVAL for a malformed TPDU (length, P3, CLA FF, INS 6X
 * or 9X) or a NULL buffer with a non-zero size.
 */
int scard_t0_start(struct scard_t0 *t0, const u8 *tpdu, size_t tpdu_len,
		   u8 *rsp, size_t rsp_size)
{
	if (!tpdu || tpdu_len < SCARD_T0_HDR || tpdu_len > SCARD_T0_TPDU_MAX ||
	    (!rsp && rsp_size) || !t0_header_ok(tpdu))
		return -EINVAL;
	if (tpdu_len > SCARD_T0_HDR && tpdu[T0_P3] != tpdu_len - SCARD_T0_HDR)
		return -EINVAL;

	t0->tpdu = tpdu;
	t0->ins = tpdu[T0_INS];
	t0->lc = tpdu_len - SCARD_T0_HDR;
	t0->le = t0->lc ? 0 : tpdu[T0_P3] ?: T0_SHORT_MAX;
	t0->done = 0;
	t0->chunk = 0;
	t0->rsp = rsp;
	t0->rsp_size = rsp_size;
	t0->rsp_len = 0;
	t0->idle = 0;
	/* The header goes first. */
	t0->tx_off = 0;
	t0->tx_len = SCARD_T0_HDR;
	t0->phase = T0_PROC;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t0_start);

/**
 * scard_t0_next() - what the reader does next
 * @t0: the engine, in an exchange
 * @io: set to the bytes to send, then the number of bytes to receive and
 *	the waiting time for each; all zero (and @io->tx NULL) when no
 *	exchange is running
 *
 * @io->tx stays valid until the next call of scard_t0_receive(). The bytes
 * to send are only returned once: scard_t0_receive() takes them as sent.
 */
void scard_t0_next(const struct scard_t0 *t0, struct scard_t0_io *io)
{
	io->tx = t0->tx_len ? t0->tpdu + t0->tx_off : NULL;
	io->tx_len = t0->tx_len;
	io->wt_ns = t0->wt_ns;
	switch (t0->phase) {
	case T0_PROC:
	case T0_SW2:
		io->rx_len = 1;
		break;
	case T0_DATA:
		io->rx_len = t0->chunk;
		break;
	default:
		io->rx_len = 0;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(scard_t0_next);

static void t0_store(struct scard_t0 *t0, u8 b)
{
	if (t0->rsp_len < t0->rsp_size)
		t0->rsp[t0->rsp_len] = b;
	t0->rsp_len++;
}

/* A procedure byte that transfers nothing; too many end the exchange. */
static int t0_idle(struct scard_t0 *t0)
{
	return ++t0->idle > SCARD_T0_MAX_NULLS ? -ETIMEDOUT : 0;
}

static int t0_procedure(struct scard_t0 *t0, u8 b)
{
	size_t left;
	bool all;

	if (b == T0_NULL)
		return t0_idle(t0);
	if (t0_is_sw1(b)) {
		t0->sw1 = b;
		t0->phase = T0_SW2;
		return 0;
	}
	if (b == t0->ins)
		all = true;
	else if (b == (t0->ins ^ 0xff))
		all = false;
	else
		return -EPROTO;

	left = (t0->lc ?: t0->le) - t0->done;
	if (!left)
		return t0_idle(t0);
	if (!all)
		left = 1;
	if (t0->lc) {
		t0->tx_off = SCARD_T0_HDR + t0->done;
		t0->tx_len = left;
		t0->done += left;
	} else {
		t0->chunk = left;
		t0->phase = T0_DATA;
	}
	return 0;
}

static int t0_finish(struct scard_t0 *t0, int ret)
{
	t0->phase = T0_IDLE;
	t0->tx_len = 0;
	t0->tpdu = NULL;
	t0->rsp = NULL;
	return ret;
}

/**
 * scard_t0_receive() - process the bytes the card sent
 * @t0: the engine, in an exchange
 * @rx: the bytes received since the last call, in order
 * @rx_len: their number, at most the @io->rx_len of scard_t0_next()
 * @err: 0 if the bytes came; the reader's error otherwise (-ETIMEDOUT if
 *	the card stayed silent beyond WT, -EBADMSG for a parity error it
 *	could not recover), which ends the exchange with that error
 * @rsp_len: set to the response length (data and status bytes) when the
 *	exchange ends with 0, or to the length needed when it ends with
 *	-ENOSPC; else to 0
 *
 * The bytes to send of scard_t0_next() are taken as sent. After a failed
 * exchange the card may still be busy with the command: reset it.
 *
 * Return: 1 if scard_t0_next() has more to do; 0 when the response is in
 * the buffer of scard_t0_start(); -ENOSPC if it did not fit (the buffer
 * holds its first bytes); -EPROTO for an invalid procedure byte or bytes
 * beyond those expected; -ETIMEDOUT after %SCARD_T0_MAX_NULLS procedure
 * bytes without transfer; -EINVAL if no exchange is running; or @err.
 */
int scard_t0_receive(struct scard_t0 *t0, const u8 *rx, size_t rx_len,
		     int err, size_t *rsp_len)
{
	size_t i;
	int ret;

	*rsp_len = 0;
	if (t0->phase == T0_IDLE)
		return -EINVAL;
	t0->tx_len = 0;
	if (err)
		return t0_finish(t0, err < 0 ? err : -EIO);

	for (i = 0; i < rx_len; i++) {
		/* Nothing may come after SW2, or before we have sent. */
		if (t0->phase == T0_DONE || t0->tx_len)
			return t0_finish(t0, -EPROTO);

		switch (t0->phase) {
		case T0_PROC:
			ret = t0_procedure(t0, rx[i]);
			if (ret)
				return t0_finish(t0, ret);
			break;
		case T0_DATA:
			t0_store(t0, rx[i]);
			t0->done++;
			if (!--t0->chunk)
				t0->phase = T0_PROC;
			break;
		case T0_SW2:
			t0_store(t0, t0->sw1);
			t0_store(t0, rx[i]);
			t0->phase = T0_DONE;
			break;
		}
	}

	if (t0->phase != T0_DONE)
		return 1;
	*rsp_len = t0->rsp_len;
	return t0_finish(t0, t0->rsp_len > t0->rsp_size ? -ENOSPC : 0);
}
EXPORT_SYMBOL_IF_KUNIT(scard_t0_receive);

/**
 * scard_t0_transceive() - run a TPDU exchange over a character transfer
 * @t0: the engine, set up by scard_t0_init()
 * @ops: the character transfer
 * @ctx: passed to @ops->xfer
 * @tpdu: the command TPDU, as for scard_t0_start()
 * @tpdu_len: its length
 * @rsp: buffer for the response TPDU
 * @rsp_size: size of @rsp
 * @rsp_len: set as by scard_t0_receive()
 *
 * Runs scard_t0_start() and the scard_t0_next(), @ops->xfer,
 * scard_t0_receive() loop. Each turn takes at least one byte of the card,
 * and their number is bounded by P3 and %SCARD_T0_MAX_NULLS.
 *
 * Return: as scard_t0_receive() or scard_t0_start(); -EIO if @ops->xfer
 * claims no byte, or more than asked for, without an error.
 */
int scard_t0_transceive(struct scard_t0 *t0, const struct scard_t0_ops *ops,
			void *ctx, const u8 *tpdu, size_t tpdu_len, u8 *rsp,
			size_t rsp_size, size_t *rsp_len)
{
	struct scard_t0_io io;
	u8 rx[T0_SHORT_MAX];
	size_t got, want;
	int ret;

	*rsp_len = 0;
	ret = scard_t0_start(t0, tpdu, tpdu_len, rsp, rsp_size);
	if (ret)
		return ret;
	do {
		scard_t0_next(t0, &io);
		want = min(io.rx_len, sizeof(rx));
		got = 0;
		ret = ops->xfer(ctx, io.tx, io.tx_len, rx, want, &got,
				io.wt_ns);
		if (!ret && (!got || got > want))
			ret = -EIO;
		ret = scard_t0_receive(t0, rx, ret ? 0 : got, ret, rsp_len);
	} while (ret > 0);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t0_transceive);

/* State of scard_t0_transmit(). */
struct t0_xfer {
	const struct scard_t0_tpdu_ops *ops;
	void *ctx;
	u8 *rsp;
	size_t rsp_size;
	size_t len;		/* response data bytes kept, stored or not */
	size_t tpdu_len;
	u8 tpdu[SCARD_T0_TPDU_MAX];
	u8 buf[SCARD_T0_RSP_MAX];
};

/* One TPDU exchange: the data bytes are in x->buf. */
static int t0_exchange(struct t0_xfer *x, size_t *data, u8 *sw1, u8 *sw2)
{
	size_t n = 0, max;
	int ret;

	ret = x->ops->xfer_tpdu(x->ctx, x->tpdu, x->tpdu_len, x->buf,
				sizeof(x->buf), &n);
	if (ret)
		return ret;
	/* Data may only come for a header alone, P3 bytes at most. */
	max = 0;
	if (x->tpdu_len == SCARD_T0_HDR)
		max = x->tpdu[T0_P3] ?: T0_SHORT_MAX;
	if (n < 2 || n - 2 > max || !t0_is_sw1(x->buf[n - 2]))
		return -EPROTO;
	*sw1 = x->buf[n - 2];
	*sw2 = x->buf[n - 1];
	*data = n - 2;
	return 0;
}

static void t0_keep(struct t0_xfer *x, const u8 *p, size_t n)
{
	if (x->len < x->rsp_size)
		memcpy(x->rsp + x->len, p, min(n, x->rsp_size - x->len));
	x->len += n;
}

/*
 * GET RESPONSE goes on the logical channel of the command: the channel
 * bits of an interindustry CLA are kept, command chaining and secure
 * messaging bits dropped. A proprietary (or RFU) CLA is kept as it is:
 * the cards that use one (GSM SIMs with A0, for one) expect GET RESPONSE
 * in their class.
 */
static u8 t0_get_response_cla(u8 cla)
{
	if ((cla & T0_CLA_TYPE) == T0_CLA_FIRST)
		return cla & T0_CLA_FIRST_CHAN;
	if ((cla & T0_CLA_FURTHER_TYPE) == T0_CLA_FURTHER)
		return T0_CLA_FURTHER | (cla & T0_CLA_FURTHER_CHAN);
	return cla;
}

/* The first TPDU of an APDU: case 4 as case 3, extended as short. */
static int t0_apdu_tpdu(struct t0_xfer *x, const struct t0_apdu *a,
			const u8 *apdu)
{
	if (a->nc > U8_MAX || !t0_header_ok(apdu))
		return -EINVAL;
	memcpy(x->tpdu, apdu, 4);
	if (a->kase == 2)
		x->tpdu[T0_P3] = a->ne >= T0_SHORT_MAX ? 0 : a->ne;
	else
		x->tpdu[T0_P3] = a->nc;
	if (a->nc)
		memcpy(x->tpdu + SCARD_T0_HDR, a->data, a->nc);
	x->tpdu_len = SCARD_T0_HDR + a->nc;
	return 0;
}

/*
 * ISO/IEC 7816-3:2006 12.2 and 7816-4 annex A: a 6Cxx answer to a TPDU
 * that asked for data (case 2, GET RESPONSE) gets the TPDU once more with
 * P3 = xx; 61xx gets GET RESPONSE for min(xx, what Ne still allows) while
 * Ne allows more. Every response data byte counts against Ne, so the
 * number of GET RESPONSE is bounded by Ne, each TPDU is re-sent at most
 * once, and a GET RESPONSE that brings nothing but 61xx is an error.
 */
static int t0_apdu_run(struct t0_xfer *x, const struct t0_apdu *a, u8 cla,
		       u8 *sw)
{
	size_t ne = a->ne, data, keep;
	bool asks = a->kase == 2, resent = false, getresp = false;
	int ret;

	for (;;) {
		ret = t0_exchange(x, &data, &sw[0], &sw[1]);
		if (ret)
			return ret;
		if (sw[0] == T0_SW1_WRONG_LE && asks && !resent) {
			x->tpdu[T0_P3] = sw[1];
			resent = true;
			continue;
		}
		keep = min(data, ne);
		t0_keep(x, x->buf, keep);
		ne -= keep;
		if (sw[0] != T0_SW1_MORE || !ne)
			return 0;
		if (getresp && !data)
			return -EPROTO;

		x->tpdu[T0_CLA] = cla;
		x->tpdu[T0_INS] = T0_INS_GET_RESPONSE;
		x->tpdu[T0_P1] = 0;
		x->tpdu[T0_P2] = 0;
		x->tpdu[T0_P3] = min_t(size_t, sw[1] ?: T0_SHORT_MAX, ne);
		x->tpdu_len = SCARD_T0_HDR;
		asks = true;
		getresp = true;
		resent = false;
	}
}

/**
 * scard_t0_transmit() - exchange a command APDU with a T=0 card
 * @ops: the TPDU exchange
 * @ctx: passed to @ops->xfer_tpdu
 * @apdu: the command APDU
 * @apdu_len: its length
 * @rsp: buffer for the response APDU (data, SW1, SW2)
 * @rsp_size: size of @rsp
 * @rsp_len: set to the response length on success, to the length needed
 *	on -ENOSPC, else to 0
 * @flags: 0 or %SCARD_TRANSMIT_APDU
 *
 * Without flags, smclib's behaviour: the APDU is mapped onto a TPDU by
 * scard_t0_build_tpdu() and the response TPDU returned as it is (61xx and
 * 6Cxx are for the caller to handle).
 *
 * With %SCARD_TRANSMIT_APDU, the APDU transport of ISO/IEC 7816-3:2006
 * 12.2: Ne is Le of cases 2 and 4 (0 for cases 1 and 3). Case 4 is sent as
 * case 3 and extended lengths as short ones (Nc up to 255: ENVELOPE is not
 * supported; Ne up to 65536). A 6Cxx answer to a TPDU asking for data is
 * re-sent once with P3 = xx; while the card answers 61xx and Ne allows
 * more, GET RESPONSE (CLA on the command's logical channel, see
 * t0_get_response_cla(); INS C0, P1 P2 00 00, P3 the smaller of xx and
 * the rest of Ne) fetches the data, which is concatenated. Ne caps the
 * data kept; the last status bytes end the response. The 1995 annex of
 * ISO/IEC 7816-4 also sent GET RESPONSE after a 90 00 to case 4: cards
 * signal data with 61xx, and a GET RESPONSE with nothing pending turns
 * their success into an error, so 90 00 ends the command without data. A
 * warning (62xx, 63xx) is returned as it is.
 *
 * Context: Process context if @ops->xfer_tpdu sleeps. Uses about 600
 * bytes of stack.
 * Return: 0; -EINVAL for an APDU the mode cannot carry (see above),
 * unknown flags or a NULL buffer with a non-zero size; -ENOSPC if the
 * response did not fit (the buffer holds its first bytes); -EPROTO for a
 * response TPDU without valid status bytes or with more data than asked
 * for, or a GET RESPONSE that brought no data; or the error of
 * @ops->xfer_tpdu.
 */
int scard_t0_transmit(const struct scard_t0_tpdu_ops *ops, void *ctx,
		      const u8 *apdu, size_t apdu_len, u8 *rsp,
		      size_t rsp_size, size_t *rsp_len, u32 flags)
{
	struct t0_xfer x = {
		.ops = ops,
		.ctx = ctx,
		.rsp = rsp,
		.rsp_size = rsp_size,
	};
	struct t0_apdu a;
	size_t data = 0;
	u8 sw[2];
	int ret;

	*rsp_len = 0;
	if ((flags & ~SCARD_TRANSMIT_APDU) || (!rsp && rsp_size))
		return -EINVAL;

	if (flags & SCARD_TRANSMIT_APDU) {
		ret = t0_parse_apdu(&a, apdu, apdu_len);
		if (!ret)
			ret = t0_apdu_tpdu(&x, &a, apdu);
		if (!ret)
			ret = t0_apdu_run(&x, &a,
					  t0_get_response_cla(apdu[T0_CLA]),
					  sw);
	} else {
		ret = scard_t0_build_tpdu(x.tpdu, apdu, apdu_len);
		if (ret > 0) {
			x.tpdu_len = ret;
			ret = t0_exchange(&x, &data, &sw[0], &sw[1]);
		}
		if (!ret)
			t0_keep(&x, x.buf, data);
	}
	if (ret < 0)
		return ret;

	t0_keep(&x, sw, sizeof(sw));
	*rsp_len = x.len;
	return x.len > rsp_size ? -ENOSPC : 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t0_transmit);
