// SPDX-License-Identifier: GPL-2.0
/*
 * scard: T=1 block transmission protocol (ISO/IEC 7816-3:2006, clause 11).
 *
 * A block is NAD PCB LEN [INF] EDC. The interface device and the card take
 * turns: each block the engine sends is answered by one block of the card.
 * A command APDU is sent as a chain of I-blocks of at most IFSC bytes, each
 * but the last acknowledged by an R-block; the card's first I-block
 * acknowledges the last one and starts the response, which the engine
 * acknowledges block by block with R-blocks while the card chains. S-blocks
 * carry the control exchanges: IFS, WTX, ABORT and RESYNCH.
 *
 * Error recovery follows clause 11.6.3. An invalid block or a missing one
 * (time-out) is answered with an R-block asking for the expected I-block of
 * the card, with the error it saw; the card's R-block asking for our I-block
 * gets that I-block again; an S(... request) of ours that gets no proper
 * response is sent again. After SCARD_T1_MAX_RETRIES such repetitions in a
 * row the engine sends S(RESYNCH request), which resets both sequence
 * numbers and the IFSC, and starts the command again. A resynchronisation
 * that fails SCARD_T1_MAX_RETRIES + 1 times leaves the card to be reset.
 *
 * The engine keeps the block to send in t1->tx; the received block is only
 * read during scard_t1_receive().
 */

#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/crc-ccitt.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/scard_t1.h>

/* Prologue. */
#define T1_NAD			0
#define T1_PCB			1
#define T1_LEN			2
#define T1_HDR			3
/* Bits 8 and 4 of the NAD (Vpp control in old editions) are sent as 0. */
#define T1_NAD_MASK		0x77
#define T1_LEN_INVALID		0xff

/* PCB of an I-block: 0 N(S) M 0 0 0 0 0. */
#define T1_I_NS			BIT(6)
#define T1_I_M			BIT(5)
#define T1_I_RFU		GENMASK(4, 0)
/* PCB of an R-block: 1 0 0 N(R) 0 0 error. */
#define T1_R			0x80
#define T1_R_NR			BIT(4)
#define T1_R_RFU		(BIT(5) | GENMASK(3, 2))
#define T1_R_OK			0x00
#define T1_R_EDC_ERR		0x01	/* EDC or parity error */
#define T1_R_OTHER_ERR		0x02
#define T1_R_ERR_MASK		0x03
/* PCB of an S-block: 1 1 response type. */
#define T1_S			0xc0
#define T1_S_RSP		BIT(5)
#define T1_S_RESYNCH		0x00
#define T1_S_IFS		0x01
#define T1_S_ABORT		0x02
#define T1_S_WTX		0x03
#define T1_S_VPP_ERR		0x04	/* response only, ISO/IEC 7816-3:1997 */
#define T1_TYPE_MASK		0xc0

/* ISO/IEC 13239 16-bit FCS: preset to all ones, sent complemented. */
#define T1_CRC_INIT		0xffff

enum t1_phase {
	T1_IDLE,	/* no transaction */
	T1_IFS,		/* S(IFS request) sent */
	T1_RESYNCH,	/* S(RESYNCH request) sent */
	T1_SEND,	/* sending the command; last I-block not acknowledged */
	T1_RECV,	/* command acknowledged, receiving the response */
	T1_ABORTED,	/* S(ABORT response) sent to the card */
};

enum t1_ifs {
	T1_IFS_DUE,
	T1_IFS_DONE,
	T1_IFS_UNSUPPORTED,
};

static u8 t1_lrc(const u8 *data, size_t len)
{
	u8 lrc = 0;

	while (len--)
		lrc ^= *data++;
	return lrc;
}

