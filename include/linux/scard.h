/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: smart card reader driver library, API for reader drivers.
 *
 * The library owns the /dev/scardN device node, the request serialisation,
 * the card state machine, the attribute answers, card tracking and the
 * object lifetime. A reader driver allocates a reader, fills in its
 * capabilities and its reader_function[] callbacks, registers it, reports
 * card insertion and removal with scard_card_event(), and unregisters it
 * when the hardware goes away:
 *
 *	reader = scard_reader_alloc(parent);
 *	if (IS_ERR(reader))
 *		return PTR_ERR(reader);
 *	reader->reader_function[RDF_CARD_POWER] = my_power;
 *	...
 *	err = scard_reader_register(reader);
 *	if (err)
 *		goto err_put;
 *	scard_card_event(reader, present ? SCARD_CARD_PRESENT : SCARD_CARD_ABSENT);
 *	...
 *	scard_reader_unregister(reader);
 *	scard_reader_put(reader);
 *
 * reader_function[] is filled in before scard_reader_register() and not
 * written afterwards. Callbacks run one at a time, in process context, and
 * may sleep. A callback may return SCARD_PENDING and finish the request
 * later with scard_request_complete(). No callback runs once scard_reader_unregister()
 * has returned.
 *
 * See Documentation/driver-api/scard.rst.
 */
#ifndef _LINUX_SCARD_H
#define _LINUX_SCARD_H

#include <linux/kref.h>
#include <linux/limits.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/scard_proto.h>
#include <uapi/linux/scard.h>

struct device;
struct scard_reader;
struct scard_xfer;

/* Indexes of reader_function[] (smclib's RDF_* values). */
enum scard_rdf {
	RDF_CARD_POWER = 0,		/* mandatory */
	RDF_TRANSMIT = 1,		/* mandatory */
	RDF_CARD_EJECT = 2,
	RDF_READER_SWALLOW = 3,
	RDF_CARD_TRACKING = 4,		/* mandatory */
	RDF_SET_PROTOCOL = 5,		/* mandatory */
	RDF_DEBUG_LEVEL = 6,		/* unused, keeps smclib's numbering */
	RDF_CARD_CONFISCATE = 7,
	RDF_IOCTL_VENDOR = 8,
	RDF_ATR_PARSE = 9,
	RDF_PIN_ENTRY = 10,		/* scard: PIN entry on the reader */
	RDF_MAX = 16,
};

/* smclib function numbers, the major code of a request (= _IOC_NR). */
enum scard_fn {
	SCARD_FN_POWER = 1,
	SCARD_FN_GET_ATTRIBUTE = 2,
	SCARD_FN_SET_ATTRIBUTE = 3,
	SCARD_FN_CONFISCATE = 4,
	SCARD_FN_TRANSMIT = 5,
	SCARD_FN_EJECT = 6,
	SCARD_FN_SWALLOW = 7,
	SCARD_FN_IS_PRESENT = 10,
	SCARD_FN_IS_ABSENT = 11,
	SCARD_FN_SET_PROTOCOL = 12,
	SCARD_FN_GET_STATE = 14,
	SCARD_FN_GET_LAST_ERROR = 15,
	SCARD_FN_GET_PERF_CNTR = 16,
	SCARD_FN_VENDOR = 64,
};

/*
 * A reader_function[] callback may return this instead of 0 or a negative
 * errno: the request goes on asynchronously and the driver finishes it with
 * scard_request_complete(). Until then every other request on the reader
 * fails with -EBUSY, for at most the library's bound (module parameter
 * pending_timeout_ms): then the library cancels the request, its caller
 * gets -ETIMEDOUT and the reader takes requests again.
 */
#define SCARD_PENDING	1

/* The clock of a reader that declares none, in kHz. */
#define SCARD_CLK_DEFAULT_KHZ	3580

