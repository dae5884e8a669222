// SPDX-License-Identifier: GPL-2.0
/*
 * ccid_gadget - a hostile USB CCID reader for the scard tests: a
 * FunctionFS function that dummy_hcd plugs into the same guest, so that
 * scard_ccid_usb meets, through the real USB stack, the faults QEMU's
 * usb-ccid cannot make (tools/testing/scenarios/ccid_gadget.sh).
 *
 *	ccid_gadget FFS_DIR READY_FILE [OPTION...]
 *
 * Writes the descriptors to FFS_DIR/ep0, creates READY_FILE (the gadget
 * can then be bound to a UDC) and serves until killed. Options bend the
 * descriptors:
 *
 *	--max-msg N     dwMaxCCIDMessageLength (default 271)
 *	--max-slot N    bMaxSlotIndex (default 0)
 *	--no-bulk-in    no bulk-IN endpoint
 *	--no-int        no interrupt-IN endpoint
 *	--no-class      no CCID class descriptor
 *	--short-apdu    a short APDU level reader (default: extended)
 *	--clock-stop    the reader can stop the card's clock (IccClock), and
 *	                the card's ATR allows it; an exchange with the
 *	                clock stopped fails (ICC_MUTE)
 *	--pinpad FIFO   a PIN pad (bPINSupport 3, a 2 x 16 display): each
 *	                PC_to_RDR_Secure reads what the user does from the
 *	                FIFO (created), one line: the digits of each PIN it
 *	                asks for, separated by spaces ("1234", "1234 5678
 *	                5678"), "cancel", "never" (the user never types:
 *	                time extensions every second until bTimeOut, then
 *	                PIN_TIMEOUT) or "evil" (a 400-byte DataBlock)
 *
 * The reader is an extended APDU level reader with a T=0 card in slot 0 (the
 * other slots are empty); it takes commands and sends responses longer
 * than a message in parts. 80 EE echoes its data and 80 EF answers Le
 * bytes, short or extended. APDUs 80 Ex .. choose a fault in the reply:
 *
 *	80 E0  a reply with another bSeq          80 E6  no reply; at the
 *	80 E1  a reply for another slot                  abort, the late reply
 *	80 E2  dwLength beyond what arrives              then the abort's
 *	80 E3  dwLength of 4 GB                   80 E7  NotifySlotChange and
 *	80 E4  a truncated header (6 bytes)              HardwareError for
 *	80 E5  no reply; the late reply comes            slots that do not
 *	       before the next command's reply           exist, then 90 00
 *	80 E8  a reply longer than dwMaxCCIDMessageLength
 *	80 EC  a reply longer than the host's buffer (babble)
 *	80 E9  a SlotStatus instead of a DataBlock
 *	80 EA  three time extensions, then 90 00
 *	80 EB  a zero-length packet, then 90 00
 *	other  90 00
 *
 * The card's PIN is 1234 (three tries): VERIFY (00 20) and CHANGE
 * REFERENCE DATA (00 24) take it in ASCII padded with FF, or as an ISO
 * 9564 format 2 block (2L, BCD digits, F padding). The PIN pad writes the
 * digits into the APDU as bmFormatString, bmPINBlockString and
 * bmPINLengthFormat say. While it waits for the user, the slot is busy
 * (CMD_SLOT_BUSY); PC_to_RDR_Abort ends the entry (CMD_ABORTED).
 *
 * Every handled message and fault is logged on stdout.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#define HDR		10
#define BUF_SIZE	4096
/* An extended APDU and its header, a response and SW1 SW2. */
#define APDU_MAX	(65544 + HDR)
#define CCID_DT		0x21
#define CCID_DESC_LEN	54
#define REQ_ABORT	0x01

static const unsigned char atr[] = {
	0x3b, 0x7a, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74, 0x65, 0x20, 0x63,
	0x64, 0x31, 0x34, 0x34,
};

/* T=0, clock stop allowed in state L (T=15: TA with XI 01). */
static const unsigned char atr_clock[] = {
	0x3b, 0x80, 0x80, 0x1f, 0x47, 0x58,
};

static struct {
	unsigned int max_msg;
	unsigned int max_slot;
	int bulk_in, intr, class_desc;
	const char *pinpad;
	uint32_t level;
	int clock_stop;
} opt = { 271, 0, 1, 1, 1, NULL, 0x00040000, 0 };