/**
 * scard_t1_compute_edc() - compute the epilogue of a T=1 block
 * @edc: %SCARD_T1_LRC or %SCARD_T1_CRC
 * @data: prologue and information field of the block
 * @len: length of @data
 * @edc_out: where to store the epilogue, 2 bytes of room
 *
 * The LRC is the exclusive-or of all bytes. The CRC is the 16-bit frame
 * checking sequence of ISO/IEC 13239 (polynomial x^16 + x^12 + x^5 + 1,
 * bits processed least significant first, register preset to all ones,
 * ones' complement sent) that ISO/IEC 7816-3 refers to, low-order byte
 * first. Over "123456789" it is 0x906e, sent as 6e 90.
 *
 * Return: the length of the epilogue, 1 or 2.
 */
size_t scard_t1_compute_edc(enum scard_t1_edc edc, const u8 *data,
			    size_t len, u8 *edc_out)
{
	u16 crc;

	if (edc != SCARD_T1_CRC) {
		edc_out[0] = t1_lrc(data, len);
		return 1;
	}
	crc = ~crc_ccitt(T1_CRC_INIT, data, len);
	edc_out[0] = crc & 0xff;
	edc_out[1] = crc >> 8;
	return 2;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t1_compute_edc);

static size_t t1_edc_len(const struct scard_t1 *t1)
{
	return t1->edc == SCARD_T1_CRC ? 2 : 1;
}

static void t1_build(struct scard_t1 *t1, u8 pcb, const u8 *inf, size_t len)
{
	u8 *b = t1->tx;

	b[T1_NAD] = t1->nad & T1_NAD_MASK;
	b[T1_PCB] = pcb;
	b[T1_LEN] = len;
	if (len)
		memcpy(b + T1_HDR, inf, len);
	len += T1_HDR;
	t1->tx_len = len + scard_t1_compute_edc(t1->edc, b, len, b + len);
}

/*
 * The I-block carrying the command from the first byte the card has not
 * acknowledged. It is rebuilt for a retransmission, so that a new IFSC
 * applies to it too.
 */
static void t1_build_i(struct scard_t1 *t1)
{
	size_t left = t1->cmd_len - t1->cmd_off;
	u8 pcb = t1->ns ? T1_I_NS : 0;

	t1->chunk = min_t(size_t, left, t1->ifsc);
	t1->more = left > t1->chunk;
	if (t1->more)
		pcb |= T1_I_M;
	t1_build(t1, pcb, t1->cmd + t1->cmd_off, t1->chunk);
}

/* R-block asking for the card's I-block N(S) = nr. */
static void t1_build_r(struct scard_t1 *t1, u8 err)
{
	t1_build(t1, T1_R | (t1->nr ? T1_R_NR : 0) | err, NULL, 0);
}

static void t1_build_s(struct scard_t1 *t1, u8 type, const u8 *inf,
		       size_t len)
{
	t1_build(t1, T1_S | type, inf, len);
}

/* Send the command from its start, after S(IFS request) if that is due. */
static int t1_begin(struct scard_t1 *t1)
{
	t1->cmd_off = 0;
	t1->rsp_len = 0;
	t1->retries = 0;
	if (t1->ifs == T1_IFS_DUE) {
		t1->phase = T1_IFS;
		t1_build_s(t1, T1_S_IFS, &t1->ifsd, 1);
	} else {
		t1->phase = T1_SEND;
		t1_build_i(t1);
	}
	return 1;
}

static int t1_resynch(struct scard_t1 *t1)
{
	/* A card that cannot answer S(IFS request) is not asked again. */
	if (t1->phase == T1_IFS)
		t1->ifs = T1_IFS_UNSUPPORTED;
	t1->phase = T1_RESYNCH;
	t1->retries = 0;
	t1_build_s(t1, T1_S_RESYNCH, NULL, 0);
	return 1;
}

/*
 * End the transaction. @resynch: the card may be anywhere in an exchange,
 * so the next transaction starts with S(RESYNCH request).
 */
static int t1_finish(struct scard_t1 *t1, int ret, bool resynch)
{
	t1->phase = T1_IDLE;
	t1->cmd = NULL;
	t1->rsp = NULL;
	if (resynch)
		t1->resynch_due = true;
	return ret;
}

