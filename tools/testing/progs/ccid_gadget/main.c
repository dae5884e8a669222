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
 *	--cards N       a card in each of slots 0 .. N - 1 (default 1), the
 *	                other slots empty
 *	--busy N        bMaxCCIDBusySlots (default 1): with N above 1 the
 *	                slots work in parallel, up to N at once (slots.c)
 *	--slow MS       each APDU takes the card MS milliseconds; the ABORT
 *	                request or PC_to_RDR_Abort ends that (CMD_ABORTED)
 *	--slow-slot N   with --slow: only the card in slot N is slow
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
 * other slots are empty unless --cards says otherwise; each card has its
 * own state); it takes commands and sends responses longer than a
 * message in parts. 80 EE echoes its data and 80 EF answers Le
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
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/usb/ch9.h>
#include <linux/usb/functionfs.h>

#include "gadget.h"

#define CCID_DT		0x21
#define CCID_DESC_LEN	54
#define REQ_ABORT	0x01

struct options opt = {
	.max_msg = 271, .bulk_in = 1, .intr = 1, .class_desc = 1,
	.level = 0x00040000, .cards = 1, .busy = 1, .slow_slot = -1,
};

int ep_in = -1, ep_int = -1;
static int ep_out = -1;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int enabled;
int keypad = -1;
int pin_wake[2] = { -1, -1 };

void say(const char *fmt, ...)
{
	va_list ap;

	flockfile(stdout);	/* the workers' lines whole */
	printf("ccid_gadget: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	funlockfile(stdout);
}

void die(const char *what)
{
	say("%s: %s", what, strerror(errno));
	exit(1);
}

void put32(unsigned char *p, uint32_t v)
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
	p[53] = opt.busy;		/* bMaxCCIDBusySlots */
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
		slot_abort_request(le16toh(r->wValue) & 0xff);
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
		else if (!strcmp(argv[i], "--cards") && i + 1 < argc)
			opt.cards = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--busy") && i + 1 < argc)
			opt.busy = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--slow") && i + 1 < argc)
			opt.slow_ms = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--slow-slot") && i + 1 < argc)
			opt.slow_slot = strtoul(argv[++i], NULL, 0);
		else
			exit(2);
	}
	if (opt.max_slot > 255 || !opt.busy || opt.busy > 255)
		exit(2);
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
	slots_init();
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
		dispatch(buf, len);
	}
}
