/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard CCID: the USB Chip/Smart Card Interface Device class (CCID 1.1)
 * message layer and reader glue, independent of the transport. The USB
 * transport (usb.c) and, later, the serial one only move whole messages.
 */
#ifndef _SCARD_CCID_H
#define _SCARD_CCID_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/scard.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define CCID_HDR_LEN			10
#define CCID_MAX_SLOTS			16	/* bMaxSlotIndex <= 15 */
#define CCID_NUM_SEQ			256	/* values of bSeq */
/* Largest message the driver handles (extended APDU + header). */
#define CCID_MAX_MSG_LEN		(65544 + CCID_HDR_LEN)

/* PC_to_RDR message types */
#define CCID_PC_ICC_POWER_ON		0x62
#define CCID_PC_ICC_POWER_OFF		0x63
#define CCID_PC_GET_SLOT_STATUS		0x65
#define CCID_PC_XFR_BLOCK		0x6f
#define CCID_PC_GET_PARAMETERS		0x6c
#define CCID_PC_RESET_PARAMETERS	0x6d
#define CCID_PC_SET_PARAMETERS		0x61
#define CCID_PC_ESCAPE			0x6b
#define CCID_PC_ICC_CLOCK		0x6e
#define CCID_PC_T0_APDU			0x6a
#define CCID_PC_SECURE			0x69
#define CCID_PC_MECHANICAL		0x71
#define CCID_PC_ABORT			0x72
#define CCID_PC_SET_RATE_CLOCK		0x73

/* RDR_to_PC message types */
#define CCID_RDR_DATA_BLOCK		0x80
#define CCID_RDR_SLOT_STATUS		0x81
#define CCID_RDR_PARAMETERS		0x82
#define CCID_RDR_ESCAPE			0x83
#define CCID_RDR_RATE_CLOCK		0x84

/* Interrupt-IN messages */
#define CCID_RDR_NOTIFY_SLOT_CHANGE	0x50
#define CCID_RDR_HARDWARE_ERROR		0x51

/*
 * How a command waits, for its slot and the device (ccid_io_lock()), to
 * send and for the reply: a fatal signal ends the wait, and the freezer
 * may freeze the task in it, so that a card that takes its time (up to
 * CCID_CMD_MAX_MS) cannot make a system suspend fail. The waiting task
 * holds locks: the library's request lock of its reader and, for the
 * reply, its slot's cmd_lock (and a busy slot of the device); a task
 * frozen while it sends holds tx_lock, for which the others wait in this
 * state too. Freezing it there is safe because nothing on the way to
 * suspend takes them: the transport's suspend and reset callbacks stop
 * the device without them (ccid_dev_halt()), other programs wait for the
 * request lock interruptibly (and freeze there), and the slot polls and
 * the clock stop only try the slot. Hence the _UNSAFE flavour, which only
 * silences lockdep's warning about freezing with locks held.
 */
#define CCID_WAIT_STATE			(TASK_KILLABLE | TASK_FREEZABLE_UNSAFE)

/**
 * ccid_wait_state() - how a command waits now
 *
 * Return: CCID_WAIT_STATE; for a task already killed, which still waits
 * (bounded) for what it left in flight (its abort), uninterruptible but
 * freezable.
 */
static inline unsigned int ccid_wait_state(void)
{
	if (fatal_signal_pending(current))
		return TASK_UNINTERRUPTIBLE | TASK_FREEZABLE_UNSAFE;
	return CCID_WAIT_STATE;
}

/* Class-specific control requests */
#define CCID_REQ_ABORT			0x01
#define CCID_REQ_GET_CLOCK_FREQUENCIES	0x02
#define CCID_REQ_GET_DATA_RATES		0x03

/* dwFeatures */
#define CCID_FEAT_AUTO_CONF_ATR		0x00000002
#define CCID_FEAT_AUTO_ACTIVATION	0x00000004
#define CCID_FEAT_AUTO_VOLTAGE		0x00000008
#define CCID_FEAT_AUTO_CLOCK		0x00000010
#define CCID_FEAT_AUTO_BAUD		0x00000020
/* Parameters negotiated by the reader, its own algorithm (PPS, resets). */
#define CCID_FEAT_AUTO_PARAM_NEG	0x00000040
#define CCID_FEAT_AUTO_PPS_PROP		CCID_FEAT_AUTO_PARAM_NEG
/* PPS made by the reader according to the parameters in force. */
#define CCID_FEAT_AUTO_PPS_CUR		0x00000080
#define CCID_FEAT_CLOCK_STOP		0x00000100
#define CCID_FEAT_NAD_NOT_ZERO		0x00000200
#define CCID_FEAT_AUTO_IFSD		0x00000400
#define CCID_FEAT_LEVEL_MASK		0x00070000
#define CCID_FEAT_LEVEL_CHAR		0x00000000
#define CCID_FEAT_LEVEL_TPDU		0x00010000
#define CCID_FEAT_LEVEL_SHORT_APDU	0x00020000
#define CCID_FEAT_LEVEL_EXT_APDU	0x00040000

