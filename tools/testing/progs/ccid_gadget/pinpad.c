// SPDX-License-Identifier: GPL-2.0
/*
 * ccid_gadget: the PIN pad. PC_to_RDR_Secure runs in a thread of its own
 * beside the main loop: it waits for the user's line from the keypad
 * FIFO (asking for time each second), writes the typed PIN into the APDU
 * as the format bytes say and hands it to the card; PC_to_RDR_Abort ends
 * it (CMD_ABORTED), and the slot is busy meanwhile.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gadget.h"

static pthread_t pin_thread;
static int pin_busy;		/* an entry runs, under lock */

/* Write @nbits of @val at bit @pos of @buf, most significant bit first. */
static void set_bits(unsigned char *buf, size_t size, unsigned int pos,
		     unsigned int nbits, unsigned int val)
{
	unsigned int i, bit;

	for (i = 0; i < nbits; i++) {
		bit = pos + i;
		if (bit / 8 >= size)
			return;
		if (val >> (nbits - 1 - i) & 1)
			buf[bit / 8] |= 0x80 >> (bit % 8);
		else
			buf[bit / 8] &= ~(0x80 >> (bit % 8));
	}
}

/* Put @pin into the PIN block at @b as the three format bytes say. */
static void pin_format(unsigned char *b, size_t size, unsigned char fmt,
		       unsigned char block, unsigned char lenfmt,
		       const char *pin)
{
	unsigned int unit = fmt & 0x80 ? 8 : 1, type = fmt & 3;
	unsigned int digit = type == 1 ? 4 : 8, n = strlen(pin), i;
	unsigned int pos = (fmt >> 3 & 0xf) * unit;

	if (fmt & 0x04 && (block & 0xf))
		pos = (block & 0xf) * 8 - n * digit;
	for (i = 0; i < n; i++)
		set_bits(b, size, pos + i * digit, digit,
			 type == 2 ? (unsigned char)pin[i] : pin[i] - '0');
	if (block >> 4)
		set_bits(b, size, (lenfmt & 0xf) * (lenfmt & 0x10 ? 8 : 1),
			 block >> 4, n);
}

struct pin_job {
	unsigned char slot, seq;
	unsigned char d[BUF_SIZE];
	size_t len;
};

static struct pin_job job;

static void pin_reply(const struct pin_job *j, unsigned char status,
		      unsigned char error, const unsigned char *data,
		      size_t len)
{
	reply(0x80, j->slot, j->seq, status, error, 0, data, len);
}

/*
 * Wait for the user's line, sending a time extension each second; 1 with
 * the line, 0 at the timeout, -1 when the entry is aborted.
 */
static int pin_wait(const struct pin_job *j, unsigned int secs, char *line,
		    size_t size)
{
	struct pollfd p[2] = {
		{ .fd = keypad, .events = POLLIN },
		{ .fd = pin_wake[0], .events = POLLIN },
	};
	size_t n = 0;
	unsigned int t;

	for (t = 0; t < secs; t++) {
		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			return 0;
		if (p[1].revents)
			return -1;
		while (p[0].revents & POLLIN && n + 1 < size &&
		       read(keypad, line + n, 1) == 1) {
			if (line[n] == '\n') {
				line[n] = 0;
				return 1;
			}
			n++;
		}
		pin_reply(j, 0x80, 1, NULL, 0);
	}
	return 0;
}

