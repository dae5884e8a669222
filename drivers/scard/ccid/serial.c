// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: serial readers speaking Gemalto's "twin" protocol (GemPC
 * Twin and PinPad, GemCore POS Pro and SIM Pro, SEC1210), as a tty line
 * discipline. It only moves frames (twin.c): the message layer (msg.c,
 * reader.c) does the CCID and ISO 7816 work, as for USB.
 *
 * Attaching (include/uapi/linux/scard_serial.h): a program sets the line
 * (115200 8N2), selects the discipline (TIOCSETD with the number of the
 * "ldisc" parameter) and names the model (SCARD_SERIAL_IOC_ATTACH); the
 * discipline then registers one reader per slot, children of the tty's
 * device. "scardctl attach" does this and holds the tty open.
 *
 * Lifetime, by the tty rules: the readers exist from the ATTACH to the
 * discipline's close (the tty's last close, another discipline, or the
 * hangup that precedes the close). A hangup fails the exchange in flight
 * and every later one with -ENODEV at once; close unregisters the readers
 * (a request in progress ends first, quickly, as the line is dead) and
 * frees. No discipline call waits for the reader: receive_buf only
 * frames bytes and wakes the command waiting for them, write_wakeup only
 * queues the rest of a frame.
 *
 * The line is half duplex: one command frame out (echoed back first by
 * the models that echo), one reply frame in. A reply with a wrong LRC is
 * asked again (NAK) a few times, and the reader's NAK of our frame makes
 * us send it again; anything else that makes no sense (garbage, a
 * length beyond the reader's maximum, an echo that differs) fails the
 * command with -EPROTO and drops the rest of the stream until the next
 * command; the slots are then asked for their cards, as a notification
 * may have been lost. Card changes come as NotifySlotChange bytes between
 * frames: tracking is event-driven, nothing is polled on an idle line.
 * Time request bytes (the card asked for more time) restart the reply's
 * timeout, a bounded number of times.
 *
 * The discipline number: Linux has none for smart card readers, so the
 * default is N_DEVELOPMENT (29), which any out-of-tree discipline may use
 * as well; registering a number replaces whatever was registered there
 * without a word (6.1 to 6.12 at least), so "scardctl attach" checks
 * /proc/tty/ldiscs, and the "ldisc" parameter moves this one.
 */

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/tty_ldisc.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <uapi/linux/scard_serial.h>
#include "../compat.h"

#include "ccid.h"
#include "twin.h"

#define CCID_SERIAL_MAX_MSG	271	/* dwMaxCCIDMessageLength of them all */
#define CCID_SERIAL_SEND_MS	1000	/* writing and echoing one frame */
#define CCID_SERIAL_RETRIES	3	/* NAKs, either way, per command */
#define CCID_SERIAL_TIME_REQ	64	/* time requests per reply */
#define CCID_SERIAL_ROOM	65536	/* receive_room: no flow control */
#define CCID_SERIAL_RESCAN_MS	1000	/* slots asked again after garbage */
#define CCID_SERIAL_QUIET_MS	20	/* a silent line, between frames */
#define CCID_SERIAL_DRAIN_MS	1000	/* waiting for it, at most */
#define CCID_SERIAL_SETUP_MS	1000	/* the notification mode at attach */
/* A bSeq the message layer does not use first: its replies stay apart. */
#define CCID_SERIAL_SETUP_SEQ	0xff

static int ldisc = SCARD_SERIAL_LDISC_DEFAULT;
module_param(ldisc, int, 0444);
MODULE_PARM_DESC(ldisc,
		 "Line discipline number (default 29, N_DEVELOPMENT; registering it replaces another discipline of that number)");

/**
 * struct ccid_serial_model - what the host cannot ask a serial reader
 * @name: the model's name (ifd_type)
 * @slots: its slots
 * @echo: it echoes every frame of the host before answering
 * @features: dwFeatures
 * @max_data_rate: dwMaxDataRate, bps
 * @pin_support: bPINSupport
 */
struct ccid_serial_model {
	const char *name;
	u8 slots;
	bool echo;
	u32 features;
	u32 max_data_rate;
	u8 pin_support;
};

/* TPDU level, automatic clock and baud rate, NAD other than 0. */
#define CCID_SERIAL_FEATURES	(CCID_FEAT_LEVEL_TPDU | CCID_FEAT_NAD_NOT_ZERO | \
				 CCID_FEAT_AUTO_BAUD | CCID_FEAT_AUTO_CLOCK)

