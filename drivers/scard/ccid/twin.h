/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard CCID serial: the framing of Gemalto's "twin" serial protocol.
 *
 * A frame is SYNC (0x03), ACK (0x06), one CCID message (10-byte header
 * with its length, then the data) and an LRC, the XOR of every byte
 * before it. NAK (0x03 0x15 0x16) asks the other side to send its last
 * frame again. Between frames a reader may send a NotifySlotChange (0x50
 * and the slot bits) and lone "time request" bytes (0x80 to 0xff: the card
 * asked for more time). Some models echo every frame the host sends
 * before they answer; a frame they got wrong gets a NAK instead of the
 * echo. A NAK is not echoed.
 *
 * The receiver is a byte-by-byte state machine without locks or
 * allocation of its own, fed with whatever the tty delivers: frames may
 * come split over several calls and several frames in one call.
 */
#ifndef _SCARD_CCID_TWIN_H
#define _SCARD_CCID_TWIN_H

#include <linux/types.h>

#define TWIN_SYNC		0x03
#define TWIN_ACK		0x06
#define TWIN_NAK		0x15
#define TWIN_NAK_LRC		(TWIN_SYNC ^ TWIN_NAK)	/* 0x16 */
#define TWIN_NOTIFY		0x50	/* RDR_to_PC_NotifySlotChange */
#define TWIN_TIME_REQUEST	0x80	/* and above, outside a frame */
#define TWIN_OVERHEAD		3	/* SYNC, ACK, LRC */
#define TWIN_NAK_LEN		3

/* What twin_rx_feed() stopped at. */
enum twin_event {
	TWIN_EV_NONE,		/* all bytes used, nothing to report */
	TWIN_EV_FRAME,		/* a message is in rx->msg, rx->len bytes */
	TWIN_EV_NAK,		/* the reader asks for our frame again */
	TWIN_EV_NOTIFY,		/* rx->notify holds a NotifySlotChange */
	TWIN_EV_TIME,		/* a time request byte */
	TWIN_EV_ECHO,		/* the echo of our frame ended, intact */
	TWIN_EV_BAD_LRC,	/* a whole frame with a wrong LRC (NAK it) */
	TWIN_EV_ERROR,		/* anything else wrong: rx->error says what */
};

/* Why a stream was not understood (TWIN_EV_ERROR). */
enum twin_error {
	TWIN_ERR_NONE,
	TWIN_ERR_GARBAGE,	/* a byte that starts nothing */
	TWIN_ERR_NOT_ACK,	/* SYNC followed by neither ACK nor NAK */
	TWIN_ERR_TOO_LONG,	/* a length beyond the reader's maximum */
	TWIN_ERR_ECHO,		/* the echo differs from what was sent */
};

enum twin_state {
	TWIN_IDLE,		/* between frames */
	TWIN_SYNCED,		/* after SYNC */
	TWIN_NAKED,		/* after SYNC NAK, the NAK's LRC next */
	TWIN_HEADER,		/* in the CCID header */
	TWIN_DATA,		/* in the CCID data */
	TWIN_LRC,		/* the LRC next */
	TWIN_NOTIFYING,		/* in a NotifySlotChange */
	TWIN_ECHOING,		/* in the echo of our frame */
	TWIN_DISCARD,		/* lost: drop everything until a reset */
};

/**
 * struct twin_rx - the receiver of a twin serial line
 * @msg: buffer for a received CCID message, @max_msg bytes
 * @max_msg: the longest message accepted (header included)
 * @notify_len: bytes of a NotifySlotChange, 0x50 included (1 + one byte
 *	per 4 slots)
 * @len: with TWIN_EV_FRAME, the message's length
 * @notify: with TWIN_EV_NOTIFY, the NotifySlotChange
 * @error: with TWIN_EV_ERROR, why
 *
 * Set @msg, @max_msg and @notify_len, then twin_rx_reset(). The other
 * fields are private.
 */
struct twin_rx {
	u8 *msg;
	size_t max_msg;
	unsigned int notify_len;
	size_t len;
	u8 notify[1 + 4];
	enum twin_error error;

	/* private: */
	enum twin_state state;
	size_t pos;
	size_t need;
	u8 lrc;
	const u8 *echo;
	size_t echo_len;
};

size_t twin_frame(u8 *out, const u8 *msg, size_t len);
void twin_rx_reset(struct twin_rx *rx, const u8 *echo, size_t echo_len);
size_t twin_rx_feed(struct twin_rx *rx, const u8 *p, size_t n,
		    enum twin_event *ev);

#endif /* _SCARD_CCID_TWIN_H */