static void *pin_main(void *arg)
{
	struct pin_job *j = arg;
	const unsigned char *d = j->d;
	int modify = d[0] == 1;
	size_t at = modify ? 20 : 15, alen = j->len - at, i;
	unsigned char fmt = d[2], block = d[3], lenfmt = d[4];
	unsigned char max = d[modify ? 7 : 5], min = d[modify ? 8 : 6];
	unsigned char confirm = modify ? d[9] : 0, apdu[BUF_SIZE], sw[2];
	char line[128], *pins[3], *save = NULL;
	unsigned int want = 1, n = 0;
	int got;

	say("PIN pad: %s, %u s", modify ? "modify" : "verify", d[1] ?: 30);
	got = pin_wait(j, d[1] ?: 30, line, sizeof(line));
	if (got > 0 && !strcmp(line, "never"))
		got = pin_wait(j, d[1] ?: 30, line, sizeof(line));
	if (got < 0) {
		say("PIN pad: aborted");
		pin_reply(j, 0x40, 0xff, NULL, 0);
		goto out;
	}
	if (!got) {
		say("PIN pad: nobody typed");
		pin_reply(j, 0x40, 0xf0, NULL, 0);
		goto out;
	}
	say("PIN pad: the user did \"%s\"", line);
	if (!strcmp(line, "cancel")) {
		pin_reply(j, 0x40, 0xef, NULL, 0);
		goto out;
	}
	if (!strcmp(line, "evil")) {
		memset(apdu, 0x66, 400);
		pin_reply(j, 0, 0, apdu, 400);
		goto out;
	}
	for (pins[n] = strtok_r(line, " ", &save); pins[n] && n < 3;
	     pins[n] = strtok_r(NULL, " ", &save))
		n++;
	if (modify)
		want = 1 + !!(confirm & 1) + !!(confirm & 2);
	for (i = 0; i < n; i++)
		if (strlen(pins[i]) < min || strlen(pins[i]) > max)
			break;
	if (n != want || i < n || alen < 5 || alen > sizeof(apdu)) {
		pin_reply(j, 0, 0, (const unsigned char *)"\x64\x03", 2);
		goto out;
	}
	if (modify && confirm & 1 && strcmp(pins[n - 1], pins[n - 2])) {
		pin_reply(j, 0, 0, (const unsigned char *)"\x64\x02", 2);
		goto out;
	}
	memcpy(apdu, d + at, alen);
	if (modify) {
		if (confirm & 2)
			pin_format(apdu + 5 + d[5], alen - 5 - d[5], fmt, block,
				   lenfmt, pins[0]);
		pin_format(apdu + 5 + d[6], alen - 5 - d[6], fmt, block,
			   lenfmt, pins[confirm & 2 ? 1 : 0]);
	} else {
		pin_format(apdu + 5, alen - 5, fmt, block, lenfmt, pins[0]);
	}
	card_pin_apdu(&slots[j->slot], apdu, alen, sw);
	pin_reply(j, 0, 0, sw, 2);
out:
	pthread_mutex_lock(&lock);
	pin_busy = 0;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* PC_to_RDR_Secure: the entry runs beside the main loop. */
void secure(unsigned char slot, unsigned char seq, const unsigned char *d,
	    size_t len)
{
	int busy;

	if (!opt.pinpad || slot || len < 15 || (d[0] == 1 && len < 20) ||
	    d[0] > 1) {
		reply(0x80, slot, seq, 0x40 | icc(slot), 0, 0, NULL, 0);
		return;
	}
	if (icc(slot)) {
		reply(0x80, slot, seq, 0x40 | icc(slot), 0xfe, 0, NULL, 0);
		return;
	}
	pthread_mutex_lock(&lock);
	busy = pin_busy;
	pin_busy = 1;
	pthread_mutex_unlock(&lock);
	if (busy) {
		reply(0x80, slot, seq, 0x40, 0xe0, 0, NULL, 0);
		return;
	}
	if (pin_thread)
		pthread_join(pin_thread, NULL);
	job.slot = slot;
	job.seq = seq;
	memcpy(job.d, d, len);
	job.len = len;
	if (pthread_create(&pin_thread, NULL, pin_main, &job))
		die("PIN thread");
}

/* PC_to_RDR_Abort during an entry: it ends first, CMD_ABORTED. */
void pin_abort(void)
{
	char c = 1;

	if (!pin_thread)
		return;
	if (write(pin_wake[1], &c, 1) != 1)
		say("PIN wake: %s", strerror(errno));
	pthread_join(pin_thread, NULL);
	pin_thread = 0;
	while (read(pin_wake[0], &c, 1) == 1)
		;
}

int slot_busy(unsigned char slot)
{
	int busy;

	pthread_mutex_lock(&lock);
	busy = pin_busy && !slot;
	pthread_mutex_unlock(&lock);
	return busy;
}
