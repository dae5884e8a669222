// SPDX-License-Identifier: GPL-2.0
/*
 * ccid_gadget: the slots. Each holds its own card (power, clock, PIN,
 * chains), or none (--cards). With --busy 1 the main loop handles each
 * command itself, one at a time, as a reader that serves one slot at a
 * time. With --busy N above 1 each slot has a worker thread: the main
 * loop hands it the command and reads the next message, so that up to N
 * slots work at once; a command for a slot whose command is not answered
 * yet, or while N slots work, is answered at once with CMD_SLOT_BUSY
 * (GetSlotStatus too). A slot is free again just before its reply goes
 * out. PC_to_RDR_Abort first ends the slot's command (a slow card's wait:
 * CMD_ABORTED), then is answered; the ABORT class request ends that wait
 * too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gadget.h"

struct slot *slots;
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int working;	/* slots with a command not answered */

/* A worker's command, until its reply goes out. */
static __thread struct slot *answering;

/* The slot's command is answered: it may take the next one. */
static void slot_free(struct slot *s)
{
	pthread_mutex_lock(&slot_lock);
	s->busy = 0;
	working--;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&slot_lock);
}

/*
 * Before each bulk-IN message (under the bulk-IN lock): a worker's reply
 * that ends its command (not a time extension, not a zero-length packet)
 * frees the slot before the host can see it, so that the host's next
 * command for the slot never finds it busy.
 */
void slot_replies(const unsigned char *msg, size_t len)
{
	if (!answering || !len || (len > 7 && (msg[7] & 0xc0) == 0x80))
		return;
	slot_free(answering);
	answering = NULL;
}

static void *worker_main(void *arg)
{
	struct slot *s = arg;
	int i;

	pthread_mutex_lock(&slot_lock);
	for (;;) {
		while (!s->job)
			pthread_cond_wait(&s->cond, &slot_lock);
		i = s->next;
		s->next ^= 1;
		s->job = 0;
		s->running = 1;
		pthread_mutex_unlock(&slot_lock);
		answering = s;
		handle(s->cmd[i], s->cmd_len[i]);
		if (answering) {	/* no reply (a fault) */
			answering = NULL;
			slot_free(s);
		}
		pthread_mutex_lock(&slot_lock);
		s->running = 0;
		pthread_cond_broadcast(&s->cond);
	}
	return NULL;
}

void slots_init(void)
{
	pthread_condattr_t ca;
	unsigned int i;

	slots = calloc(opt.max_slot + 1, sizeof(*slots));
	if (!slots)
		die("slots");
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	for (i = 0; i <= opt.max_slot; i++) {
		struct slot *s = &slots[i];

		s->index = i;
		s->card = i < opt.cards;
		s->late_seq = -1;
		strcpy(s->pin, "1234");
		s->tries = 3;
		pthread_cond_init(&s->cond, &ca);
		if (opt.busy < 2)
			continue;
		s->cmd[0] = malloc(APDU_MAX);
		s->cmd[1] = malloc(APDU_MAX);
		if (!s->cmd[0] || !s->cmd[1])
			die("malloc");
		if (pthread_create(&s->worker, NULL, worker_main, s))
			die("worker");
	}
	pthread_condattr_destroy(&ca);
}

/* PC_to_RDR_Abort with workers: the slot's command ends, then this one. */
static void abort_slot(struct slot *s, const unsigned char *m, size_t len)
{
	pthread_mutex_lock(&slot_lock);
	s->abort = 1;
	pthread_cond_broadcast(&s->cond);
	while (s->busy || s->job || s->running)
		pthread_cond_wait(&s->cond, &slot_lock);
	pthread_mutex_unlock(&slot_lock);
	handle(m, len);
}

/* A message from bulk-OUT. */
void dispatch(const unsigned char *m, size_t len)
{
	const char *refuse;
	struct slot *s;

	if (len < HDR || m[5] > opt.max_slot) {
		handle(m, len);
		return;
	}
	s = &slots[m[5]];
	if (m[0] == 0x72) {
		if (opt.busy < 2)
			handle(m, len);
		else
			abort_slot(s, m, len);
		return;
	}
	pthread_mutex_lock(&slot_lock);
	s->abort = 0;		/* one asked for before this command */
	if (opt.busy < 2) {
		pthread_mutex_unlock(&slot_lock);
		handle(m, len);
		return;
	}
	refuse = s->busy ? "its command runs" :
		 working >= opt.busy ? "all busy slots work" : NULL;
	if (!refuse) {
		if (len > APDU_MAX)
			len = APDU_MAX;
		memcpy(s->cmd[s->next], m, len);
		s->cmd_len[s->next] = len;
		s->job = 1;
		s->busy = 1;
		working++;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&slot_lock);
	if (refuse) {
		say("command %02x slot %u seq %u: slot busy (%s)", m[0], m[5],
		    m[6], refuse);
		reply_busy(m);
	}
}

/* The ABORT class request for SLOT: a slow card's wait ends. */
void slot_abort_request(unsigned char slot)
{
	if (slot > opt.max_slot)
		return;
	pthread_mutex_lock(&slot_lock);
	slots[slot].abort = 1;
	pthread_cond_broadcast(&slots[slot].cond);
	pthread_mutex_unlock(&slot_lock);
}

void slot_abort_done(struct slot *s)
{
	pthread_mutex_lock(&slot_lock);
	s->abort = 0;
	pthread_mutex_unlock(&slot_lock);
}

/*
 * A slow card (--slow, --slow-slot) takes its time for an APDU; 1 when an
 * abort ended the wait.
 */
int card_delay(struct slot *s)
{
	struct timespec end;
	int aborted, ret = 0;

	if (!opt.slow_ms || (opt.slow_slot >= 0 && s->index != opt.slow_slot))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += opt.slow_ms / 1000;
	end.tv_nsec += (opt.slow_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&slot_lock);
	while (!s->abort && ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&s->cond, &slot_lock, &end);
	aborted = s->abort;
	pthread_mutex_unlock(&slot_lock);
	return aborted;
}
