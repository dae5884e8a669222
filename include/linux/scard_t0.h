/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: ISO/IEC 7816-3 T=0 character protocol engine.
 *
 * Three layers, each usable alone:
 *
 * - scard_t0_build_tpdu() maps a command APDU of case 1, 2 or 3 (short)
 *   onto a T=0 command TPDU, as smclib does.
 * - The character engine runs one TPDU exchange for a reader that moves
 *   bytes. It does no I/O: scard_t0_start(), then loop: scard_t0_next()
 *   says what to send and how many bytes to receive (each within WT), and
 *   scard_t0_receive() takes what came, until it returns 0 or an error.
 *   scard_t0_transceive() runs this loop over a &struct scard_t0_ops.
 * - scard_t0_transmit() exchanges a command APDU over a TPDU exchange
 *   (&struct scard_t0_tpdu_ops: a TPDU level reader, or the character
 *   engine), and with %SCARD_TRANSMIT_APDU also runs cases 4 and extended
 *   APDUs with GET RESPONSE (61xx) and the Le correction (6Cxx).
 */
#ifndef _LINUX_SCARD_T0_H
#define _LINUX_SCARD_T0_H

#include <linux/types.h>

/* TPDU header: CLA INS P1 P2 P3. */
#define SCARD_T0_HDR		5
/* Largest command TPDU: header and 255 data bytes. */
#define SCARD_T0_TPDU_MAX	(SCARD_T0_HDR + 255)
/* Largest response TPDU: 256 data bytes, SW1 SW2. */
#define SCARD_T0_RSP_MAX	(256 + 2)
/* Largest response APDU of scard_t0_transmit(): 65536 bytes, SW1 SW2. */
#define SCARD_T0_APDU_RSP_MAX	(65536 + 2)

/*
 * Procedure bytes of one TPDU exchange that transfer nothing: NULL (0x60,
 * the card asks for more time) and an ACK with nothing left to transfer.
 * A card still sending them after that many gets -ETIMEDOUT: with the
 * usual waiting time of about one second and cards sending NULL every
 * fraction of it, this leaves minutes for a long command (key generation).
 */
#define SCARD_T0_MAX_NULLS	4096

/**
 * struct scard_t0_io - the next step of a character level exchange
 * @tx: bytes to send to the card first (NULL if none)
 * @tx_len: number of bytes at @tx
 * @rx_len: then the number of bytes to receive; fewer may be handed to
 *	scard_t0_receive(), never more
 * @wt_ns: the card's waiting time: the longest delay before each of them
 */
struct scard_t0_io {
	const u8 *tx;
	size_t tx_len;
	size_t rx_len;
	u64 wt_ns;
};

/**
 * struct scard_t0 - state of a character level T=0 exchange
 *
 * Set up by scard_t0_init(); the members are private to the engine.
 * Callers serialise all calls.
 */
struct scard_t0 {
	/* private: */
	u64 wt_ns;
	const u8 *tpdu;
	size_t lc;		/* data bytes to send */
	size_t le;		/* data bytes the card may send */
	size_t done;		/* data bytes sent or received */
	size_t chunk;		/* data bytes still due after an ACK */
	size_t tx_off;		/* bytes of @tpdu to send next */
	size_t tx_len;
	u8 *rsp;
	size_t rsp_size;
	size_t rsp_len;		/* response bytes received, stored or not */
	unsigned int idle;	/* procedure bytes without transfer */
	u8 ins;
	u8 sw1;
	u8 phase;
};

/**
 * struct scard_t0_ops - character transfer for scard_t0_transceive()
 * @xfer: send @tx_len bytes of @tx (none if 0), then receive @rx_len bytes
 *	into @rx, waiting at most @wt_ns for each; set *@got to the number
 *	received. Returns 0 (with *@got at least 1: a reader may return
 *	early with part of them), -ETIMEDOUT if the card fell silent,
 *	-EBADMSG for a parity error the reader could not recover, or another
 *	negative errno for a failure of the reader. Any error ends the
 *	exchange.
 */
struct scard_t0_ops {
	int (*xfer)(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
		    size_t rx_len, size_t *got, u64 wt_ns);
};

/**
 * struct scard_t0_tpdu_ops - TPDU exchange for scard_t0_transmit()
 * @xfer_tpdu: send the command TPDU @tpdu (5 to 260 bytes) and receive
 *	the card's response TPDU (data, SW1, SW2) into @rsp, at most
 *	@rsp_size (%SCARD_T0_RSP_MAX) bytes, length in *@rsp_len. A 5-byte
 *	TPDU asks for P3 bytes (256 for 0) or none (case 1), a longer one
 *	sends its data. Returns 0 or a negative errno, which ends the
 *	transmission.
 */
struct scard_t0_tpdu_ops {
	int (*xfer_tpdu)(void *ctx, const u8 *tpdu, size_t tpdu_len, u8 *rsp,
			 size_t rsp_size, size_t *rsp_len);
};

int scard_t0_build_tpdu(u8 *tpdu, const u8 *apdu, size_t apdu_len);

void scard_t0_init(struct scard_t0 *t0, u64 wt_ns);
int scard_t0_start(struct scard_t0 *t0, const u8 *tpdu, size_t tpdu_len,
		   u8 *rsp, size_t rsp_size);
void scard_t0_next(const struct scard_t0 *t0, struct scard_t0_io *io);
int scard_t0_receive(struct scard_t0 *t0, const u8 *rx, size_t rx_len,
		     int err, size_t *rsp_len);
int scard_t0_transceive(struct scard_t0 *t0, const struct scard_t0_ops *ops,
			void *ctx, const u8 *tpdu, size_t tpdu_len, u8 *rsp,
			size_t rsp_size, size_t *rsp_len);

int scard_t0_transmit(const struct scard_t0_tpdu_ops *ops, void *ctx,
		      const u8 *apdu, size_t apdu_len, u8 *rsp,
		      size_t rsp_size, size_t *rsp_len, u32 flags);

#endif /* _LINUX_SCARD_T0_H */