static const struct ccid_serial_model ccid_serial_models[] = {
	[SCARD_SERIAL_GEMPC_TWIN] = {
		.name = "GemPC Twin", .slots = 1, .echo = true,
		.features = CCID_SERIAL_FEATURES, .max_data_rate = 344086,
	},
	[SCARD_SERIAL_GEMPC_PINPAD] = {
		.name = "GemPC PinPad", .slots = 1, .echo = true,
		.features = CCID_SERIAL_FEATURES, .max_data_rate = 500000,
		.pin_support = 0x03,
	},
	[SCARD_SERIAL_GEMCORE_POS_PRO] = {
		.name = "GemCore POS Pro", .slots = 5,
		.features = CCID_SERIAL_FEATURES, .max_data_rate = 500000,
	},
	[SCARD_SERIAL_GEMCORE_SIM_PRO] = {
		.name = "GemCore SIM Pro", .slots = 2,
		.features = CCID_SERIAL_FEATURES, .max_data_rate = 344086,
	},
	[SCARD_SERIAL_SEC1210] = {
		.name = "SEC1210", .slots = 2,
		.features = CCID_FEAT_LEVEL_TPDU | CCID_FEAT_AUTO_PPS_CUR |
			    CCID_FEAT_AUTO_BAUD | CCID_FEAT_AUTO_CLOCK |
			    CCID_FEAT_AUTO_CONF_ATR,
		.max_data_rate = 344086,
	},
};

/**
 * struct ccid_serial - a serial reader on a tty
 * @ccid: the message layer's device
 * @tty: the tty (the discipline's lifetime is within the tty's)
 * @model: set by the ATTACH
 * @attach_lock: serialises the ATTACH against itself
 * @registered: the readers are registered (under @attach_lock)
 * @lock: protects the fields below against receive_buf and write_wakeup
 * @dead: hung up or closing: every transport call fails with -ENODEV
 * @rx: the frame receiver
 * @rx_buf: its message buffer
 * @reply: a received reply not taken yet (@reply_len bytes), or empty
 * @reply_len: its length, 0 if none
 * @echoed: the echo of the frame in @tx_buf came back
 * @naks: NAKs from the reader since the last send
 * @bad_lrc: replies with a wrong LRC since the last NAK we sent
 * @time_reqs: time request bytes since the last send
 * @replied: a reply was taken since the last send
 * @lost: the last exchange failed: the rest of a frame may still come
 *	(used by the transport calls only, which the message layer
 *	serialises)
 * @last_rx: jiffies of the last byte received
 * @error: a TWIN_ERR_* that failed the stream since the last send
 * @wait: woken by receive_buf, write_wakeup and hangup
 * @tx_buf: the frame being sent, kept for a NAK
 * @tx_len: its length
 * @tx_pos: bytes of it given to the tty so far
 * @tx_work: writes the rest of @tx_buf when the tty has room again
 * @rescan_work: asks the slots for their cards after a lost stream, at
 *	most once per CCID_SERIAL_RESCAN_MS (a line that keeps sending
 *	garbage costs one GetSlotStatus per slot and period)
 */
struct ccid_serial {
	struct ccid_dev ccid;
	struct tty_struct *tty;
	const struct ccid_serial_model *model;
	struct mutex attach_lock;	/* registered */
	bool registered;

	spinlock_t lock;		/* everything below */
	bool dead;
	struct twin_rx rx;
	u8 rx_buf[CCID_SERIAL_MAX_MSG];
	u8 reply[CCID_SERIAL_MAX_MSG];
	size_t reply_len;
	bool echoed;
	unsigned int naks;
	unsigned int bad_lrc;
	unsigned int time_reqs;
	bool replied;
	bool lost;
	unsigned long last_rx;
	enum twin_error error;
	wait_queue_head_t wait;
	u8 tx_buf[CCID_SERIAL_MAX_MSG + TWIN_OVERHEAD];
	size_t tx_len;
	size_t tx_pos;
	struct work_struct tx_work;
	struct delayed_work rescan_work;
};