/*
 * No valid answer to the last block (@err: what was wrong with it, as the
 * error bits of an R-block): repeat an S(... request), otherwise ask for
 * the expected block with an R-block; resynchronise after too many tries.
 */
static int t1_error(struct scard_t1 *t1, u8 err)
{
	if (++t1->retries > SCARD_T1_MAX_RETRIES) {
		if (t1->phase != T1_RESYNCH)
			return t1_resynch(t1);
		/* ISO/IEC 7816-3 11.6.3.2: reset or deactivate the card. */
		t1->dead = true;
		return t1_finish(t1, -EPROTO, true);
	}
	if (t1->phase == T1_IFS || t1->phase == T1_RESYNCH)
		return 1;	/* t1->tx still holds the request */
	t1_build_r(t1, err);
	return 1;
}

/* Check length, EDC and PCB; return 0 or the R-block error bits. */
static u8 t1_check(const struct scard_t1 *t1, const u8 *rx, size_t rx_len)
{
	size_t edc_len = t1_edc_len(t1);
	u8 edc[2];
	size_t len;
	u8 pcb;

	if (!rx || rx_len < T1_HDR + edc_len)
		return T1_R_EDC_ERR;
	len = rx[T1_LEN];
	if (rx_len != T1_HDR + len + edc_len)
		return T1_R_EDC_ERR;
	scard_t1_compute_edc(t1->edc, rx, T1_HDR + len, edc);
	if (memcmp(edc, rx + T1_HDR + len, edc_len))
		return T1_R_EDC_ERR;
	if (len == T1_LEN_INVALID || len > t1->ifsd_cur)
		return T1_R_OTHER_ERR;

	pcb = rx[T1_PCB];
	switch (pcb & T1_TYPE_MASK) {
	case T1_S:
		switch (pcb & ~T1_S_RSP) {
		case T1_S | T1_S_RESYNCH:
		case T1_S | T1_S_ABORT:
			return len ? T1_R_OTHER_ERR : 0;
		case T1_S | T1_S_IFS:
			if (len != 1 || !rx[T1_HDR] ||
			    rx[T1_HDR] > SCARD_T1_IFS_MAX)
				return T1_R_OTHER_ERR;
			return 0;
		case T1_S | T1_S_WTX:
			return len != 1 || !rx[T1_HDR] ? T1_R_OTHER_ERR : 0;
		case T1_S | T1_S_VPP_ERR:
			return pcb & T1_S_RSP && !len ? 0 : T1_R_OTHER_ERR;
		default:
			return T1_R_OTHER_ERR;
		}
	case T1_R:
		if (len || pcb & T1_R_RFU ||
		    (pcb & T1_R_ERR_MASK) == T1_R_ERR_MASK)
			return T1_R_OTHER_ERR;
		return 0;
	default:
		return pcb & T1_I_RFU ? T1_R_OTHER_ERR : 0;
	}
}

static int t1_rx_i(struct scard_t1 *t1, const u8 *rx, size_t *rsp_len)
{
	u8 pcb = rx[T1_PCB];
	size_t len = rx[T1_LEN];
	u8 ns = !!(pcb & T1_I_NS);

	if (ns != t1->nr)
		return t1_error(t1, T1_R_OTHER_ERR);
	if (t1->phase == T1_SEND && !t1->more) {
		/* The card's answer acknowledges our last I-block. */
		t1->ns ^= 1;
		t1->phase = T1_RECV;
	} else if (t1->phase != T1_RECV) {
		return t1_error(t1, T1_R_OTHER_ERR);
	}

	t1->nr ^= 1;
	t1->retries = 0;
	t1->rsp_nad = rx[T1_NAD];
	if (len > SCARD_T1_RSP_MAX - t1->rsp_len)
		return t1_finish(t1, -EPROTO, pcb & T1_I_M);
	if (t1->rsp_len < t1->rsp_size)
		memcpy(t1->rsp + t1->rsp_len, rx + T1_HDR,
		       min(len, t1->rsp_size - t1->rsp_len));
	t1->rsp_len += len;

	if (pcb & T1_I_M) {
		/* Empty links would make no progress: count them. */
		if (!len && ++t1->card_reqs > SCARD_T1_MAX_CARD_REQS)
			return t1_finish(t1, -EPROTO, true);
		t1_build_r(t1, T1_R_OK);
		return 1;
	}
	*rsp_len = t1->rsp_len;
	return t1_finish(t1, t1->rsp_len > t1->rsp_size ? -ENOSPC : 0, false);
}