/* dwProtocols of the class descriptor */
#define CCID_PROTOCOL_T0		BIT(0)
#define CCID_PROTOCOL_T1		BIT(1)

/* bPINSupport of the class descriptor */
#define CCID_PIN_SUPPORT_VERIFY		BIT(0)
#define CCID_PIN_SUPPORT_MODIFY		BIT(1)

/* bVoltageSupport of the class descriptor */
#define CCID_VOLTAGE_5V			BIT(0)
#define CCID_VOLTAGE_3V			BIT(1)
#define CCID_VOLTAGE_1V8		BIT(2)

/**
 * struct ccid_desc - the CCID class descriptor, host byte order
 * @bcd_ccid: bcdCCID, the specification release
 * @max_slot_index: bMaxSlotIndex, slots - 1
 * @voltage_support: bVoltageSupport: 1 5 V, 2 3 V, 4 1.8 V
 * @protocols: dwProtocols: bit 0 T=0, bit 1 T=1
 * @default_clock: dwDefaultClock, kHz
 * @maximum_clock: dwMaximumClock, kHz
 * @num_clock_supported: bNumClockSupported, entries of the clock list
 * @data_rate: dwDataRate, bps
 * @max_data_rate: dwMaxDataRate, bps
 * @num_data_rates_supported: bNumDataRatesSupported
 * @max_ifsd: dwMaxIFSD
 * @synch_protocols: dwSynchProtocols
 * @mechanical: dwMechanical: 1 accept, 2 eject, 4 capture, 8 lock
 * @features: dwFeatures, CCID_FEAT_*
 * @max_msg_len: dwMaxCCIDMessageLength, header included
 * @class_get_response: bClassGetResponse
 * @class_envelope: bClassEnvelope
 * @lcd_layout: wLcdLayout
 * @pin_support: bPINSupport
 * @max_busy_slots: bMaxCCIDBusySlots
 *
 * Filled in by the transport from the device (USB: the 0x21 functional
 * descriptor of the interface); checked by ccid_desc_check().
 */
struct ccid_desc {
	u16 bcd_ccid;
	u8 max_slot_index;
	u8 voltage_support;
	u32 protocols;
	u32 default_clock;
	u32 maximum_clock;
	u8 num_clock_supported;
	u32 data_rate;
	u32 max_data_rate;
	u8 num_data_rates_supported;
	u32 max_ifsd;
	u32 synch_protocols;
	u32 mechanical;
	u32 features;
	u32 max_msg_len;
	u8 class_get_response;
	u8 class_envelope;
	u16 lcd_layout;
	u8 pin_support;
	u8 max_busy_slots;
};

struct ccid_dev;

/**
 * struct ccid_transport_ops - how the message layer reaches the reader
 * @send: send one whole PC_to_RDR message (may sleep); 0 or -errno
 *	(-ENODEV once the device is gone)
 * @recv: receive one bulk-in transfer into @buf (at most @size bytes),
 *	waiting at most @timeout_ms; *@len = bytes received, possibly 0 (a
 *	zero-length packet) or a stale reply: the message layer matches
 *	bSeq and slot and reads again. -ETIMEDOUT when nothing came,
 *	-EPROTO for a transfer longer than @size (its rest may follow).
 * @abort: optional: the class-specific ABORT request for @slot and @seq,
 *	sent before PC_to_RDR_Abort when a command timed out or was
 *	cancelled
 * @concurrent: @send (and @abort) may run while another task waits in
 *	@recv, so that commands to several slots can be in flight, up to
 *	bMaxCCIDBusySlots. Without it one command is in flight at a time.
 *
 * The message layer never runs two @send or two @recv calls of a device
 * at once; without @concurrent it runs one call of a device at a time.
 */
struct ccid_transport_ops {
	int (*send)(struct ccid_dev *dev, const u8 *msg, size_t len);
	int (*recv)(struct ccid_dev *dev, u8 *buf, size_t size, size_t *len,
		    unsigned int timeout_ms);
	int (*abort)(struct ccid_dev *dev, u8 slot, u8 seq);
	bool concurrent;
};