static struct ccid_serial *to_ccid_serial(struct ccid_dev *dev)
{
	return container_of(dev, struct ccid_serial, ccid);
}

/* ---- writing ---- */

/*
 * Gives the tty what it takes of the frame; asks for a wake-up while some
 * is left. Called with @cs->lock held (never from write_wakeup itself,
 * which may run with the port lock held: it queues tx_work instead).
 */
static void ccid_serial_push(struct ccid_serial *cs)
{
	struct tty_struct *tty = cs->tty;
	int n;

	lockdep_assert_held(&cs->lock);

	if (cs->dead || cs->tx_pos == cs->tx_len)
		return;
	set_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	n = tty->ops->write(tty, cs->tx_buf + cs->tx_pos,
			    cs->tx_len - cs->tx_pos);
	if (n > 0)
		cs->tx_pos += n;
	if (cs->tx_pos == cs->tx_len) {
		clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
		wake_up(&cs->wait);
	}
}

static void ccid_serial_tx_work(struct work_struct *work)
{
	struct ccid_serial *cs = container_of(work, struct ccid_serial,
					      tx_work);

	spin_lock_bh(&cs->lock);
	ccid_serial_push(cs);
	spin_unlock_bh(&cs->lock);
}

/* Starts sending the frame in tx_buf from its first byte. */
static void ccid_serial_start(struct ccid_serial *cs)
{
	spin_lock_bh(&cs->lock);
	twin_rx_reset(&cs->rx, cs->model->echo ? cs->tx_buf : NULL,
		      cs->tx_len);
	cs->reply_len = 0;
	cs->echoed = !cs->model->echo;
	cs->naks = 0;
	cs->bad_lrc = 0;
	cs->time_reqs = 0;
	cs->replied = false;
	cs->error = TWIN_ERR_NONE;
	cs->tx_pos = 0;
	ccid_serial_push(cs);
	spin_unlock_bh(&cs->lock);
}

/* Sends the frame in tx_buf again, after the reader's NAK. */
static void ccid_serial_restart(struct ccid_serial *cs)
{
	spin_lock_bh(&cs->lock);
	twin_rx_reset(&cs->rx, cs->model->echo ? cs->tx_buf : NULL,
		      cs->tx_len);
	cs->echoed = !cs->model->echo;
	cs->tx_pos = 0;
	ccid_serial_push(cs);
	spin_unlock_bh(&cs->lock);
}

/* Asks the reader for its last frame again (our NAK). */
static void ccid_serial_nak(struct ccid_serial *cs)
{
	static const u8 nak[TWIN_NAK_LEN] = {
		TWIN_SYNC, TWIN_NAK, TWIN_NAK_LRC
	};

	spin_lock_bh(&cs->lock);
	/*
	 * The command's frame is not needed any more: the reader has it.
	 * The NAK takes its place (for a NAK of the reader). A NAK is no
	 * message: it is not echoed, the reader sends its last frame again.
	 */
	memcpy(cs->tx_buf, nak, sizeof(nak));
	cs->tx_len = sizeof(nak);
	cs->tx_pos = 0;
	twin_rx_reset(&cs->rx, NULL, 0);
	ccid_serial_push(cs);
	spin_unlock_bh(&cs->lock);
}

/* ---- waiting ---- */

/*
 * What a waiting command may act on, under @cs->lock. Like USB's waits
 * (CCID_WAIT_STATE): killable, and freezable as the task holds no lock
 * a suspend needs.
 */
static bool ccid_serial_woken(struct ccid_serial *cs, bool for_reply)
{
	bool ret;

	spin_lock_bh(&cs->lock);
	ret = cs->dead || cs->error || cs->naks ||
	      (!for_reply && cs->tx_pos == cs->tx_len && cs->echoed) ||
	      (for_reply && (cs->reply_len || cs->bad_lrc || cs->time_reqs));
	spin_unlock_bh(&cs->lock);

	return ret;
}