static int t1_rx_r(struct scard_t1 *t1, u8 pcb)
{
	u8 nr = !!(pcb & T1_R_NR);

	switch (t1->phase) {
	case T1_IFS:
		/* The card does not support S(IFS request): go on. */
		t1->ifs = T1_IFS_UNSUPPORTED;
		t1->phase = T1_SEND;
		t1->retries = 0;
		t1_build_i(t1);
		return 1;
	case T1_SEND:
		if (nr == t1->ns) {
			/* The card asks for our I-block again. */
			if (++t1->retries > SCARD_T1_MAX_RETRIES)
				return t1_resynch(t1);
			t1_build_i(t1);
			return 1;
		}
		if (!t1->more)
			return t1_error(t1, T1_R_OTHER_ERR);
		/* Acknowledges a link of our chain: send the next one. */
		t1->cmd_off += t1->chunk;
		t1->ns ^= 1;
		t1->retries = 0;
		t1_build_i(t1);
		return 1;
	case T1_RECV:
		/* Our last block did not reach the card: ask again. */
		return t1_error(t1, T1_R_OK);
	default:
		return t1_error(t1, T1_R_OTHER_ERR);
	}
}

/* An S(... response) of the card. */
static int t1_rx_s_rsp(struct scard_t1 *t1, const u8 *rx)
{
	u8 type = rx[T1_PCB] & ~(T1_S | T1_S_RSP);

	if (type == T1_S_VPP_ERR)
		return t1_finish(t1, -EIO, true);
	if (t1->phase == T1_IFS && type == T1_S_IFS &&
	    rx[T1_HDR] == t1->ifsd) {
		t1->ifs = T1_IFS_DONE;
		t1->ifsd_cur = t1->ifsd;
		t1->phase = T1_SEND;
		t1->retries = 0;
		t1_build_i(t1);
		return 1;
	}
	if (t1->phase != T1_RESYNCH || type != T1_S_RESYNCH)
		return t1_error(t1, T1_R_OTHER_ERR);

	t1->ns = 0;
	t1->nr = 0;
	t1->ifsc = t1->ifsc_atr;
	t1->ifsd_cur = SCARD_T1_IFSD_DEFAULT;
	t1->resynch_due = false;
	if (t1->ifs == T1_IFS_DONE)
		t1->ifs = T1_IFS_DUE;
	if (++t1->resynchs > SCARD_T1_MAX_RESYNCH)
		return t1_finish(t1, -EPROTO, false);
	return t1_begin(t1);
}

/* An S(... request) of the card. */
static int t1_rx_s_req(struct scard_t1 *t1, const u8 *rx)
{
	u8 type = rx[T1_PCB] & ~T1_S;

	/* The card may only ask while it has the turn to answer us. */
	if (t1->phase != T1_SEND && t1->phase != T1_RECV)
		return t1_error(t1, T1_R_OTHER_ERR);
	if (type == T1_S_RESYNCH)
		return t1_error(t1, T1_R_OTHER_ERR);
	if (++t1->card_reqs > SCARD_T1_MAX_CARD_REQS)
		return t1_finish(t1, -EPROTO, true);

	switch (type) {
	case T1_S_IFS:
		/* Applies from the next I-block on, even within a chain. */
		t1->ifsc = rx[T1_HDR];
		break;
	case T1_S_WTX:
		/* Extends the wait for the card's next block only. */
		t1->wtx = rx[T1_HDR];
		break;
	case T1_S_ABORT:
		/* Answer, then end whatever the card sends next. */
		t1->phase = T1_ABORTED;
		t1->resynch_due = true;
		break;
	}
	t1_build_s(t1, T1_S_RSP | type, rx + T1_HDR, rx[T1_LEN]);
	return 1;
}