/**
 * struct scard_request - the request a callback works on
 * @major: smclib function number (enum scard_fn)
 * @minor: POWER: disposition; SET_PROTOCOL: the protocol to select (one
 *	bit); RDF_ATR_PARSE: the caller's SET_PROTOCOL mask; VENDOR: vendor
 *	code (RDF_PIN_ENTRY: SCARD_VENDOR_FEATURE() of
 *	SCARD_FEATURE_VERIFY_PIN_DIRECT or _MODIFY_PIN_DIRECT);
 *	IS_PRESENT/IS_ABSENT: SCARD_FN_IS_*
 * @flags: TRANSMIT: SCARD_TRANSMIT_* flags; SET_PROTOCOL:
 *	SCARD_PROTO_DEFAULT when the caller asked for default parameters
 * @nad: TRANSMIT: T=1 node address (in and out)
 * @send: request data (command, vendor input; RDF_PIN_ENTRY: a &struct
 *	scard_pin_verify or &struct scard_pin_modify and its APDU, checked by
 *	the library), owned by the library
 * @send_len: length of @send
 * @recv: reply buffer, owned by the library
 * @recv_size: size of @recv: for an APDU level reader's TRANSMIT and for
 *	VENDOR room for any reply the library accepts (SCARD_MAX_RECV,
 *	SCARD_VENDOR_MAX_BUF); through scard_proto_transmit() the caller's
 *	room, the protocol engines reporting a longer reply with -ENOSPC and
 *	its length in @recv_len
 * @recv_len: out: bytes the callback put into @recv
 *
 * The request and its buffers belong to the library and stay valid until
 * the request is finished: the callback returned, or, for a callback that
 * returned SCARD_PENDING, scard_request_complete() was called, also when
 * the library cancelled the request meanwhile (see SCARD_PENDING).
 */
struct scard_request {
	unsigned int major;
	u32 minor;
	u32 flags;
	u8 nad;
	const u8 *send;
	size_t send_len;
	u8 *recv;
	size_t recv_size;
	size_t recv_len;
};

/**
 * struct scard_vendor_attr - what the reader says about itself
 * @vendor_name: SCARD_TAG_VENDOR_NAME (at most 32 characters)
 * @ifd_type: SCARD_TAG_VENDOR_IFD_TYPE (at most 32 characters)
 * @ifd_version: SCARD_TAG_VENDOR_IFD_VERSION, major << 24 | minor << 16 |
 *	build
 * @ifd_serial: SCARD_TAG_VENDOR_IFD_SERIAL_NO, empty if unknown
 * @unit: SCARD_TAG_DEVICE_UNIT, index of this reader among its type
 */
struct scard_vendor_attr {
	char vendor_name[33];
	char ifd_type[33];
	u32 ifd_version;
	char ifd_serial[33];
	u32 unit;
};

/**
 * struct scard_reader_caps - capabilities of the reader
 * @reader_type: SCARD_READER_TYPE_* (high word of SCARD_TAG_CHANNEL_ID)
 * @channel: low word of SCARD_TAG_CHANNEL_ID (port, USB address, ...)
 * @protocols: SCARD_PROTO_T0 / _T1 / _RAW the reader can run
 * @clk_default: default card clock, kHz
 * @clk_max: maximum card clock, kHz
 * @rate_default: default data rate, bit/s
 * @rate_max: maximum data rate, bit/s
 * @clk_list: clock frequencies the reader supports (kHz), may be NULL
 * @clk_count: entries in @clk_list
 * @rate_list: data rates the reader supports (bit/s), may be NULL
 * @rate_count: entries in @rate_list
 * @max_ifsd: largest T=1 IFSD the reader accepts (1..254)
 * @mechanical: SCARD_READER_SWALLOWS / _EJECTS / _CONFISCATES
 * @power_mgmt: SCARD_TAG_POWER_MGMT_SUPPORT value
 * @level: what the reader exchanges with the card (enum scard_level)
 * @max_apdu: APDU level: the longest command APDU the reader carries (0:
 *	SCARD_MAX_SEND); SCARD_TAG_MAXINPUT
 * @pin: SCARD_PIN_VERIFY / SCARD_PIN_MODIFY: PIN entries the reader's
 *	keypad runs through RDF_PIN_ENTRY (PC/SC part 10 features)
 * @lcd_layout: wLcdLayout of a PIN pad: lines << 8 | characters per line,
 *	0 without a display
 * @pin_min: smallest PIN the keypad takes, 0 if unknown
 * @pin_max: largest PIN the keypad takes, 0 if unknown
 */
struct scard_reader_caps {
	u32 reader_type;
	u32 channel;
	u32 protocols;
	u32 clk_default;
	u32 clk_max;
	u32 rate_default;
	u32 rate_max;
	const u32 *clk_list;
	unsigned int clk_count;
	const u32 *rate_list;
	unsigned int rate_count;
	u32 max_ifsd;
	u32 mechanical;
	u32 power_mgmt;
	unsigned int level;
	u32 max_apdu;
	u32 pin;
	u16 lcd_layout;
	u8 pin_min;
	u8 pin_max;
};

