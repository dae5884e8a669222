// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: what the reader hands to the card, by level.
 *
 * APDU level: a command APDU, answered by the response APDU.
 * TPDU level: a PPS request, a T=0 command TPDU or a T=1 block, answered
 * as a whole.
 * Character level: bytes; the card consumes them one by one (PPS request
 * right after the reset, then T=0 or T=1) and queues the bytes it sends,
 * each with the time it is on the line; the transport hands the reader as
 * many as it asks for.
 *
 * After a reset the card is negotiable: a PPS request may come first, and
 * the first other exchange selects the default protocol (the first one
 * the ATR offers, or TA2's in specific mode).
 */
#include "emu.h"

#define PPSS		0xff

void link_reset(struct emu_card *c)
{
	c->proto = 0;
	c->negotiable = true;
	if (c->ai.specific && c->ai.specific_proto) {
		c->proto = c->ai.specific_proto;
		c->negotiable = false;
	}
	c->pps_in = false;
	c->pps_len = 0;
	outq_clear(&c->out);
	t0_reset(c);
	t1_reset(c);
}

bool link_idle(const struct emu_card *c)
{
	return !c->pps_in && !c->out.len && t0_idle(c) && t1_idle(c);
}

static void link_choose(struct emu_card *c)
{
	if (!c->proto) {
		c->proto = c->ai.first;
		emu_log(c, "protocol T=%d", c->proto == SCARD_PROTO_T1);
	}
	c->negotiable = false;
}

static void link_chars(struct emu_card *c, const u8 *p, size_t n, u64 now)
{
	size_t i, want;

	if (n)
		emu_dump(c, "chars <-", p, n);
	/* What the card sent and the reader did not read is lost. */
	if (n)
		outq_clear(&c->out);
	for (i = 0; i < n; i++) {
		if (c->pps_in ||
		    (c->negotiable && p[i] == PPSS && link_idle(c))) {
			c->pps_in = true;
			c->pps[c->pps_len++] = p[i];
			want = pps_length(c->pps, c->pps_len);
			if (want && c->pps_len >= want) {
				c->pps_in = false;
				pps_request(c, c->pps, c->pps_len, now);
				c->pps_len = 0;
			}
			continue;
		}
		link_choose(c);
		if (c->proto == SCARD_PROTO_T1)
			t1_chars(c, p + i, 1, now);
		else
			t0_chars(c, p + i, 1, now);
	}
}

/* A transfer request: @arg is the TPDU level kind (data or PPS). */
void link_xfer(struct emu_card *c, u32 arg, const u8 *p, size_t n, u64 now)
{
	struct emu_buf rsp = { 0 };

	if (c->cfg->mute || c->muted) {
		emu_dump(c, "mute, ignoring", p, n);
		return;
	}
	switch (c->cfg->level) {
	case SCARD_VHCI_LEVEL_APDU:
		outq_clear(&c->out);
		card_apdu(c, p, n, &rsp);
		outq_put(&c->out, rsp.data, rsp.len, fault_delay(c, now));
		buf_free(&rsp);
		break;
	case SCARD_VHCI_LEVEL_TPDU:
		outq_clear(&c->out);
		if (arg == SCARD_VHCI_XFER_PPS) {
			if (c->negotiable)
				pps_request(c, p, n, now);
			else
				emu_log(c, "PPS out of turn: no answer");
			break;
		}
		link_choose(c);
		if (c->proto == SCARD_PROTO_T1)
			t1_block(c, p, n, now);
		else
			t0_tpdu(c, p, n, now);
		break;
	default:
		link_chars(c, p, n, now);
		break;
	}
}
