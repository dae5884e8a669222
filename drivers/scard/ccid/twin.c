// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: the framing of Gemalto's "twin" serial protocol (twin.h),
 * for serial transports. Pure byte handling: the line discipline
 * (serial.c) feeds the received bytes in and writes the frames out.
 */

#include <linux/export.h>
#include <linux/string.h>
#include "../compat.h"

#include "ccid.h"
#include "twin.h"

/**
 * twin_frame() - wrap a CCID message into a frame
 * @out: room for @len + TWIN_OVERHEAD bytes
 * @msg: the message (header and data)
 * @len: its length
 *
 * Return: the frame's length.
 */
size_t twin_frame(u8 *out, const u8 *msg, size_t len)
{
	u8 lrc = TWIN_SYNC ^ TWIN_ACK;
	size_t i;

	out[0] = TWIN_SYNC;
	out[1] = TWIN_ACK;
	for (i = 0; i < len; i++) {
		out[2 + i] = msg[i];
		lrc ^= msg[i];
	}
	out[2 + len] = lrc;

	return len + TWIN_OVERHEAD;
}
EXPORT_SYMBOL_GPL(twin_frame);

/**
 * twin_rx_reset() - start over, before a frame is sent
 * @rx: the receiver
 * @echo: the frame being sent, if the reader echoes it (else NULL); it
 *	must stay valid until TWIN_EV_ECHO or the next reset
 * @echo_len: its length
 *
 * Whatever was being received is dropped, including a lost stream
 * (TWIN_DISCARD): the line is half duplex, so the next bytes belong to
 * the frame about to be sent.
 */
void twin_rx_reset(struct twin_rx *rx, const u8 *echo, size_t echo_len)
{
	rx->state = TWIN_IDLE;
	rx->error = TWIN_ERR_NONE;
	rx->echo = echo;
	rx->echo_len = echo ? echo_len : 0;
	rx->pos = 0;
	rx->len = 0;
}
EXPORT_SYMBOL_GPL(twin_rx_reset);

static enum twin_event twin_rx_fail(struct twin_rx *rx, enum twin_error err)
{
	rx->error = err;
	rx->state = TWIN_DISCARD;
	return TWIN_EV_ERROR;
}

/* A byte between frames. */
static enum twin_event twin_rx_idle(struct twin_rx *rx, u8 b)
{
	if (b == TWIN_SYNC && rx->echo) {
		rx->state = TWIN_ECHOING;
		rx->pos = 1;
		return TWIN_EV_NONE;
	}
	if (b == TWIN_SYNC) {
		rx->state = TWIN_SYNCED;
		return TWIN_EV_NONE;
	}
	if (b == TWIN_NOTIFY) {
		rx->notify[0] = b;
		rx->pos = 1;
		rx->state = TWIN_NOTIFYING;
		return TWIN_EV_NONE;
	}
	if (b >= TWIN_TIME_REQUEST)
		return TWIN_EV_TIME;

	return twin_rx_fail(rx, TWIN_ERR_GARBAGE);
}

/* The header is complete: how much data follows? */
static enum twin_event twin_rx_header_done(struct twin_rx *rx)
{
	u32 dlen = get_unaligned_le32(rx->msg + 1);

	if (dlen > rx->max_msg - CCID_HDR_LEN)
		return twin_rx_fail(rx, TWIN_ERR_TOO_LONG);
	rx->need = CCID_HDR_LEN + dlen;
	rx->state = dlen ? TWIN_DATA : TWIN_LRC;
	return TWIN_EV_NONE;
}

static enum twin_event twin_rx_byte(struct twin_rx *rx, u8 b)
{
	switch (rx->state) {
	case TWIN_IDLE:
		return twin_rx_idle(rx, b);
	case TWIN_SYNCED:
		if (b == TWIN_NAK) {
			rx->state = TWIN_NAKED;
			return TWIN_EV_NONE;
		}
		if (b != TWIN_ACK)
			return twin_rx_fail(rx, TWIN_ERR_NOT_ACK);
		rx->lrc = TWIN_SYNC ^ TWIN_ACK;
		rx->pos = 0;
		rx->state = TWIN_HEADER;
		return TWIN_EV_NONE;
	case TWIN_NAKED:
		if (b != TWIN_NAK_LRC)
			return twin_rx_fail(rx, TWIN_ERR_NOT_ACK);
		rx->state = TWIN_IDLE;
		return TWIN_EV_NAK;
	case TWIN_HEADER:
		rx->msg[rx->pos++] = b;
		rx->lrc ^= b;
		if (rx->pos < CCID_HDR_LEN)
			return TWIN_EV_NONE;
		return twin_rx_header_done(rx);
	case TWIN_DATA:
		rx->msg[rx->pos++] = b;
		rx->lrc ^= b;
		if (rx->pos == rx->need)
			rx->state = TWIN_LRC;
		return TWIN_EV_NONE;
	case TWIN_LRC:
		rx->state = TWIN_IDLE;
		rx->len = rx->pos;
		return b == rx->lrc ? TWIN_EV_FRAME : TWIN_EV_BAD_LRC;
	case TWIN_NOTIFYING:
		rx->notify[rx->pos++] = b;
		if (rx->pos < rx->notify_len)
			return TWIN_EV_NONE;
		rx->state = TWIN_IDLE;
		return TWIN_EV_NOTIFY;
	case TWIN_ECHOING:
		/* A reader that got our frame wrong NAKs it, unechoed. */
		if (rx->pos == 1 && b == TWIN_NAK) {
			rx->echo = NULL;
			rx->state = TWIN_NAKED;
			return TWIN_EV_NONE;
		}
		if (b != rx->echo[rx->pos])
			return twin_rx_fail(rx, TWIN_ERR_ECHO);
		if (++rx->pos < rx->echo_len)
			return TWIN_EV_NONE;
		rx->echo = NULL;
		rx->state = TWIN_IDLE;
		return TWIN_EV_ECHO;
	case TWIN_DISCARD:
	default:
		return TWIN_EV_NONE;
	}
}

/**
 * twin_rx_feed() - receive bytes until something happens
 * @rx: the receiver
 * @p: the bytes
 * @n: how many
 * @ev: what happened (TWIN_EV_NONE if nothing)
 *
 * Stops after the byte that completes an event, so that the caller can
 * take the message or notification out before feeding the rest: call
 * again with the remaining bytes until all are used. After TWIN_EV_ERROR
 * every byte is dropped until twin_rx_reset().
 *
 * Return: the number of bytes used.
 */
size_t twin_rx_feed(struct twin_rx *rx, const u8 *p, size_t n,
		    enum twin_event *ev)
{
	size_t i;

	*ev = TWIN_EV_NONE;
	if (rx->state == TWIN_DISCARD)
		return n;
	for (i = 0; i < n; i++) {
		*ev = twin_rx_byte(rx, p[i]);
		if (*ev != TWIN_EV_NONE)
			return i + 1;
	}

	return n;
}
EXPORT_SYMBOL_GPL(twin_rx_feed);