/* Return: jiffies left (0: timed out), or -EINTR (fatal signal). */
static long ccid_serial_sleep(struct ccid_serial *cs, bool for_reply,
			      long timeout)
{
	DEFINE_WAIT(wait);

	for (;;) {
		prepare_to_wait(&cs->wait, &wait, CCID_WAIT_STATE);
		if (ccid_serial_woken(cs, for_reply) || !timeout)
			break;
		if (signal_pending_state(CCID_WAIT_STATE, current)) {
			timeout = -EINTR;
			break;
		}
		timeout = schedule_timeout(timeout);
	}
	finish_wait(&cs->wait, &wait);

	return timeout;
}

/*
 * After a failed exchange the rest of a frame (a reply too long, a late
 * one) may still be on its way: it would garble the next reply. Waits
 * until the line has been silent for CCID_SERIAL_QUIET_MS, at most
 * CCID_SERIAL_DRAIN_MS (a line that never falls silent fails the next
 * exchange too, and the reader is usable once it does).
 */
static int ccid_serial_drain(struct ccid_serial *cs)
{
	unsigned long end = jiffies + msecs_to_jiffies(CCID_SERIAL_DRAIN_MS);
	unsigned long quiet = msecs_to_jiffies(CCID_SERIAL_QUIET_MS);
	unsigned long last;

	for (;;) {
		spin_lock_bh(&cs->lock);
		last = cs->last_rx;
		spin_unlock_bh(&cs->lock);
		if (time_after_eq(jiffies, last + quiet) ||
		    time_after_eq(jiffies, end))
			return 0;
		if (schedule_timeout_killable(quiet))
			return -EINTR;
	}
}

static int ccid_serial_send(struct ccid_dev *dev, const u8 *msg, size_t len)
{
	struct ccid_serial *cs = to_ccid_serial(dev);
	long left;

	if (len < CCID_HDR_LEN || len > CCID_SERIAL_MAX_MSG)
		return -EMSGSIZE;
	if (cs->lost) {
		left = ccid_serial_drain(cs);
		if (left)
			return left;
		cs->lost = false;
	}

	spin_lock_bh(&cs->lock);
	if (cs->dead) {
		spin_unlock_bh(&cs->lock);
		return -ENODEV;
	}
	cs->tx_len = twin_frame(cs->tx_buf, msg, len);
	spin_unlock_bh(&cs->lock);
	ccid_serial_start(cs);

	left = ccid_serial_sleep(cs, false,
				 msecs_to_jiffies(CCID_SERIAL_SEND_MS));
	if (left < 0)
		return left;

	spin_lock_bh(&cs->lock);
	if (cs->dead)
		left = -ENODEV;
	else if (cs->error)
		left = -EPROTO;
	else if (cs->tx_pos < cs->tx_len || !cs->echoed)
		left = left ? 0 : -ETIMEDOUT;
	else
		left = 0;
	spin_unlock_bh(&cs->lock);

	/* A NAK instead of the echo is handled by recv(). */
	cs->lost = left == -EPROTO || left == -ETIMEDOUT;
	return left;
}

/*
 * Takes what the wait brought, under @cs->lock: 1 to wait more (a NAK
 * handled, a time request), 0 with a reply in @buf, or an errno.
 */
static int ccid_serial_take(struct ccid_serial *cs, u8 *buf, size_t size,
			    size_t *len, bool *nak, bool *renak)
{
	lockdep_assert_held(&cs->lock);

	if (cs->dead)
		return -ENODEV;
	if (cs->error)
		return -EPROTO;
	if (cs->reply_len) {
		if (cs->reply_len > size)
			return -EPROTO;
		memcpy(buf, cs->reply, cs->reply_len);
		*len = cs->reply_len;
		cs->reply_len = 0;
		cs->replied = true;
		return 0;
	}
	if (cs->naks) {
		/* The reader got our frame wrong: once more. */
		cs->naks = 0;
		*nak = true;
		return 1;
	}
	if (cs->bad_lrc) {
		/* We got the reader's frame wrong: ask it again. */
		cs->bad_lrc = 0;
		*renak = true;
		return 1;
	}
	if (cs->time_reqs) {
		cs->time_reqs = 0;
		return 1;
	}
	/*
	 * The reader answered, but not this command (the message layer
	 * skipped the reply: another slot or sequence): on a half-duplex
	 * line no other reply comes.
	 */
	return cs->replied ? -EPROTO : -ETIMEDOUT;
}