/**
 * scard_t1_init() - set up the T=1 engine after a reset of the card
 * @t1: the engine
 * @ifsc: information field size of the card (from the ATR), 1..254
 * @ifsd: information field size of the interface device, 1..254
 * @edc: error detection code of the card (from the ATR)
 * @flags: %SCARD_T1_NO_IFS_REQUEST not to send S(IFS request) with @ifsd
 *	before the first command (the card then assumes an IFSD of 32)
 *
 * Sequence numbers start at 0 and the node address at 0.
 *
 * Return: 0, or -EINVAL for an out of range parameter.
 */
int scard_t1_init(struct scard_t1 *t1, unsigned int ifsc, unsigned int ifsd,
		  enum scard_t1_edc edc, unsigned int flags)
{
	if (!ifsc || ifsc > SCARD_T1_IFS_MAX || !ifsd ||
	    ifsd > SCARD_T1_IFS_MAX ||
	    (edc != SCARD_T1_LRC && edc != SCARD_T1_CRC) ||
	    flags & ~SCARD_T1_NO_IFS_REQUEST)
		return -EINVAL;

	memset(t1, 0, sizeof(*t1));
	t1->ifsc = ifsc;
	t1->ifsc_atr = ifsc;
	t1->ifsd = ifsd;
	t1->ifsd_cur = SCARD_T1_IFSD_DEFAULT;
	t1->edc = edc;
	t1->ifs = flags & SCARD_T1_NO_IFS_REQUEST ? T1_IFS_UNSUPPORTED :
						    T1_IFS_DUE;
	t1->phase = T1_IDLE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t1_init);

/**
 * scard_t1_start() - start sending a command APDU
 * @t1: the engine, set up by scard_t1_init()
 * @cmd: the command; must stay valid until the transaction ends
 * @cmd_len: length of @cmd (any length, sent in as many blocks as needed)
 * @rsp: buffer for the response (data and status bytes)
 * @rsp_size: size of @rsp
 *
 * The first block to send is then available from scard_t1_tx_block(). It
 * is S(RESYNCH request) if an earlier transaction ended with the card in an
 * unknown state (including one abandoned before its end), S(IFS request)
 * if that is still due, else the first I-block.
 *
 * Return: 0; -EINVAL for a NULL buffer with a non-zero size; -EPROTO if a
 * resynchronisation failed and scard_t1_init() has not been called since.
 */
int scard_t1_start(struct scard_t1 *t1, const u8 *cmd, size_t cmd_len,
		   u8 *rsp, size_t rsp_size)
{
	if ((!cmd && cmd_len) || (!rsp && rsp_size))
		return -EINVAL;
	if (t1->dead)
		return -EPROTO;
	if (t1->phase != T1_IDLE)
		t1->resynch_due = true;

	t1->cmd = cmd;
	t1->cmd_len = cmd_len;
	t1->rsp = rsp;
	t1->rsp_size = rsp_size;
	t1->resynchs = 0;
	t1->card_reqs = 0;
	t1->wtx = 1;
	t1->phase = T1_IDLE;
	if (t1->resynch_due)
		t1_resynch(t1);
	else
		t1_begin(t1);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t1_start);

/**
 * scard_t1_tx_block() - the block to send next
 * @t1: the engine, in a transaction
 * @len: set to the length of the block
 * @wtx: set to the multiplier of the block waiting time for the card's
 *	answer to this block (1 unless the block is S(WTX response))
 *
 * Return: the block, valid until the next call of scard_t1_receive(), or
 * NULL (with *@len 0) if no transaction is running.
 */