/* scard_reader_caps.pin */
#define SCARD_PIN_VERIFY	BIT(0)
#define SCARD_PIN_MODIFY	BIT(1)

/**
 * enum scard_level - what a reader exchanges with the card
 * @SCARD_LEVEL_APDU: the reader (or its firmware) runs the transmission
 *	protocol; RDF_TRANSMIT receives whole APDUs
 * @SCARD_LEVEL_TPDU: the reader moves T=0 TPDUs and T=1 blocks; the library
 *	runs the protocols through &scard_io_ops.xfer
 * @SCARD_LEVEL_CHAR: the reader moves characters; the library runs the
 *	protocols through &scard_io_ops.transceive
 *
 * TPDU and character level readers set RDF_TRANSMIT to
 * scard_proto_transmit() and RDF_SET_PROTOCOL to scard_proto_set_protocol()
 * and fill in &scard_reader.io.
 */
enum scard_level {
	SCARD_LEVEL_APDU = 0,
	SCARD_LEVEL_TPDU = 1,
	SCARD_LEVEL_CHAR = 2,
};

/* scard_io_ops.xfer kinds */
#define SCARD_XFER_DATA		0	/* a T=0 TPDU or a T=1 block */
#define SCARD_XFER_PPS		1	/* a PPS request */

/**
 * struct scard_io_ops - how the library's protocol engines reach the card
 * @xfer: TPDU level: send @tx (a T=0 TPDU, a T=1 block or a PPS request, as
 *	@kind says) and receive the card's answer into @rx (at most @rx_size
 *	bytes, length in *@rx_len) within @timeout_ns. Returns 0, -ETIMEDOUT
 *	(no answer), -EBADMSG (parity or framing error), -ENOMEDIUM, or
 *	another negative errno (reader failure).
 * @transceive: character level: one turn of the exchange. Send the @tx_len
 *	bytes at @tx to the card (none when @tx_len is 0), then receive
 *	exactly @rx_len bytes into @rx, waiting at most @first_ns for the
 *	first one and @next_ns between the following ones (a reader that
 *	can only bound the whole receive uses scard_char_timeout_ns()).
 *	*@got says how many arrived; -ETIMEDOUT when the card stayed silent
 *	before @rx_len of them. The library gives each turn whole: what it
 *	sends and what it then reads back, so that a reader moves it in one
 *	transfer.
 * @set_params: optional: program the transmission parameters the library
 *	negotiated (protocol, Fi/Di indexes, clock in kHz) after PPS.
 *
 * Callbacks run in the context of a request, with the reader's requests
 * serialised, and may sleep.
 */
struct scard_io_ops {
	int (*xfer)(struct scard_reader *reader, unsigned int kind,
		    const u8 *tx, size_t tx_len, u8 *rx, size_t rx_size,
		    size_t *rx_len, u64 timeout_ns);
	int (*transceive)(struct scard_reader *reader, const u8 *tx,
			  size_t tx_len, u8 *rx, size_t rx_len, size_t *got,
			  u64 first_ns, u64 next_ns);
	int (*set_params)(struct scard_reader *reader, u32 protocol, u8 fl,
			  u8 dl, u32 clk_khz);
};

/**
 * scard_char_timeout_ns() - the bound of a whole character level receive
 * @first_ns: the wait for the first character
 * @next_ns: the wait between two characters
 * @len: the characters to receive
 *
 * Return: @first_ns + (@len - 1) * @next_ns, U64_MAX if that overflows.
 */
static inline u64 scard_char_timeout_ns(u64 first_ns, u64 next_ns,
					size_t len)
{
	u64 ns;

	if (len <= 1)
		return first_ns;
	if (check_mul_overflow(next_ns, (u64)(len - 1), &ns) ||
	    check_add_overflow(ns, first_ns, &ns))
		return U64_MAX;

	return ns;
}