static int ccid_serial_recv(struct ccid_dev *dev, u8 *buf, size_t size,
			    size_t *len, unsigned int timeout_ms)
{
	struct ccid_serial *cs = to_ccid_serial(dev);
	unsigned int retries = 0, time_reqs = 0;
	unsigned long timeout = msecs_to_jiffies(timeout_ms);
	bool nak, renak;
	long left;
	int ret;

	*len = 0;
	for (;;) {
		left = ccid_serial_sleep(cs, true, timeout);
		if (left < 0) {
			cs->lost = true;
			return left;
		}

		nak = false;
		renak = false;
		spin_lock_bh(&cs->lock);
		ret = ccid_serial_take(cs, buf, size, len, &nak, &renak);
		spin_unlock_bh(&cs->lock);
		if (ret == -EPROTO || ret == -ETIMEDOUT)
			cs->lost = true;
		if (ret <= 0)
			return ret;

		if (nak || renak) {
			if (++retries > CCID_SERIAL_RETRIES) {
				cs->lost = true;
				return -EPROTO;
			}
			if (nak)
				ccid_serial_restart(cs);
			else
				ccid_serial_nak(cs);
		} else if (++time_reqs > CCID_SERIAL_TIME_REQ) {
			cs->lost = true;
			return -ETIMEDOUT;
		}
		/* The reader is alive: a full timeout again. */
		timeout = msecs_to_jiffies(timeout_ms);
	}
}

static const struct ccid_transport_ops ccid_serial_ops = {
	.send = ccid_serial_send,
	.recv = ccid_serial_recv,
};

/* ---- receiving ---- */

static void ccid_serial_rescan_work(struct work_struct *work)
{
	struct ccid_serial *cs = container_of(to_delayed_work(work),
					      struct ccid_serial, rescan_work);

	ccid_dev_rescan(&cs->ccid);
}

/* Acts on one event of the receiver; @cs->lock held. */
static void ccid_serial_event(struct ccid_serial *cs, enum twin_event ev)
{
	switch (ev) {
	case TWIN_EV_FRAME:
		if (cs->reply_len) {
			/* Two replies to one command: we are lost. */
			cs->error = TWIN_ERR_GARBAGE;
			break;
		}
		memcpy(cs->reply, cs->rx.msg, cs->rx.len);
		cs->reply_len = cs->rx.len;
		break;
	case TWIN_EV_NAK:
		cs->naks++;
		break;
	case TWIN_EV_BAD_LRC:
		cs->bad_lrc++;
		break;
	case TWIN_EV_TIME:
		cs->time_reqs++;
		break;
	case TWIN_EV_ECHO:
		cs->echoed = true;
		break;
	case TWIN_EV_NOTIFY:
		ccid_notify(&cs->ccid, cs->rx.notify, cs->rx.notify_len);
		return;
	case TWIN_EV_ERROR:
		dev_dbg_ratelimited(cs->tty->dev, "twin stream error %d\n",
				    cs->rx.error);
		cs->error = cs->rx.error;
		/* Pending already: one rescan for them all. */
		schedule_delayed_work(&cs->rescan_work,
				      msecs_to_jiffies(CCID_SERIAL_RESCAN_MS));
		break;
	default:
		return;
	}
	wake_up(&cs->wait);
}

static void ccid_serial_receive(struct tty_struct *tty, const u8 *cp,
				const scard_tty_flag_t *fp,
				scard_tty_count_t count)
{
	struct ccid_serial *cs = tty->disc_data;
	enum twin_event ev;
	size_t i, n;

	spin_lock_bh(&cs->lock);
	cs->last_rx = jiffies;
	/* Before the ATTACH (a reader's plug-and-play string): dropped. */
	if (!cs->model || cs->dead)
		goto out;
	for (i = 0; i < count; i += n) {
		/* A UART error (parity, framing, overrun) garbles the frame. */
		if (fp && fp[i]) {
			cs->rx.error = TWIN_ERR_GARBAGE;
			cs->rx.state = TWIN_DISCARD;
			ccid_serial_event(cs, TWIN_EV_ERROR);
			break;
		}
		n = twin_rx_feed(&cs->rx, cp + i, fp ? 1 : count - i, &ev);
		ccid_serial_event(cs, ev);
	}
out:
	spin_unlock_bh(&cs->lock);
}

