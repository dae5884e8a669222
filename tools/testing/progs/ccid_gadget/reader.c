// SPDX-License-Identifier: GPL-2.0
/*
 * ccid_gadget: the reader. A PC_to_RDR message in, its RDR_to_PC reply
 * out (or the fault an APDU 80 Ex asks for); commands and responses
 * longer than a message in chains of XfrBlocks. Each slot's card has its
 * own state (struct slot); with workers (slots.c) this runs in the slot's
 * own thread, and replies go out whole, one at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gadget.h"

static const unsigned char atr[] = {
	0x3b, 0x7a, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74, 0x65, 0x20, 0x63,
	0x64, 0x31, 0x34, 0x34,
};

/* T=0, clock stop allowed in state L (T=15: TA with XI 01). */
static const unsigned char atr_clock[] = {
	0x3b, 0x80, 0x80, 0x1f, 0x47, 0x58,
};

static pthread_mutex_t in_lock = PTHREAD_MUTEX_INITIALIZER;

/* The main loop, the workers and a PIN entry answer: one at a time. */
static void send_raw(const unsigned char *msg, size_t len)
{
	pthread_mutex_lock(&in_lock);
	slot_replies(msg, len);
	if (write(ep_in, msg, len) != (ssize_t)len)
		say("bulk-IN write of %zu bytes: %s", len, strerror(errno));
	pthread_mutex_unlock(&in_lock);
}

void reply(unsigned char type, unsigned char slot, unsigned char seq,
	   unsigned char status, unsigned char error, unsigned char param,
	   const unsigned char *data, size_t dlen)
{
	unsigned char *msg = malloc(HDR + dlen);

	if (!msg)
		die("malloc");
	memset(msg, 0, HDR);
	msg[0] = type;
	put32(msg + 1, dlen);
	msg[5] = slot;
	msg[6] = seq;
	msg[7] = status;
	msg[8] = error;
	msg[9] = param;
	if (dlen)
		memcpy(msg + HDR, data, dlen);
	send_raw(msg, HDR + dlen);
	free(msg);
}

unsigned char icc(unsigned char slot)
{
	if (slot > opt.max_slot || !slots[slot].card)
		return 2;		/* no card */
	return slots[slot].powered ? 0 : 1;
}

static void notify(const unsigned char *msg, size_t len)
{
	if (ep_int < 0)
		return;
	if (write(ep_int, msg, len) != (ssize_t)len)
		say("interrupt write: %s", strerror(errno));
}

static void send_late(struct slot *s)
{
	static const unsigned char late[] = { 0x6a, 0x82 };

	say("the late reply of seq %d", s->late_seq);
	reply(0x80, s->index, s->late_seq, 0, 0, 0, late, sizeof(late));
	s->late_seq = -1;
}

/*
 * Extended APDUs: a command in parts (wLevelParameter 1, 3 ..., 2, each
 * answered by an empty DataBlock with bChainParameter 0x10), a response
 * longer than a message in parts (bChainParameter 1, 3 ..., 2, each next
 * one asked for by an empty XfrBlock with wLevelParameter 0x10).
 */

/* The room for abData in one message. */
static size_t msg_room(void)
{
	return opt.max_msg > HDR ? opt.max_msg - HDR : 1;
}

/* A response, in parts if it is longer than a message. */
void send_response(unsigned char slot, unsigned char seq,
		   const unsigned char *r, size_t len)
{
	struct slot *s = &slots[slot];

	if (len <= msg_room()) {
		reply(0x80, slot, seq, 0, 0, 0, r, len);
		return;
	}
	memcpy(s->chain_rsp, r, len);
	s->chain_rsp_len = len;
	s->chain_rsp_off = msg_room();
	say("response of %zu bytes in parts", len);
	reply(0x80, slot, seq, 0, 0, 0x01, r, s->chain_rsp_off);
}

static void send_next_part(struct slot *s, unsigned char seq)
{
	size_t n = s->chain_rsp_len - s->chain_rsp_off;
	unsigned char param = 0x02;

	if (n > msg_room()) {
		n = msg_room();
		param = 0x03;
	}
	reply(0x80, s->index, seq, 0, 0, param,
	      s->chain_rsp + s->chain_rsp_off, n);
	s->chain_rsp_off += n;
}