/**
 * struct scard_reader - one reader slot, one /dev/scardN
 * @reader_function: the driver's callbacks, indexed by enum scard_rdf; a
 *	NULL optional entry makes its request fail with -EOPNOTSUPP. Filled
 *	in before scard_reader_register() and never written after it: the
 *	library takes a copy when registering and calls only that copy (a
 *	later change is reported and ignored)
 * @caps: reader capabilities, filled in by the driver before registering
 * @vendor: vendor attributes, filled in by the driver before registering
 * @io: TPDU and character level readers: how the protocol engines reach
 *	the card
 * @card: card capabilities; written by the library while it serialises
 *	requests, readable by callbacks; the RDF_ATR_PARSE callback fills it
 *	in (at least @card.protocols) for a card the library cannot parse
 *
 * All other members are private to the library.
 */
struct scard_reader {
	int (*reader_function[RDF_MAX])(struct scard_reader *reader,
					struct scard_request *req);
	struct scard_reader_caps caps;
	struct scard_vendor_attr vendor;
	const struct scard_io_ops *io;
	struct scard_card_caps card;

	/* private: */
	struct kref kref;
	struct device *parent;
	void *drvdata;
	int id;
	char name[16];
	struct miscdevice misc;

	/*
	 * Revocation: callbacks run under ops_sem held for reading;
	 * scard_reader_unregister() takes it for writing and sets @dead.
	 */
	struct rw_semaphore ops_sem;

	/* The callbacks, copied from reader_function[] by register. */
	int (*fn[RDF_MAX])(struct scard_reader *reader,
			   struct scard_request *req);

	/* Serialises requests; callbacks run under it. */
	struct mutex lock;
	u64 card_epoch;
	bool suppress_ifs_request;

	/* Everything below is written under state_lock (any context). */
	spinlock_t state_lock;
	bool registered;
	bool dead;
	bool unplugged;		/* a callback said -ENODEV: see gone() */
	unsigned int state;
	u32 protocol;
	u64 events;
	u64 inserts;
	u64 removals;
	u8 atr_shown[SCARD_ATR_MAX];	/* sysfs "atr": a copy of card.atr */
	u8 atr_shown_len;
	wait_queue_head_t event_wq;
	struct delayed_work uevent_work;

	/*
	 * The request a callback runs or left pending (SCARD_PENDING), and
	 * the cancelled ones the driver has not completed yet.
	 */
	struct scard_xfer *cur;
	struct list_head cancelled;
	wait_queue_head_t async_wq;
	struct work_struct async_work;

	/* Openers. */
	unsigned int open_count;
	bool exclusive;

	/* Link to the card for TPDU and character level readers (proto.c). */
	bool link_ready;
	bool t1_ready;
	u8 link_fl;
	u8 link_dl;
	u32 link_clk;
	u32 link_protocol;
	struct scard_timing link_timing;
	struct scard_t1 t1;

	/* Statistics and errors. */
	int last_error;
	u64 perf_transmissions;
	u64 perf_bytes_sent;
	u64 perf_bytes_received;
	u64 perf_transmit_ns;
};

struct scard_reader *scard_reader_alloc(struct device *parent);
int scard_reader_register(struct scard_reader *reader);
void scard_reader_unregister(struct scard_reader *reader);
void scard_reader_put(struct scard_reader *reader);

void scard_card_event(struct scard_reader *reader, unsigned int state);
void scard_set_state(struct scard_reader *reader, unsigned int state);
unsigned int scard_get_state(struct scard_reader *reader);
int scard_set_atr(struct scard_reader *reader, const u8 *atr, size_t len);
void scard_request_complete(struct scard_request *req, int status);
bool scard_request_cancelled(struct scard_request *req);
void scard_complete_request(struct scard_reader *reader, int status);

int scard_proto_transmit(struct scard_reader *reader,
			 struct scard_request *req);
int scard_proto_set_protocol(struct scard_reader *reader,
			     struct scard_request *req);
int scard_proto_outer_prologue(struct scard_reader *reader, u8 *prologue);
int scard_proto_outer_reply(struct scard_reader *reader, const u8 *rx,
			    size_t rx_len, u8 *rsp, size_t rsp_size,
			    size_t *rsp_len);

static inline void scard_set_drvdata(struct scard_reader *reader, void *data)
{
	reader->drvdata = data;
}

static inline void *scard_get_drvdata(struct scard_reader *reader)
{
	return reader->drvdata;
}

static inline const char *scard_reader_name(const struct scard_reader *reader)
{
	return reader->name;
}

/* N of /dev/scardN, from scard_reader_alloc() until the last put. */
static inline unsigned int scard_reader_index(const struct scard_reader *reader)
{
	return reader->id;
}

#endif /* _LINUX_SCARD_H */