static void ccid_serial_write_wakeup(struct tty_struct *tty)
{
	struct ccid_serial *cs = tty->disc_data;

	/* Maybe with the port lock held: no writing from here. */
	schedule_work(&cs->tx_work);
}

/* ---- attaching and the discipline's life ---- */

static void ccid_serial_set_desc(struct ccid_serial *cs)
{
	const struct ccid_serial_model *m = cs->model;
	struct ccid_desc *d = &cs->ccid.desc;

	d->max_slot_index = m->slots - 1;
	d->voltage_support = CCID_VOLTAGE_5V | CCID_VOLTAGE_3V |
			     CCID_VOLTAGE_1V8;
	d->protocols = CCID_PROTOCOL_T0 | CCID_PROTOCOL_T1;
	d->default_clock = 4000;
	d->maximum_clock = 4000;
	d->data_rate = 10752;		/* 4 MHz / 372 */
	d->max_data_rate = m->max_data_rate;
	d->max_ifsd = 254;
	d->features = m->features;
	d->max_msg_len = CCID_SERIAL_MAX_MSG;
	d->class_get_response = 0xff;
	d->class_envelope = 0xff;
	d->pin_support = m->pin_support;
	d->max_busy_slots = 1;

	cs->rx.max_msg = CCID_SERIAL_MAX_MSG;
	cs->rx.notify_len = 1 + DIV_ROUND_UP(m->slots, 4);
}

/*
 * libccidtwin makes the reader's notifications synchronous (Escape 01 01
 * 01: a card change goes out only with the next answer), and the reader
 * keeps the mode after pcscd is gone: it would hold our card changes
 * until a command. Ask for asynchronous ones. A reader that does not know
 * the command answers with an error, which changes nothing; a reader that
 * does not answer at all fails the registration that follows.
 */
static void ccid_serial_async_notify(struct ccid_serial *cs)
{
	static const u8 msg[CCID_HDR_LEN + 3] = {
		CCID_PC_ESCAPE, 3, 0, 0, 0, 0, CCID_SERIAL_SETUP_SEQ, 0, 0, 0,
		0x01, 0x01, 0x00,
	};
	u8 rsp[CCID_HDR_LEN + 32];	/* a longer answer is ignored too */
	size_t len;

	if (!ccid_serial_send(&cs->ccid, msg, sizeof(msg)))
		ccid_serial_recv(&cs->ccid, rsp, sizeof(rsp), &len,
				 CCID_SERIAL_SETUP_MS);
}

static int ccid_serial_attach(struct ccid_serial *cs,
			      const struct scard_serial_attach *a)
{
	struct tty_struct *tty = cs->tty;
	int ret;

	if (a->flags || a->reserved || !a->model ||
	    a->model >= ARRAY_SIZE(ccid_serial_models) ||
	    !ccid_serial_models[a->model].name)
		return -EINVAL;

	mutex_lock(&cs->attach_lock);
	if (cs->registered) {
		ret = -EBUSY;
		goto out;
	}
	spin_lock_bh(&cs->lock);
	ret = cs->dead ? -ENODEV : 0;
	if (!ret) {
		cs->model = &ccid_serial_models[a->model];
		ccid_serial_set_desc(cs);
		twin_rx_reset(&cs->rx, NULL, 0);
	}
	spin_unlock_bh(&cs->lock);
	if (ret)
		goto out;

	strscpy(cs->ccid.vendor_name, "Gemalto", sizeof(cs->ccid.vendor_name));
	strscpy(cs->ccid.ifd_type, cs->model->name, sizeof(cs->ccid.ifd_type));
	cs->ccid.reader_type = SCARD_READER_TYPE_SERIAL;
	cs->ccid.channel = tty->index;
	cs->ccid.parent = tty->dev;
	cs->ccid.ops = &ccid_serial_ops;

	ccid_serial_async_notify(cs);
	ret = ccid_dev_register(&cs->ccid);
	if (ret) {
		spin_lock_bh(&cs->lock);
		cs->model = NULL;
		spin_unlock_bh(&cs->lock);
		goto out;
	}
	cs->registered = true;
out:
	mutex_unlock(&cs->attach_lock);
	return ret;
}

