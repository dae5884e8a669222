/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ccid_gadget: what its files share. main.c: descriptors, ep0, options,
 * the loop; reader.c: the CCID messages, replies, faults and chains;
 * card.c: the card behind the reader; pinpad.c: the PIN pad's keypad.
 */
#ifndef CCID_GADGET_H
#define CCID_GADGET_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define HDR		10
#define BUF_SIZE	4096
/* An extended APDU and its header, a response and SW1 SW2. */
#define APDU_MAX	(65544 + HDR)

extern struct options {
	unsigned int max_msg;
	unsigned int max_slot;
	int bulk_in, intr, class_desc;
	const char *pinpad;
	uint32_t level;
	int clock_stop;
} opt;

extern int ep_in, ep_int;
extern pthread_mutex_t lock;	/* enabled, pin_busy */
extern int powered;
extern int clock_stopped;
extern int keypad;		/* the user: a FIFO */
extern int pin_wake[2];		/* the main loop stops an entry */

#define ATTRIBUTE	__attribute__

void say(const char *fmt, ...) ATTRIBUTE((format(printf, 1, 2)));
void die(const char *what);
void put32(unsigned char *p, uint32_t v);

/* reader.c */
void reply(unsigned char type, unsigned char slot, unsigned char seq,
	   unsigned char status, unsigned char error, unsigned char param,
	   const unsigned char *data, size_t dlen);
unsigned char icc(unsigned char slot);
void send_response(unsigned char slot, unsigned char seq,
		   const unsigned char *r, size_t len);
void handle(const unsigned char *m, size_t len);

/* card.c */
void card_pin_apdu(const unsigned char *apdu, size_t len, unsigned char *sw);
int card_extended(unsigned char slot, unsigned char seq,
		  const unsigned char *a, size_t len);

/* pinpad.c */
void secure(unsigned char slot, unsigned char seq, const unsigned char *d,
	    size_t len);
void pin_abort(void);
int slot_busy(unsigned char slot);

#endif
