// SPDX-License-Identifier: GPL-2.0
/*
 * ccid_gadget: the card in a slot (each its own). Its PIN (1234, three tries) for
 * VERIFY and CHANGE REFERENCE DATA, and its instructions for extended
 * APDUs: 80 EE echoes its data, 80 EF answers Le bytes.
 */
#include <stdio.h>
#include <string.h>

#include "gadget.h"

/*
 * The digits of a PIN block: ASCII until FF, or ISO 9564 format 2. Returns
 * the number of digits, -1 if the block is neither.
 */
static int pin_decode(const unsigned char *b, size_t len, char *out,
		      size_t size)
{
	size_t i, n = 0;

	if (len && (b[0] >> 4) == 2) {
		n = b[0] & 0x0f;
		if (n >= size || 1 + (n + 1) / 2 > len)
			return -1;
		for (i = 0; i < n; i++) {
			unsigned char d = b[1 + i / 2] >> (i % 2 ? 0 : 4) & 0xf;

			if (d > 9)
				return -1;
			out[i] = '0' + d;
		}
		out[n] = 0;
		return n;
	}
	for (i = 0; i < len && b[i] != 0xff; i++) {
		if (b[i] < '0' || b[i] > '9' || n + 1 >= size)
			return -1;
		out[n++] = b[i];
	}
	out[n] = 0;
	return n;
}

/* VERIFY and CHANGE REFERENCE DATA (old and new PIN, halves of the data). */
void card_pin_apdu(struct slot *s, const unsigned char *apdu, size_t len,
		   unsigned char *sw)
{
	size_t lc = apdu[4], half;
	char old[16], new[16];

	sw[0] = 0x90;
	sw[1] = 0x00;
	if (len < 5 + lc || !lc) {
		sw[0] = 0x67;
		return;
	}
	half = apdu[1] == 0x24 ? lc / 2 : lc;
	if (pin_decode(apdu + 5, half, old, sizeof(old)) < 0 ||
	    (apdu[1] == 0x24 &&
	     pin_decode(apdu + 5 + half, lc - half, new, sizeof(new)) < 1)) {
		sw[0] = 0x6a;
		sw[1] = 0x80;
		return;
	}
	if (!s->tries) {
		sw[0] = 0x69;
		sw[1] = 0x83;
		return;
	}
	if (strcmp(old, s->pin)) {
		s->tries--;
		say("card: wrong PIN \"%s\", %d tries left", old, s->tries);
		sw[0] = 0x63;
		sw[1] = 0xc0 | s->tries;
		return;
	}
	s->tries = 3;
	if (apdu[1] == 0x24) {
		strcpy(s->pin, new);
		say("card: PIN changed to \"%s\"", new);
	} else {
		say("card: PIN verified");
	}
}

/*
 * The card's extended instructions: 80 EE echoes its data, 80 EF answers
 * Le bytes (i & 0xff); short or extended Lc and Le. 1: handled.
 */
int card_extended(unsigned char slot, unsigned char seq,
		  const unsigned char *a, size_t len)
{
	unsigned char *r = slots[slot].rsp;
	size_t lc = 0, le = 0, i;
	const unsigned char *data = NULL;

	if (len < 4 || a[0] != 0x80 || (a[1] != 0xee && a[1] != 0xef))
		return 0;
	if (len == 5) {
		le = a[4] ?: 256;
	} else if (len == 7 && !a[4]) {
		le = (a[5] << 8 | a[6]) ?: 65536;
	} else if (len > 5 && a[4] && len >= 5u + a[4]) {
		lc = a[4];
		data = a + 5;
	} else if (len > 7 && !a[4]) {
		lc = a[5] << 8 | a[6];
		data = a + 7;
		if (len < 7 + lc)
			lc = 0;
	}
	if (a[1] == 0xee) {
		if (!lc) {
			reply(0x80, slot, seq, 0, 0, 0,
			      (const unsigned char *)"\x67\x00", 2);
			return 1;
		}
		memcpy(r, data, lc);
		le = lc;
	} else {
		for (i = 0; i < le; i++)
			r[i] = i & 0xff;
	}
	r[le] = 0x90;
	r[le + 1] = 0x00;
	say("card: %s, %zu bytes", a[1] == 0xee ? "echo" : "Le", le);
	send_response(slot, seq, r, le + 2);
	return 1;
}