const u8 *scard_t1_tx_block(const struct scard_t1 *t1, size_t *len,
			    unsigned int *wtx)
{
	*wtx = t1->wtx;
	if (t1->phase == T1_IDLE) {
		*len = 0;
		return NULL;
	}
	*len = t1->tx_len;
	return t1->tx;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t1_tx_block);

/**
 * scard_t1_receive() - process the card's answer to the block sent
 * @t1: the engine, in a transaction
 * @rx: the card's block as received (may be short or damaged)
 * @rx_len: length of @rx
 * @err: 0 if a block was received, -ETIMEDOUT if none came in time,
 *	-EBADMSG if the reader saw a parity or EDC error, -EMSGSIZE if the
 *	block did not fit the reader's buffer; another negative errno (reader
 *	failure) ends the transaction with that error
 * @rsp_len: set to the response length when the transaction ends with 0,
 *	or to the length needed when it ends with -ENOSPC; else to 0
 *
 * Return: 1 if the block of scard_t1_tx_block() must be sent next; 0 when
 * the response is complete in the buffer of scard_t1_start(); -ENOSPC if
 * it did not fit (the buffer holds its first bytes, the exchange is
 * complete); -ECONNABORTED if the card aborted the chain; -EIO on S(VPP
 * error); -EPROTO if the card does not follow the protocol within the
 * limits (see scard_t1_needs_reset()); -EINVAL if no transaction is
 * running; or @err.
 */
int scard_t1_receive(struct scard_t1 *t1, const u8 *rx, size_t rx_len,
		     int err, size_t *rsp_len)
{
	u8 pcb;
	u8 code;
	int ret;

	*rsp_len = 0;
	if (t1->phase == T1_IDLE)
		return -EINVAL;
	t1->wtx = 1;

	switch (err) {
	case 0:
		code = t1_check(t1, rx, rx_len);
		break;
	case -EBADMSG:
		code = T1_R_EDC_ERR;
		break;
	case -ETIMEDOUT:
	case -EMSGSIZE:
		code = T1_R_OTHER_ERR;
		break;
	default:
		return t1_finish(t1, err < 0 ? err : -EIO, true);
	}

	if (t1->phase == T1_ABORTED)
		return t1_finish(t1, -ECONNABORTED, true);
	if (code)
		return t1_error(t1, code);

	pcb = rx[T1_PCB];
	if (!(pcb & T1_R))
		ret = t1_rx_i(t1, rx, rsp_len);
	else if ((pcb & T1_TYPE_MASK) == T1_R)
		ret = t1_rx_r(t1, pcb);
	else if (pcb & T1_S_RSP)
		ret = t1_rx_s_rsp(t1, rx);
	else
		ret = t1_rx_s_req(t1, rx);
	if (ret == -ENOSPC)
		*rsp_len = t1->rsp_len;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t1_receive);

/**
 * scard_t1_needs_reset() - whether the card must be reset
 * @t1: the engine
 *
 * True after a transaction ended with -EPROTO because the card did not
 * answer S(RESYNCH request) (ISO/IEC 7816-3 11.6.3.2: the interface device
 * then resets or deactivates the card). Further transactions fail with
 * -EPROTO until scard_t1_init() is called after a reset.
 *
 * Return: true if the card needs a reset.
 */
bool scard_t1_needs_reset(const struct scard_t1 *t1)
{
	return t1->dead;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t1_needs_reset);

/**
 * scard_t1_outer_prologue() - the prologue of an I-block the reader builds
 * @t1: the engine, set up by scard_t1_init(), no transaction running
 * @prologue: out: NAD, PCB (an I-block with our N(S), no chaining) and a
 *	LEN of 0 for the reader to fill in
 *
 * For a command a reader completes itself (a PIN entry through CCID's
 * PC_to_RDR_Secure at TPDU level): the reader sends one I-block with this
 * prologue and returns the card's block, which goes to
 * scard_t1_outer_reply().
 *
 * Return: 0, or -EPROTO when the link must first be resynchronised (the
 * next scard_t1_transceive() does it) or the card needs a reset.
 */