static int ccid_serial_open(struct tty_struct *tty)
{
	struct ccid_serial *cs;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!tty->ops->write)
		return -EOPNOTSUPP;
	/* The readers' parent: a tty without a device cannot be one. */
	if (!tty->dev)
		return -ENODEV;

	cs = kzalloc(sizeof(*cs), GFP_KERNEL);
	if (!cs)
		return -ENOMEM;
	cs->tty = tty;
	mutex_init(&cs->attach_lock);
	spin_lock_init(&cs->lock);
	init_waitqueue_head(&cs->wait);
	INIT_WORK(&cs->tx_work, ccid_serial_tx_work);
	INIT_DELAYED_WORK(&cs->rescan_work, ccid_serial_rescan_work);
	cs->rx.msg = cs->rx_buf;
	cs->rx.max_msg = CCID_SERIAL_MAX_MSG;
	cs->rx.notify_len = 2;

	tty->disc_data = cs;
	tty->receive_room = CCID_SERIAL_ROOM;
	return 0;
}

/* Every exchange fails from now on, and the waiting one at once. */
static void ccid_serial_kill(struct ccid_serial *cs)
{
	spin_lock_bh(&cs->lock);
	cs->dead = true;
	wake_up_all(&cs->wait);
	spin_unlock_bh(&cs->lock);
}

static void ccid_serial_close(struct tty_struct *tty)
{
	struct ccid_serial *cs = tty->disc_data;

	ccid_serial_kill(cs);
	mutex_lock(&cs->attach_lock);
	if (cs->registered)
		ccid_dev_unregister(&cs->ccid);
	cs->registered = false;
	mutex_unlock(&cs->attach_lock);

	/* No receive_buf or write_wakeup after close: only the works. */
	cancel_work_sync(&cs->tx_work);
	cancel_delayed_work_sync(&cs->rescan_work);
	clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	tty->disc_data = NULL;
	kfree(cs);
}

static void ccid_serial_hangup(struct tty_struct *tty)
{
	ccid_serial_kill(tty->disc_data);
	/* Wakes a holder in poll(): EPOLLHUP. */
	wake_up_interruptible_all(&tty->read_wait);
}

static __poll_t ccid_serial_poll(struct tty_struct *tty, struct file *file,
				 poll_table *wait)
{
	struct ccid_serial *cs = tty->disc_data;
	__poll_t mask = 0;

	poll_wait(file, &tty->read_wait, wait);
	spin_lock_bh(&cs->lock);
	if (cs->dead)
		mask = EPOLLHUP;
	spin_unlock_bh(&cs->lock);

	return mask;
}

static int ccid_serial_ioctl(struct tty_struct *tty, unsigned int cmd,
			     unsigned long arg)
{
	struct ccid_serial *cs = tty->disc_data;
	struct scard_serial_attach a;

	switch (cmd) {
	case SCARD_SERIAL_IOC_ATTACH:
		if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
			return -EFAULT;
		return ccid_serial_attach(cs, &a);
	default:
		return tty_mode_ioctl(tty, cmd, arg);
	}
}

static struct tty_ldisc_ops ccid_serial_ldisc = {
	.owner = THIS_MODULE,
	.name = "scard_ccid_serial",
	.open = ccid_serial_open,
	.close = ccid_serial_close,
	.hangup = ccid_serial_hangup,
	.ioctl = ccid_serial_ioctl,
	.poll = ccid_serial_poll,
	.receive_buf = ccid_serial_receive,
	.write_wakeup = ccid_serial_write_wakeup,
};

static int __init ccid_serial_init(void)
{
	if (ldisc <= N_TTY || ldisc >= NR_LDISCS) {
		pr_err("scard_ccid_serial: ldisc=%d is not a discipline number\n",
		       ldisc);
		return -EINVAL;
	}
	ccid_serial_ldisc.num = ldisc;
	return tty_register_ldisc(&ccid_serial_ldisc);
}
module_init(ccid_serial_init);

static void __exit ccid_serial_exit(void)
{
	tty_unregister_ldisc(&ccid_serial_ldisc);
}
module_exit(ccid_serial_exit);

MODULE_ALIAS_LDISC(SCARD_SERIAL_LDISC_DEFAULT);
MODULE_DESCRIPTION("scard serial CCID readers (Gemalto twin protocol) line discipline");
MODULE_LICENSE("GPL");
