// SPDX-License-Identifier: GPL-2.0
/*
 * scard-emu: fault injection, for testing how the library copes with bad
 * cards.
 *
 *   --mute              transfers get no answer (-ETIMEDOUT at once); the
 *                       "mute" and "unmute" commands (--events) switch it
 *   --mute-atr          no ATR either (resets fail with -ETIMEDOUT)
 *   --hang              transfers are never answered: the kernel times out
 *   --slow MS           answers come MS late; T=1 asks for it with
 *                       S(WTX request) first, T=0 at character level
 *                       sends NULL bytes every --null-interval MS
 *   --corrupt-edc N     every Nth T=1 block the card sends has a bad EDC
 *   --wrong-length[=N]  every Nth T=1 block has LEN one more than its
 *                       INF; every Nth T=0 response has an extra byte
 *                       before SW1 SW2 (N = 1 by default)
 *   --remove-after N    the card is removed after N commands (once the
 *                       last response has gone out), in each session
 */
#include "emu.h"

/* Whether the @count-th event is one of every @n (never if @n is 0). */
bool fault_every(u32 n, unsigned long count)
{
	return n && count && !(count % n);
}

/* Apply --corrupt-edc and --wrong-length to the block the card sends. */
void fault_t1_block(struct emu_card *c, u8 *blk, size_t len)
{
	const struct emu_config *cfg = c->cfg;

	if (fault_every(cfg->corrupt_edc, c->blocks)) {
		emu_log(c, "fault: corrupting the EDC of block %lu", c->blocks);
		blk[len - 1] ^= 0x5a;
	}
	if (fault_every(cfg->wrong_length, c->blocks)) {
		emu_log(c, "fault: wrong LEN in block %lu", c->blocks);
		blk[2]++;
	}
}

/* --wrong-length for the T=0 response just built. */
bool fault_t0_extra(struct emu_card *c)
{
	if (!fault_every(c->cfg->wrong_length, c->t0_rsps))
		return false;
	emu_log(c, "fault: extra byte in T=0 response %lu", c->t0_rsps);
	return true;
}

/*
 * The WTX multiplier a slow card asks for: enough to cover its delay
 * with its BWT (or the reader's time limit, if shorter), with a margin.
 */
u8 fault_wtx_multiplier(const struct emu_card *c)
{
	/* BWT at 3.58 MHz: 2^BWI * 960 * 372 / f. */
	u64 unit = ((u64)1 << c->ai.bwi) * 960 * 372 / 3580;
	u64 m;

	if (c->timeout_ms && c->timeout_ms < unit)
		unit = c->timeout_ms;
	if (!unit)
		unit = 1;
	m = (c->cfg->slow_ms + unit - 1) / unit + 1;
	return m > 255 ? 255 : m;
}

/* When the card's answer is due. */
u64 fault_delay(const struct emu_card *c, u64 now)
{
	return now + c->cfg->slow_ms;
}

/*
 * T=0 character level: a slow card sends NULL bytes while it works.
 * Returns the time the real answer is due.
 */
u64 fault_t0_nulls(struct emu_card *c, u64 now)
{
	const struct emu_config *cfg = c->cfg;
	u8 null = T0_NULL;
	u32 step = cfg->null_ms ? cfg->null_ms : 100;
	u32 t;

	for (t = step; t < cfg->slow_ms; t += step)
		outq_put(&c->out, &null, 1, now + t);
	return now + cfg->slow_ms;
}

/* --remove-after: the card has done its commands and is idle. */
bool fault_remove_due(const struct emu_card *c)
{
	return c->cfg->remove_after && c->present &&
	       c->apdus >= c->cfg->remove_after && link_idle(c);
}