int scard_t1_outer_prologue(const struct scard_t1 *t1, u8 *prologue)
{
	if (t1->dead || t1->resynch_due || t1->phase != T1_IDLE)
		return -EPROTO;

	prologue[T1_NAD] = t1->nad & T1_NAD_MASK;
	prologue[T1_PCB] = t1->ns ? T1_I_NS : 0;
	prologue[T1_LEN] = 0;

	return 0;
}
EXPORT_SYMBOL_GPL(scard_t1_outer_prologue);

/**
 * scard_t1_outer_reply() - the card's block for a reader-built I-block
 * @t1: the engine, after scard_t1_outer_prologue()
 * @rx: the card's block as the reader returned it
 * @rx_len: its length
 * @inf: out: the response inside it
 * @inf_len: out: its length
 *
 * The card must answer with one whole I-block: a valid EDC, the N(S) we
 * expect, no chaining. Both sequence numbers then move on, as after an
 * exchange of the engine's own. Anything else leaves the sequence
 * numbers unknown: the next transaction starts with a resynchronisation.
 *
 * Return: 0 or -EPROTO.
 */
int scard_t1_outer_reply(struct scard_t1 *t1, const u8 *rx, size_t rx_len,
			 const u8 **inf, size_t *inf_len)
{
	u8 pcb;

	*inf_len = 0;
	if (t1_check(t1, rx, rx_len))
		goto bad;
	pcb = rx[T1_PCB];
	if ((pcb & T1_TYPE_MASK) == T1_S || (pcb & T1_TYPE_MASK) == T1_R ||
	    (pcb & T1_I_M) || !!(pcb & T1_I_NS) != t1->nr)
		goto bad;

	t1->ns ^= 1;
	t1->nr ^= 1;
	t1->rsp_nad = rx[T1_NAD];
	*inf = rx + T1_HDR;
	*inf_len = rx[T1_LEN];
	return 0;

bad:
	t1->resynch_due = true;
	return -EPROTO;
}
EXPORT_SYMBOL_GPL(scard_t1_outer_reply);

/**
 * scard_t1_transceive() - send a command APDU and receive the response
 * @t1: the engine, set up by scard_t1_init()
 * @ops: the block transfer
 * @ctx: passed to @ops->xfer
 * @cmd: the command
 * @cmd_len: length of @cmd
 * @rsp: buffer for the response
 * @rsp_size: size of @rsp
 * @rsp_len: set as by scard_t1_receive()
 *
 * Runs scard_t1_start() and the scard_t1_tx_block(), @ops->xfer,
 * scard_t1_receive() loop. The number of blocks is bounded by the limits
 * of scard_t1.h and the lengths of command and response.
 *
 * Return: as scard_t1_receive() or scard_t1_start().
 */
int scard_t1_transceive(struct scard_t1 *t1, const struct scard_t1_ops *ops,
			void *ctx, const u8 *cmd, size_t cmd_len, u8 *rsp,
			size_t rsp_size, size_t *rsp_len)
{
	u8 rx[SCARD_T1_BLOCK_MAX];
	unsigned int wtx;
	size_t tx_len;
	size_t rx_len;
	const u8 *tx;
	int ret;

	*rsp_len = 0;
	ret = scard_t1_start(t1, cmd, cmd_len, rsp, rsp_size);
	if (ret)
		return ret;
	do {
		tx = scard_t1_tx_block(t1, &tx_len, &wtx);
		rx_len = 0;
		ret = ops->xfer(ctx, tx, tx_len, rx, sizeof(rx), &rx_len, wtx);
		if (!ret && rx_len > sizeof(rx))
			ret = -EMSGSIZE;
		ret = scard_t1_receive(t1, rx, rx_len, ret, rsp_len);
	} while (ret > 0);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(scard_t1_transceive);