/**
 * struct ccid_slot - one slot, one scard reader
 * @dev: the device
 * @index: bSlot
 * @reader: its scard reader (NULL until registered)
 * @present: last known card presence (from NotifySlotChange or status)
 */
struct ccid_slot {
	struct ccid_dev *dev;
	u8 index;
	struct scard_reader *reader;
	bool present;

	/* private: */
	u32 events;			/* notifications, under slot_lock */
	bool notified;			/* a notification came since probe */
	u32 protocol;			/* of the last SetParameters, or 0 */
	bool timed;			/* @timing is valid */
	struct scard_timing timing;	/* of the card, for the timeouts */
	bool unpowered;			/* inserted or powered down since */
	u8 clock_stop;			/* the card's XI, if the reader can */
	bool clock_stopped;		/* under cmd_lock: IccClock stopped it */
};

/**
 * struct ccid_dev - a CCID reader, whatever its transport
 * @parent: the transport's device (USB interface), parent of the readers
 * @desc: the class descriptor
 * @ops: the transport
 * @priv: the transport's data
 * @clocks: clock frequencies the reader lists (kHz), or NULL
 * @num_clocks: entries in @clocks
 * @rates: data rates the reader lists (bps), or NULL
 * @num_rates: entries in @rates
 * @vendor_name: for SCARD_TAG_VENDOR_NAME (e.g. the USB manufacturer)
 * @ifd_type: for SCARD_TAG_VENDOR_IFD_TYPE (e.g. the USB product)
 * @serial: for SCARD_TAG_VENDOR_IFD_SERIAL_NO
 * @ifd_version: for SCARD_TAG_VENDOR_IFD_VERSION
 * @channel: for SCARD_TAG_CHANNEL_ID's low word (e.g. USB bus/address)
 * @reader_type: SCARD_READER_TYPE_USB, _SERIAL, ...
 *
 * Allocated zeroed and set up by the transport before ccid_dev_register();
 * the rest is private to the message layer.
 */
struct ccid_dev {
	struct device *parent;
	struct ccid_desc desc;
	const struct ccid_transport_ops *ops;
	void *priv;
	u32 *clocks;
	unsigned int num_clocks;
	u32 *rates;
	unsigned int num_rates;
	char vendor_name[33];
	char ifd_type[33];
	char serial[33];
	u32 ifd_version;
	u32 channel;
	u32 reader_type;

	/* private: */
	/* one command (or sequence of them) at a time on a slot */
	struct mutex cmd_lock[CCID_MAX_SLOTS];
	wait_queue_head_t io_wait;	/* ccid_io_lock(), tx_lock waiters */
	unsigned int max_busy;		/* slots with a command at once */
	struct mutex tx_lock;		/* seq, msg_buf, ops->send */
	u8 seq;
	spinlock_t rx_lock;		/* the fields down to rx_wait */
	unsigned int busy;		/* slots held with ccid_io_lock() */
	bool blocked;			/* ccid_dev_pre_reset() holds them all */
	bool synced;			/* a reply matched */
	DECLARE_BITMAP(orphans, CCID_NUM_SEQ);	/* bSeqs of late replies */
	struct list_head pending;	/* commands waiting for their reply */
	bool receiving;			/* a task reads from the device */
	wait_queue_head_t rx_wait;	/* the commands of the pending list */
	bool gone;
	bool halted;			/* suspended or being reset */
	bool ready;			/* under slot_lock: notifications on */
	u8 *msg_buf;			/* PC_to_RDR being built */
	u8 *rsp_buf;			/* RDR_to_PC being received */
	size_t buf_size;
	spinlock_t slot_lock;		/* slots[].present, .events, .reader */
	u16 poll_mask;			/* under slot_lock: slots to poll */
	struct delayed_work poll_work;	/* GetSlotStatus after a change */
	struct delayed_work clock_work;	/* IccClock stop of idle cards */
	unsigned int num_slots;
	struct ccid_slot slots[CCID_MAX_SLOTS];
};

int ccid_desc_parse(struct ccid_desc *desc, const u8 *buf, size_t len);
int ccid_desc_check(const struct ccid_desc *desc);
int ccid_dev_register(struct ccid_dev *dev);
void ccid_dev_unregister(struct ccid_dev *dev);
void ccid_notify(struct ccid_dev *dev, const u8 *msg, size_t len);
void ccid_dev_halt(struct ccid_dev *dev);
void ccid_dev_resume(struct ccid_dev *dev);
void ccid_dev_pre_reset(struct ccid_dev *dev);
void ccid_dev_post_reset(struct ccid_dev *dev);
void ccid_dev_rescan(struct ccid_dev *dev);

#endif /* _SCARD_CCID_H */