static int ep_in = -1, ep_out = -1, ep_int = -1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int enabled;
static int powered;
static int clock_stopped;
static int late_seq = -1;	/* a reply held back */
static int late_at_abort;	/* send it at the abort, not before the next */
static char card_pin[16] = "1234";
static int card_tries = 3;
static int keypad = -1;		/* the user: a FIFO */
static int pin_wake[2] = { -1, -1 };	/* the main loop stops an entry */
static pthread_t pin_thread;
static int pin_busy;		/* an entry runs, under lock */

#define ATTRIBUTE	__attribute__

static void say(const char *fmt, ...) ATTRIBUTE((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("ccid_gadget: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void die(const char *what)
{
	say("%s: %s", what, strerror(errno));
	exit(1);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* ---- descriptors ---- */

static size_t put_class_desc(unsigned char *p)
{
	memset(p, 0, CCID_DESC_LEN);
	p[0] = CCID_DESC_LEN;
	p[1] = CCID_DT;
	p[2] = 0x10;			/* bcdCCID 1.10 */
	p[3] = 0x01;
	p[4] = opt.max_slot;
	p[5] = 0x07;			/* 5 V, 3 V, 1.8 V */
	put32(p + 6, 1);		/* dwProtocols: T=0 */
	put32(p + 10, 3580);		/* dwDefaultClock, kHz */
	put32(p + 14, 3580);
	put32(p + 19, 9600);		/* dwDataRate */
	put32(p + 23, 9600);
	put32(p + 28, 254);		/* dwMaxIFSD */
	/* automatic everything, clock stop if asked */
	put32(p + 40, opt.level | 0xfe | (opt.clock_stop ? 0x100 : 0));
	put32(p + 44, opt.max_msg);
	p[48] = 0xff;			/* bClassGetResponse: echo */
	p[49] = 0xff;
	if (opt.pinpad) {
		p[50] = 16;		/* wLcdLayout: 2 lines of 16 */
		p[51] = 2;
		p[52] = 0x03;		/* bPINSupport: verify, modify */
	}
	p[53] = 1;			/* bMaxCCIDBusySlots */
	return CCID_DESC_LEN;
}

static size_t put_ep(unsigned char *p, unsigned char addr, unsigned char type,
		     unsigned int maxp, unsigned char interval)
{
	p[0] = USB_DT_ENDPOINT_SIZE;
	p[1] = USB_DT_ENDPOINT;
	p[2] = addr;
	p[3] = type;
	p[4] = maxp;
	p[5] = maxp >> 8;
	p[6] = interval;
	return USB_DT_ENDPOINT_SIZE;
}

/* One speed's descriptors; returns their count, *len their size. */
static unsigned int put_descs(unsigned char *p, size_t *len, int hs)
{
	unsigned int bulk = hs ? 512 : 64, n = 1, neps = 1;
	size_t at = USB_DT_INTERFACE_SIZE;

	neps += opt.bulk_in + opt.intr;
	memset(p, 0, USB_DT_INTERFACE_SIZE);
	p[0] = USB_DT_INTERFACE_SIZE;
	p[1] = USB_DT_INTERFACE;
	p[4] = neps;
	p[5] = 0x0b;			/* smart card */
	if (opt.class_desc) {
		at += put_class_desc(p + at);
		n++;
	}
	if (opt.bulk_in) {
		at += put_ep(p + at, USB_DIR_IN | 1, USB_ENDPOINT_XFER_BULK,
			     bulk, 0);
		n++;
	}
	at += put_ep(p + at, USB_DIR_OUT | 2, USB_ENDPOINT_XFER_BULK, bulk, 0);
	n++;
	if (opt.intr) {
		at += put_ep(p + at, USB_DIR_IN | 3, USB_ENDPOINT_XFER_INT,
			     16, hs ? 4 : 1);
		n++;
	}
	*len = at;
	return n;
}

static void write_descriptors(int ep0)
{
	unsigned char buf[512];
	struct usb_functionfs_strings_head str = {
		.magic = htole32(FUNCTIONFS_STRINGS_MAGIC),
		.length = htole32(sizeof(str)),
	};
	struct usb_functionfs_descs_head_v2 *h = (void *)buf;
	size_t at = sizeof(*h) + 8, len;
	unsigned int fs, hs;

	fs = put_descs(buf + at, &len, 0);
	at += len;
	hs = put_descs(buf + at, &len, 1);
	at += len;
	h->magic = htole32(FUNCTIONFS_DESCRIPTORS_MAGIC_V2);
	h->length = htole32(at);
	h->flags = htole32(FUNCTIONFS_HAS_FS_DESC | FUNCTIONFS_HAS_HS_DESC);
	put32(buf + sizeof(*h), fs);
	put32(buf + sizeof(*h) + 4, hs);
	if (write(ep0, buf, at) != (ssize_t)at)
		die("descriptors");
	if (write(ep0, &str, sizeof(str)) != sizeof(str))
		die("strings");
}

/* ---- ep0: events and class requests ---- */

static void setup(int ep0, const struct usb_ctrlrequest *r)
{
	unsigned char buf[1];

	if ((r->bRequestType & USB_TYPE_MASK) == USB_TYPE_CLASS &&
	    r->bRequest == REQ_ABORT && !(r->bRequestType & USB_DIR_IN)) {
		say("ABORT request, slot %u seq %u",
		    le16toh(r->wValue) & 0xff, le16toh(r->wValue) >> 8);
		if (read(ep0, buf, 0) < 0)
			say("ABORT ack: %s", strerror(errno));
		return;
	}
	say("request %02x %02x: stall", r->bRequestType, r->bRequest);
	/* A transfer in the wrong direction stalls. */
	if (r->bRequestType & USB_DIR_IN) {
		if (read(ep0, buf, 0) < 0)
			return;
	} else if (write(ep0, buf, 0) < 0) {
		return;
	}
}

static void *ep0_main(void *arg)
{
	struct usb_functionfs_event ev[4];
	int ep0 = *(int *)arg;
	ssize_t n;
	int i;

	for (;;) {
		n = read(ep0, ev, sizeof(ev));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("ep0");
		}
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			switch (ev[i].type) {
			case FUNCTIONFS_ENABLE:
				pthread_mutex_lock(&lock);
				enabled = 1;
				pthread_cond_signal(&cond);
				pthread_mutex_unlock(&lock);
				say("enabled");
				break;
			case FUNCTIONFS_SETUP:
				setup(ep0, &ev[i].u.setup);
				break;
			case FUNCTIONFS_DISABLE:
				say("disabled");
				break;
			default:
				break;
			}
		}
	}
	return NULL;
}

/* ---- the reader ---- */

static pthread_mutex_t in_lock = PTHREAD_MUTEX_INITIALIZER;

/* The main loop and a PIN entry both answer: one message at a time. */
static void send_raw(const unsigned char *msg, size_t len)
{
	pthread_mutex_lock(&in_lock);
	if (write(ep_in, msg, len) != (ssize_t)len)
		say("bulk-IN write of %zu bytes: %s", len, strerror(errno));
	pthread_mutex_unlock(&in_lock);
}

static void reply(unsigned char type, unsigned char slot, unsigned char seq,
		  unsigned char status, unsigned char error,
		  unsigned char param, const unsigned char *data, size_t dlen)
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

static unsigned char icc(unsigned char slot)
{
	if (slot)
		return 2;		/* no card */
	return powered ? 0 : 1;
}

static void notify(const unsigned char *msg, size_t len)
{
	if (ep_int < 0)
		return;
	if (write(ep_int, msg, len) != (ssize_t)len)
		say("interrupt write: %s", strerror(errno));
}

static void send_late(void)
{
	static const unsigned char late[] = { 0x6a, 0x82 };

	say("the late reply of seq %d", late_seq);
	reply(0x80, 0, late_seq, 0, 0, 0, late, sizeof(late));
	late_seq = -1;
}

/* ---- the card's PIN ---- */

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
static void card_pin_apdu(const unsigned char *apdu, size_t len,
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
	if (!card_tries) {
		sw[0] = 0x69;
		sw[1] = 0x83;
		return;
	}
	if (strcmp(old, card_pin)) {
		card_tries--;
		say("card: wrong PIN \"%s\", %d tries left", old, card_tries);
		sw[0] = 0x63;
		sw[1] = 0xc0 | card_tries;
		return;
	}
	card_tries = 3;
	if (apdu[1] == 0x24) {
		strcpy(card_pin, new);
		say("card: PIN changed to \"%s\"", new);
	} else {
		say("card: PIN verified");
	}
}

/*
 * Extended APDUs: a command in parts (wLevelParameter 1, 3 ..., 2, each
 * answered by an empty DataBlock with bChainParameter 0x10), a response
 * longer than a message in parts (bChainParameter 1, 3 ..., 2, each next
 * one asked for by an empty XfrBlock with wLevelParameter 0x10).
 */
static unsigned char chain_cmd[APDU_MAX], chain_rsp[APDU_MAX];
static size_t chain_cmd_len, chain_rsp_len, chain_rsp_off;

/* The room for abData in one message. */
static size_t msg_room(void)
{
	return opt.max_msg > HDR ? opt.max_msg - HDR : 1;
}

/* A response, in parts if it is longer than a message. */
static void send_response(unsigned char slot, unsigned char seq,
			  const unsigned char *r, size_t len)
{
	if (len <= msg_room()) {
		reply(0x80, slot, seq, 0, 0, 0, r, len);
		return;
	}
	memcpy(chain_rsp, r, len);
	chain_rsp_len = len;
	chain_rsp_off = msg_room();
	say("response of %zu bytes in parts", len);
	reply(0x80, slot, seq, 0, 0, 0x01, r, chain_rsp_off);
}

static void send_next_part(unsigned char slot, unsigned char seq)
{
	size_t n = chain_rsp_len - chain_rsp_off;
	unsigned char param = 0x02;

	if (n > msg_room()) {
		n = msg_room();
		param = 0x03;
	}
	reply(0x80, slot, seq, 0, 0, param, chain_rsp + chain_rsp_off, n);
	chain_rsp_off += n;
}

/*
 * The card's extended instructions: 80 EE echoes its data, 80 EF answers
 * Le bytes (i & 0xff); short or extended Lc and Le. 1: handled.
 */
static int card_extended(unsigned char slot, unsigned char seq,
			 const unsigned char *a, size_t len)
{
	static unsigned char r[APDU_MAX];
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

static void xfr_block(unsigned char slot, unsigned char seq,
		      const unsigned char *apdu, size_t len)
{
	static const unsigned char ok[] = { 0x90, 0x00 };
	unsigned char msg[BUF_SIZE];
	unsigned char ins = len >= 2 && apdu[0] == 0x80 ? apdu[1] : 0;
	int i;

	if (late_seq >= 0 && !late_at_abort)
		send_late();
	if (icc(slot)) {
		reply(0x80, slot, seq, 0x40 | icc(slot), 0xfe, 0, NULL, 0);
		return;
	}
	if (clock_stopped) {
		say("fault: an exchange with the clock stopped");
		reply(0x80, slot, seq, 0x40, 0xfe, 0, NULL, 0);
		return;
	}
	if (card_extended(slot, seq, apdu, len))
		return;
	if (len >= 5 && apdu[0] == 0x00 &&
	    (apdu[1] == 0x20 || apdu[1] == 0x24)) {
		unsigned char sw[2];

		card_pin_apdu(apdu, len, sw);
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
		late_seq = seq;
		late_at_abort = ins == 0xe6;
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

/* ---- the PIN pad ---- */

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
	card_pin_apdu(apdu, alen, sw);
	pin_reply(j, 0, 0, sw, 2);
out:
	pthread_mutex_lock(&lock);
	pin_busy = 0;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* PC_to_RDR_Secure: the entry runs beside the main loop. */
static void secure(unsigned char slot, unsigned char seq,
		   const unsigned char *d, size_t len)
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
static void pin_abort(void)
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

static int slot_busy(unsigned char slot)
{
	int busy;

	pthread_mutex_lock(&lock);
	busy = pin_busy && !slot;
	pthread_mutex_unlock(&lock);
	return busy;
}

/* XfrBlock by wLevelParameter: a whole command, or a part of a chain. */
static void xfr_chain(unsigned char slot, unsigned char seq,
		      unsigned int level, const unsigned char *d, size_t len)
{
	switch (level) {
	case 0x10:
		send_next_part(slot, seq);
		return;
	case 0x01:
		chain_cmd_len = 0;
		break;
	case 0x02:
	case 0x03:
		break;
	default:
		xfr_block(slot, seq, d, len);
		return;
	}
	/* A part of a command: XFR_OVERRUN past an extended APDU. */
	if (chain_cmd_len + len > sizeof(chain_cmd)) {
		reply(0x80, slot, seq, 0x40, 0xfc, 0, NULL, 0);
		return;
	}
	memcpy(chain_cmd + chain_cmd_len, d, len);
	chain_cmd_len += len;
	if (level != 0x02) {
		reply(0x80, slot, seq, 0, 0, 0x10, NULL, 0);
		return;
	}
	say("command of %zu bytes in parts", chain_cmd_len);
	xfr_block(slot, seq, chain_cmd, chain_cmd_len);
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

static void handle(const unsigned char *m, size_t len)
{
	static const unsigned char params[] = { 0x11, 0x00, 0x00, 0x0a, 0x00 };
	unsigned char type, slot, seq;
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
		reply(ccid_reply_type(type), slot, seq, 0x40, 0xe0, 0, NULL, 0);
		return;
	}

	switch (type) {
	case 0x62:		/* PowerOn */
		if (icc(slot) == 2) {
			reply(0x80, slot, seq, 0x42, 0xfe, 0, NULL, 0);
			break;
		}
		powered = 1;
		clock_stopped = 0;
		if (opt.clock_stop)
			reply(0x80, slot, seq, 0, 0, 0, atr_clock,
			      sizeof(atr_clock));
		else
			reply(0x80, slot, seq, 0, 0, 0, atr, sizeof(atr));
		break;
	case 0x6e:		/* IccClock */
		if (!opt.clock_stop || slot) {
			reply(0x81, slot, seq, 0x40 | icc(slot), 0, 0, NULL, 0);
			break;
		}
		clock_stopped = m[7] == 1;
		say("clock %s", clock_stopped ? "stopped" : "restarted");
		reply(0x81, slot, seq, icc(slot), 0, clock_stopped, NULL, 0);
		break;
	case 0x63:		/* PowerOff */
		if (!slot)
			powered = 0;
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
		pin_abort();
		if (late_seq >= 0 && late_at_abort)
			send_late();
		reply(0x81, slot, seq, icc(slot), 0, 0, NULL, 0);
		break;
	default:		/* not supported */
		reply(0x81, slot, seq, 0x40 | icc(slot), 0, 0, NULL, 0);
		break;
	}
}

static int open_ep(const char *dir, int n)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/ep%d", dir, n);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die(path);
	return fd;
}

static void parse_options(int argc, char **argv)
{
	int i;

	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--max-msg") && i + 1 < argc)
			opt.max_msg = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--max-slot") && i + 1 < argc)
			opt.max_slot = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--no-bulk-in"))
			opt.bulk_in = 0;
		else if (!strcmp(argv[i], "--no-int"))
			opt.intr = 0;
		else if (!strcmp(argv[i], "--no-class"))
			opt.class_desc = 0;
		else if (!strcmp(argv[i], "--pinpad") && i + 1 < argc)
			opt.pinpad = argv[++i];
		else if (!strcmp(argv[i], "--short-apdu"))
			opt.level = 0x00020000;
		else if (!strcmp(argv[i], "--clock-stop"))
			opt.clock_stop = 1;
		else
			exit(2);
	}
}

int main(int argc, char **argv)
{
	static unsigned char buf[APDU_MAX];
	char path[512];
	pthread_t th;
	int ep0, fd, n;

	if (argc < 3) {
		fprintf(stderr, "usage: ccid_gadget FFS_DIR READY_FILE [OPTION...]\n");
		return 2;
	}
	parse_options(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (opt.pinpad) {
		unlink(opt.pinpad);
		if (mkfifo(opt.pinpad, 0600))
			die(opt.pinpad);
		keypad = open(opt.pinpad, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (keypad < 0)
			die(opt.pinpad);
		if (pipe2(pin_wake, O_NONBLOCK | O_CLOEXEC))
			die("pipe");
	}

	snprintf(path, sizeof(path), "%s/ep0", argv[1]);
	ep0 = open(path, O_RDWR | O_CLOEXEC);
	if (ep0 < 0)
		die(path);
	write_descriptors(ep0);
	if (pthread_create(&th, NULL, ep0_main, &ep0))
		die("thread");
	fd = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die(argv[2]);
	close(fd);
	say("ready");

	pthread_mutex_lock(&lock);
	while (!enabled)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);

	/* FunctionFS numbers the endpoint files in descriptor order. */
	n = 1;
	if (opt.bulk_in)
		ep_in = open_ep(argv[1], n++);
	ep_out = open_ep(argv[1], n++);
	if (opt.intr)
		ep_int = open_ep(argv[1], n++);

	for (;;) {
		ssize_t len = read(ep_out, buf, sizeof(buf));

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ESHUTDOWN) {
				sleep(1);
				continue;
			}
			die("bulk-OUT");
		}
		if (ep_in < 0) {
			say("command of %zd bytes: no bulk-IN to answer", len);
			continue;
		}
		handle(buf, len);
	}
}
