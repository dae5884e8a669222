/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: ISO/IEC 7816-3 T=1 block transmission protocol engine.
 *
 * The engine does no I/O. A reader driver starts a transaction with
 * scard_t1_start(), then loops: send the block of scard_t1_tx_block() to the
 * card, receive the card's block (waiting the block waiting time multiplied
 * by the returned WTX factor) and hand it, or the reception error, to
 * scard_t1_receive(), until that returns 0 or an error. scard_t1_transceive()
 * runs this loop over a &struct scard_t1_ops transfer callback.
 */
#ifndef _LINUX_SCARD_T1_H
#define _LINUX_SCARD_T1_H

#include <linux/bits.h>
#include <linux/types.h>

/* Largest T=1 information field size (IFSC, IFSD). */
#define SCARD_T1_IFS_MAX	254
/* Information field size of the interface device before S(IFS). */
#define SCARD_T1_IFSD_DEFAULT	32
/* Largest block: prologue (NAD, PCB, LEN), INF, CRC. */
#define SCARD_T1_BLOCK_MAX	(3 + SCARD_T1_IFS_MAX + 2)
/* Longest response accepted: 65536 data bytes and SW1 SW2. */
#define SCARD_T1_RSP_MAX	(65536 + 2)

/*
 * Recovery limits. A block is sent at most SCARD_T1_MAX_RETRIES + 1 times
 * in a row without progress before S(RESYNCH request) is sent, and
 * S(RESYNCH request) at most that many times before the engine gives up
 * (the card then needs a reset). A transaction is restarted at most
 * SCARD_T1_MAX_RESYNCH times after a successful resynchronisation and
 * accepts at most SCARD_T1_MAX_CARD_REQS S-requests (and empty chained
 * I-blocks) from the card, so a faulty card cannot keep it running.
 */
#define SCARD_T1_MAX_RETRIES	2
#define SCARD_T1_MAX_RESYNCH	3
#define SCARD_T1_MAX_CARD_REQS	512

/* scard_t1_init() flags */
#define SCARD_T1_NO_IFS_REQUEST	BIT(0)	/* no S(IFS request) after reset */

/**
 * enum scard_t1_edc - T=1 error detection code (first TC for T=1, bit 0)
 * @SCARD_T1_LRC: longitudinal redundancy check, one byte
 * @SCARD_T1_CRC: cyclic redundancy check of ISO/IEC 13239, two bytes
 */
enum scard_t1_edc {
	SCARD_T1_LRC = 0,
	SCARD_T1_CRC = 1,
};

/**
 * struct scard_t1 - state of the T=1 protocol with one card
 * @nad: node address byte for the blocks sent; may be changed between
 *	transactions (bits 8 and 4 are sent as 0)
 * @rsp_nad: node address byte of the card's last I-block
 *
 * Set up by scard_t1_init() after each reset of the card; the other
 * members are private to the engine. Callers serialise all calls.
 */
struct scard_t1 {
	u8 nad;
	u8 rsp_nad;
	/* private: */
	/* link parameters and state that outlive a transaction */
	u8 ifsc;		/* current IFSC */
	u8 ifsc_atr;		/* IFSC of the ATR, restored by resynch */
	u8 ifsd;		/* IFSD offered in S(IFS request) */
	u8 ifsd_cur;		/* IFSD the card knows: 32 until S(IFS) */
	u8 edc;			/* enum scard_t1_edc */
	u8 ns;			/* N(S) of our next I-block */
	u8 nr;			/* N(S) expected in the card's next I-block */
	u8 ifs;			/* S(IFS request) due, done, unsupported */
	bool resynch_due;	/* sequence numbers lost: resynch first */
	bool dead;		/* resynch failed: the card needs a reset */
	/* transaction */
	u8 phase;
	bool more;		/* M bit of the last I-block sent */
	u8 retries;		/* consecutive failed exchanges */
	u8 resynchs;		/* successful resynchs in this transaction */
	u8 wtx;			/* BWT multiplier for the block to send */
	u16 card_reqs;		/* card S-requests in this transaction */
	const u8 *cmd;
	size_t cmd_len;
	size_t cmd_off;		/* command bytes acknowledged by the card */
	size_t chunk;		/* INF length of the last I-block sent */
	u8 *rsp;
	size_t rsp_size;
	size_t rsp_len;		/* response bytes received, stored or not */
	size_t tx_len;
	u8 tx[SCARD_T1_BLOCK_MAX];
};

/**
 * struct scard_t1_ops - block transfer for scard_t1_transceive()
 * @xfer: send @tx_len bytes of @tx to the card and receive the card's
 *	block into @rx (at most @rx_size bytes), setting *@rx_len. The wait
 *	for the first character is the block waiting time multiplied by
 *	@wtx (1 unless the card asked for a waiting time extension). Returns
 *	0 with the received bytes (a short or damaged block is for the
 *	engine to judge), -ETIMEDOUT if no block came, -EBADMSG if the reader
 *	detected a parity or EDC error, -EMSGSIZE if the block was longer than
 *	@rx_size, or another negative errno if the reader itself failed (that
 *	ends the transaction).
 */
struct scard_t1_ops {
	int (*xfer)(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
		    size_t rx_size, size_t *rx_len, unsigned int wtx);
};

int scard_t1_init(struct scard_t1 *t1, unsigned int ifsc, unsigned int ifsd,
		  enum scard_t1_edc edc, unsigned int flags);
int scard_t1_start(struct scard_t1 *t1, const u8 *cmd, size_t cmd_len,
		   u8 *rsp, size_t rsp_size);
const u8 *scard_t1_tx_block(const struct scard_t1 *t1, size_t *len,
			    unsigned int *wtx);
int scard_t1_receive(struct scard_t1 *t1, const u8 *rx, size_t rx_len,
		     int err, size_t *rsp_len);
bool scard_t1_needs_reset(const struct scard_t1 *t1);
int scard_t1_outer_prologue(const struct scard_t1 *t1, u8 *prologue);
int scard_t1_outer_reply(struct scard_t1 *t1, const u8 *rx, size_t rx_len,
			 const u8 **inf, size_t *inf_len);
int scard_t1_transceive(struct scard_t1 *t1, const struct scard_t1_ops *ops,
			void *ctx, const u8 *cmd, size_t cmd_len, u8 *rsp,
			size_t rsp_size, size_t *rsp_len);
size_t scard_t1_compute_edc(enum scard_t1_edc edc, const u8 *data,
			    size_t len, u8 *edc_out);

#endif /* _LINUX_SCARD_T1_H */