static void xfr_block(unsigned char slot, unsigned char seq,
		      const unsigned char *apdu, size_t len)
{
	static const unsigned char ok[] = { 0x90, 0x00 };
	unsigned char msg[BUF_SIZE];
	unsigned char ins = len >= 2 && apdu[0] == 0x80 ? apdu[1] : 0;
	struct slot *s = &slots[slot];
	int i;

	if (s->late_seq >= 0 && !s->late_at_abort)
		send_late(s);
	if (icc(slot)) {
		reply(0x80, slot, seq, 0x40 | icc(slot), 0xfe, 0, NULL, 0);
		return;
	}
	if (s->clock_stopped) {
		say("fault: an exchange with the clock stopped");
		reply(0x80, slot, seq, 0x40, 0xfe, 0, NULL, 0);
		return;
	}
	if (card_delay(s)) {
		say("slot %u seq %u: aborted", slot, seq);
		reply(0x80, slot, seq, 0x40, 0xff, 0, NULL, 0);
		return;
	}
	if (card_extended(slot, seq, apdu, len))
		return;
	if (len >= 5 && apdu[0] == 0x00 &&
	    (apdu[1] == 0x20 || apdu[1] == 0x24)) {
		unsigned char sw[2];

		card_pin_apdu(s, apdu, len, sw);
		reply(0x80, slot, seq, 0, 0, 0, sw, 2);
		return;
	}
	switch (ins) {
	case 0xe0:
		say("fault: reply with seq %u", (seq + 0x80) & 0xff);
		reply(0x80, slot, seq + 0x80, 0, 0, 0, ok, sizeof(ok));
		return;
	case 0xe1:
		say("fault: reply for slot %u", slot + 3);
		reply(0x80, slot + 3, seq, 0, 0, 0, ok, sizeof(ok));
		return;
	case 0xe2:
	case 0xe3:
		say("fault: dwLength beyond the data");
		memset(msg, 0, HDR + 2);
		msg[0] = 0x80;
		put32(msg + 1, ins == 0xe2 ? 100 : 0xffffff00);
		msg[6] = seq;
		memcpy(msg + HDR, ok, 2);
		send_raw(msg, HDR + 2);
		return;
	case 0xe4:
		say("fault: truncated header");
		memset(msg, 0, HDR);
		msg[0] = 0x80;
		msg[6] = seq;
		send_raw(msg, 6);
		return;
	case 0xe5:
	case 0xe6:
		say("fault: no reply to seq %u", seq);
		s->late_seq = seq;
		s->late_at_abort = ins == 0xe6;
		return;
	case 0xe7: {
		/* Slot 0: present, unchanged; slot 7: changed, present. */
		const unsigned char change[] = { 0x50, 0x01, 0xc0 };
		const unsigned char hwerr[] = { 0x51, 9, seq, 0x01 };

		say("fault: notifications for slots 7 and 9");
		notify(change, sizeof(change));
		notify(hwerr, sizeof(hwerr));
		break;
	}
	case 0xe8:
		say("fault: a reply of %u bytes", opt.max_msg + 30);
		memset(msg, 0x55, sizeof(msg));
		reply(0x80, slot, seq, 0, 0, 0, msg, opt.max_msg + 20);
		return;
	case 0xec:
		say("fault: a reply of %d bytes, beyond the host's buffer",
		    HDR + 1000);
		memset(msg, 0x55, sizeof(msg));
		reply(0x80, slot, seq, 0, 0, 0, msg, 1000);
		return;
	case 0xe9:
		say("fault: SlotStatus for a XfrBlock");
		reply(0x81, slot, seq, 0, 0, 0, NULL, 0);
		return;
	case 0xea:
		say("fault: three time extensions");
		for (i = 0; i < 3; i++)
			reply(0x80, slot, seq, 0x80, 1, 0, NULL, 0);
		break;
	case 0xeb:
		say("fault: a zero-length packet first");
		send_raw(msg, 0);
		break;
	default:
		break;
	}
	reply(0x80, slot, seq, 0, 0, 0, ok, sizeof(ok));
}

/* XfrBlock by wLevelParameter: a whole command, or a part of a chain. */
static void xfr_chain(unsigned char slot, unsigned char seq,
		      unsigned int level, const unsigned char *d, size_t len)
{
	struct slot *s = &slots[slot];

	switch (level) {
	case 0x10:
		send_next_part(s, seq);
		return;
	case 0x01:
		s->chain_cmd_len = 0;
		break;
	case 0x02:
	case 0x03:
		break;
	default:
		xfr_block(slot, seq, d, len);
		return;
	}
	/* A part of a command: XFR_OVERRUN past an extended APDU. */
	if (s->chain_cmd_len + len > sizeof(s->chain_cmd)) {
		reply(0x80, slot, seq, 0x40, 0xfc, 0, NULL, 0);
		return;
	}
	memcpy(s->chain_cmd + s->chain_cmd_len, d, len);
	s->chain_cmd_len += len;
	if (level != 0x02) {
		reply(0x80, slot, seq, 0, 0, 0x10, NULL, 0);
		return;
	}
	say("command of %zu bytes in parts", s->chain_cmd_len);
	xfr_block(slot, seq, s->chain_cmd, s->chain_cmd_len);
}

