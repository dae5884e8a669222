/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ccid_gadget: what its files share. main.c: descriptors, ep0, options,
 * the loop; reader.c: the CCID messages, replies, faults and chains;
 * card.c: the card behind the reader; pinpad.c: the PIN pad's keypad;
 * slots.c: the slots' state and, with --busy above 1, their workers.
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
	unsigned int cards;	/* slots 0 .. cards - 1 hold a card */
	unsigned int busy;	/* bMaxCCIDBusySlots */
	unsigned int slow_ms;	/* each APDU takes that long */
	int slow_slot;		/* only that slot's card is slow; -1: all */
} opt;

/* A slot and its card: each its own. */
struct slot {
	unsigned char index;
	int card;		/* a card is in the slot */
	int powered;
	int clock_stopped;
	int late_seq;		/* a reply held back, -1: none */
	int late_at_abort;	/* send it at the abort, not before the next */
	char pin[16];		/* the card's PIN and tries left */
	int tries;
	/* chains of XfrBlocks, and the card's response */
	unsigned char chain_cmd[APDU_MAX], chain_rsp[APDU_MAX];
	size_t chain_cmd_len, chain_rsp_len, chain_rsp_off;
	unsigned char rsp[APDU_MAX];
	/*
	 * The worker (--busy above 1), under slot_lock. Two buffers: the
	 * next command may come while the worker still returns from the
	 * last one, whose reply went out.
	 */
	pthread_t worker;
	pthread_cond_t cond;
	unsigned char *cmd[2];
	size_t cmd_len[2];
	int next;		/* the buffer of the next command */
	int job;		/* a command waits for the worker */
	int running;		/* the worker handles one */
	int busy;		/* a command is not answered yet */
	int abort;		/* an abort asked for: the running command ends */
};

extern struct slot *slots;	/* opt.max_slot + 1 of them */
extern int ep_in, ep_int;
extern pthread_mutex_t lock;	/* enabled, pin_busy */
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
void reply_busy(const unsigned char *m);

/* card.c */
void card_pin_apdu(struct slot *s, const unsigned char *apdu, size_t len,
		   unsigned char *sw);
int card_extended(unsigned char slot, unsigned char seq,
		  const unsigned char *a, size_t len);

/* pinpad.c */
void secure(unsigned char slot, unsigned char seq, const unsigned char *d,
	    size_t len);
void pin_abort(void);
int slot_busy(unsigned char slot);

/* slots.c */
void slots_init(void);
void dispatch(const unsigned char *m, size_t len);
void slot_abort_request(unsigned char slot);
int card_delay(struct slot *s);
void slot_abort_done(struct slot *s);
void slot_replies(const unsigned char *msg, size_t len);

#endif