static unsigned char ccid_reply_type(unsigned char type)
{
	switch (type) {
	case 0x62: case 0x6f: case 0x69:
		return 0x80;
	case 0x61: case 0x6c: case 0x6d:
		return 0x82;
	case 0x6b:
		return 0x83;
	default:
		return 0x81;
	}
}

/* CMD_SLOT_BUSY for the command M, in the reply of its type. */
void reply_busy(const unsigned char *m)
{
	reply(ccid_reply_type(m[0]), m[5], m[6], 0x40, 0xe0, 0, NULL, 0);
}

void handle(const unsigned char *m, size_t len)
{
	static const unsigned char params[] = { 0x11, 0x00, 0x00, 0x0a, 0x00 };
	unsigned char type, slot, seq;
	struct slot *s;
	uint32_t dlen;

	if (len < HDR) {
		say("short command (%zu bytes)", len);
		return;
	}
	type = m[0];
	dlen = m[1] | m[2] << 8 | m[3] << 16 | (uint32_t)m[4] << 24;
	slot = m[5];
	seq = m[6];
	if (dlen > len - HDR)
		dlen = len - HDR;
	say("command %02x slot %u seq %u, %u bytes", type, slot, seq, dlen);
	if (slot > opt.max_slot) {
		reply(0x81, slot, seq, 0x42, 5, 0, NULL, 0);
		return;
	}
	if (type != 0x72 && slot_busy(slot)) {
		say("slot %u busy with a PIN entry", slot);
		reply_busy(m);
		return;
	}
	s = &slots[slot];

	switch (type) {
	case 0x62:		/* PowerOn */
		if (icc(slot) == 2) {
			reply(0x80, slot, seq, 0x42, 0xfe, 0, NULL, 0);
			break;
		}
		s->powered = 1;
		s->clock_stopped = 0;
		if (opt.clock_stop)
			reply(0x80, slot, seq, 0, 0, 0, atr_clock,
			      sizeof(atr_clock));
		else
			reply(0x80, slot, seq, 0, 0, 0, atr, sizeof(atr));
		break;
	case 0x6e:		/* IccClock */
		if (!opt.clock_stop || icc(slot) == 2) {
			reply(0x81, slot, seq, 0x40 | icc(slot), 0, 0, NULL, 0);
			break;
		}
		s->clock_stopped = m[7] == 1;
		say("clock %s", s->clock_stopped ? "stopped" : "restarted");
		reply(0x81, slot, seq, icc(slot), 0, s->clock_stopped, NULL, 0);
		break;
	case 0x63:		/* PowerOff */
		s->powered = 0;
		reply(0x81, slot, seq, icc(slot), 0, 0, NULL, 0);
		break;
	case 0x65:		/* GetSlotStatus */
		reply(0x81, slot, seq, icc(slot), 0, 0, NULL, 0);
		break;
	case 0x6f:		/* XfrBlock */
		xfr_chain(slot, seq, m[8] | m[9] << 8, m + HDR, dlen);
		break;
	case 0x61:		/* SetParameters */
	case 0x6c:		/* GetParameters */
	case 0x6d:		/* ResetParameters */
		reply(0x82, slot, seq, icc(slot), 0, 0, params, sizeof(params));
		break;
	case 0x6b:		/* Escape */
		reply(0x83, slot, seq, icc(slot), 0, 0, m + HDR, dlen);
		break;
	case 0x69:		/* Secure */
		secure(slot, seq, m + HDR, dlen);
		break;
	case 0x72:		/* Abort */
		if (!slot)
			pin_abort();
		if (s->late_seq >= 0 && s->late_at_abort)
			send_late(s);
		reply(0x81, slot, seq, icc(slot), 0, 0, NULL, 0);
		slot_abort_done(s);
		break;
	default:		/* not supported */
		reply(0x81, slot, seq, 0x40 | icc(slot), 0, 0, NULL, 0);
		break;
	}
}
