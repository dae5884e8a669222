// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: the callbacks of a slot's scard reader. Each request
 * becomes CCID commands (cmd.c):
 *
 *	RDF_CARD_POWER		PowerOff; PowerOn, after PowerOff for a cold
 *				reset. bPowerSelect: automatic when the
 *				reader selects the voltage itself
 *				(CCID_FEAT_AUTO_VOLTAGE), else the highest
 *				voltage it supports (5 V if it names none);
 *				no retry at other voltages.
 *	RDF_SET_PROTOCOL	a reader that negotiates (AUTO_PARAM_NEG or
 *				AUTO_PPS_CUR) and every APDU level reader:
 *				SetParameters with the protocol and the
 *				Fi/Di scard_pps_select() picks, the reader
 *				runs PPS; on failure once more with the
 *				default Fi/Di; at APDU level with T=0,
 *				T0APDU when the reader's classes of GET
 *				RESPONSE and ENVELOPE are fixed (see
 *				ccid_t0_classes()). Other TPDU and character
 *				level readers: the library's PPS through
 *				XfrBlock, then SetParameters (and
 *				SetDataRateAndClockFrequency without
 *				AUTO_BAUD or AUTO_CLOCK) in io->set_params.
 *	RDF_TRANSMIT		APDU level: XfrBlock (chained on an extended
 *				APDU reader); TPDU and character level: the
 *				library's T=0/T=1 engines over io->xfer
 *				(one XfrBlock per TPDU, block or PPS) or
 *				io->transceive (one XfrBlock per turn: the bytes
 *				to send, wLevelParameter = bytes to read).
 *	RDF_CARD_TRACKING	nothing: the interrupt endpoint reports the
 *				changes (ccid_notify()).
 *	RDF_CARD_EJECT ...	Mechanical (eject, accept, capture) when
 *				dwMechanical says the reader can.
 *	RDF_PIN_ENTRY		Secure, on a PIN pad (pin.c).
 *	RDF_IOCTL_VENDOR	Escape with the input, for every vendor code
 *				but the library's PC/SC part 10 ones
 *				(3500 is the usual one for CCID escapes),
 *				only when the administrator allows it
 *				(allow_escape): some readers take firmware
 *				updates through Escape.
 *
 * Timeouts: commands without card timing wait ccid_default_timeout_ms()
 * (3 s). An exchange with the card waits for the larger of the time the
 * library allows and the card's own WT (T=0) or BWT (T=1), computed with
 * scard_timing_compute() for the parameters set, plus CCID_SLACK_MS for
 * the reader and the transport, never less than the default; a time
 * extension lasts bError times that WT or BWT, and the whole command
 * CCID_TIME_EXT_MAX of them at most (ccid_budget_ms()).
 */

#include <linux/errno.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/scard.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "msg.h"

/* What the reader and the transport add to the card's time. */
#define CCID_SLACK_MS		1000
/* bmTCCKST0/1 */
#define CCID_TCCKS_CRC		BIT(0)
#define CCID_TCCKS_INVERSE	BIT(1)
#define CCID_TCCKS_T1		0x10

static struct ccid_slot *to_slot(struct scard_reader *reader)
{
	return scard_get_drvdata(reader);
}

static unsigned int ccid_level(const struct ccid_dev *dev)
{
	return dev->desc.features & CCID_FEAT_LEVEL_MASK;
}

/* The reader runs PPS (or its own negotiation) itself. */
static bool ccid_negotiates(const struct ccid_dev *dev)
{
	return dev->desc.features &
		(CCID_FEAT_AUTO_PARAM_NEG | CCID_FEAT_AUTO_PPS_CUR);
}

/* At least what @ns says, at most CCID_WAIT_MAX_MS (any @ns). */
static unsigned int ccid_ns_to_ms(u64 ns)
{
	return min_t(u64, div_u64(ns, NSEC_PER_MSEC) + 1, CCID_WAIT_MAX_MS);
}

/* The card's own wait for the parameters set: BWT, WT, or 0 if unknown. */
static u64 ccid_card_wait_ns(const struct ccid_slot *slot)
{
	if (!slot->timed)
		return 0;
	if (slot->protocol == SCARD_PROTO_T1)
		return slot->timing.bwt_ns;
	return slot->timing.wt_ns;
}

/* Bounds of an exchange with the card that takes at most @ns. */
void ccid_card_wait(const struct ccid_slot *slot, u64 ns, struct ccid_wait *w)
{
	u64 card_ns = ccid_card_wait_ns(slot);
	unsigned int ms = ccid_ns_to_ms(max(ns, card_ns)) + CCID_SLACK_MS;

	w->timeout_ms = clamp_t(unsigned int, ms, ccid_default_timeout_ms(),
				CCID_WAIT_MAX_MS);
	w->ext_ms = card_ns ? ccid_ns_to_ms(card_ns) : 0;
}

/* Forget the parameters: the card was reset or powered down. */
static void ccid_slot_forget(struct ccid_slot *slot)
{
	slot->protocol = SCARD_PROTO_UNDEFINED;
	slot->timed = false;
	WRITE_ONCE(slot->clock_stop, 0);
}

static u8 ccid_power_select(const struct ccid_desc *desc)
{
	if (desc->features & CCID_FEAT_AUTO_VOLTAGE)
		return CCID_POWER_AUTO;
	if (!desc->voltage_support ||
	    (desc->voltage_support & CCID_VOLTAGE_5V))
		return CCID_POWER_5V;
	if (desc->voltage_support & CCID_VOLTAGE_3V)
		return CCID_POWER_3V;
	return CCID_POWER_1V8;
}

/*
 * The slot is held for the whole power sequence: a slot poll that found
 * the card unpowered must not see it "powered by the host" (unpowered
 * false) before the IccPowerOn, or it takes it for another card.
 */
static int ccid_power_slot_locked(struct ccid_slot *slot, u32 minor,
				  u8 *atr, size_t size, size_t *len)
{
	struct ccid_dev *dev = slot->dev;
	int ret;

	*len = 0;
	switch (minor) {
	case SCARD_POWER_DOWN:
		ret = ccid_power_off_locked(dev, slot->index);
		if (!ret)
			WRITE_ONCE(slot->unpowered, true);
		return ret;
	case SCARD_COLD_RESET:
		/*
		 * IccPowerOn of a card that is not powered is a cold reset:
		 * a card just inserted or powered down needs no IccPowerOff
		 * first (one exchange less when a card comes in).
		 */
		if (READ_ONCE(slot->unpowered))
			break;
		ret = ccid_power_off_locked(dev, slot->index);
		if (ret)
			return ret;
		break;
	case SCARD_WARM_RESET:
		break;
	default:
		return -EINVAL;
	}

	/* From now on the card may be powered, whatever the outcome. */
	WRITE_ONCE(slot->unpowered, false);
	return ccid_power_on_locked(dev, slot->index,
				    ccid_power_select(&dev->desc), atr, size,
				    len);
}

static int ccid_power(struct scard_reader *reader, struct scard_request *req)
{
	struct ccid_slot *slot = to_slot(reader);
	struct ccid_dev *dev = slot->dev;
	u8 atr[SCARD_ATR_MAX];
	size_t len;
	int ret;

	ccid_slot_forget(slot);
	ret = ccid_io_lock(dev, slot->index);
	if (ret)
		return ret;
	ret = ccid_power_slot_locked(slot, req->minor, atr, sizeof(atr), &len);
	ccid_io_unlock(dev, slot->index);
	if (ret || req->minor == SCARD_POWER_DOWN)
		return ret;

	return scard_set_atr(reader, atr, len);
}

/* abProtocolDataStructure for the card's ATR and the Fi/Di to use. */
static size_t ccid_params_build(struct scard_reader *reader, u32 protocol,
				u8 fl, u8 dl, u8 *p)
{
	const struct scard_card_caps *card = &reader->card;
	const struct ccid_dev *dev = to_slot(reader)->dev;
	u8 tccks = card->inverse ? CCID_TCCKS_INVERSE : 0;
	u8 stop = 0;

	if (dev->desc.features & CCID_FEAT_CLOCK_STOP)
		stop = card->clock_stop;

	p[0] = (fl & 0xf) << 4 | (dl & 0xf);
	p[2] = card->n;
	p[4] = stop;
	if (protocol == SCARD_PROTO_T1) {
		p[1] = CCID_TCCKS_T1 | tccks | (card->edc ? CCID_TCCKS_CRC : 0);
		p[3] = (card->bwi & 0xf) << 4 | (card->cwi & 0xf);
		p[5] = card->ifsc;
		p[6] = 0;	/* NAD */
		return CCID_T1_PARAMS_LEN;
	}

	p[1] = tccks;
	p[3] = card->wi;
	return CCID_T0_PARAMS_LEN;
}

/* SetParameters, and the card's timing for them. */
static int ccid_slot_set_params(struct scard_reader *reader, u32 protocol,
				u8 fl, u8 dl, u32 clk_khz)
{
	struct ccid_slot *slot = to_slot(reader);
	struct ccid_dev *dev = slot->dev;
	u8 p[CCID_PARAMS_MAX];
	size_t len;
	int ret;

	slot->protocol = SCARD_PROTO_UNDEFINED;
	slot->timed = false;
	WRITE_ONCE(slot->clock_stop, 0);
	len = ccid_params_build(reader, protocol, fl, dl, p);
	ret = ccid_set_params(dev, slot->index,
			      protocol == SCARD_PROTO_T1 ? CCID_PROTO_T1 :
			      CCID_PROTO_T0, p, len);
	if (ret)
		return ret;

	slot->protocol = protocol;
	/* bClockStop went to the reader: the clock may stop (clock.c). */
	WRITE_ONCE(slot->clock_stop, dev->desc.features & CCID_FEAT_CLOCK_STOP ?
		   reader->card.clock_stop : 0);
	if (!clk_khz)
		clk_khz = dev->desc.default_clock ?: SCARD_CLK_DEFAULT_KHZ;
	slot->timed = !scard_timing_compute(&slot->timing, &reader->card,
					    protocol, fl, dl, clk_khz);

	return 0;
}

/*
 * An APDU level reader runs T=0's GET RESPONSE and ENVELOPE itself, with
 * the classes of its descriptor, 0xFF meaning the command's own class. A
 * fixed class would follow a command of a proprietary class (80) with a
 * GET RESPONSE of class 00, which a card may refuse: PC_to_RDR_T0APDU
 * asks for the command's class. A reader that refuses the command keeps
 * its classes.
 */
static int ccid_t0_classes(struct scard_reader *reader, u32 protocol)
{
	struct ccid_slot *slot = to_slot(reader);
	const struct ccid_desc *desc = &slot->dev->desc;
	int ret;

	if (protocol != SCARD_PROTO_T0 ||
	    reader->caps.level != SCARD_LEVEL_APDU ||
	    (desc->class_get_response == CCID_CLASS_ECHO &&
	     desc->class_envelope == CCID_CLASS_ECHO))
		return 0;

	ret = ccid_t0apdu(slot->dev, slot->index, CCID_T0APDU_BOTH,
			  CCID_CLASS_ECHO, CCID_CLASS_ECHO);
	if (ret == -ENODEV || ret == -ENOMEDIUM || ret == -EINTR)
		return ret;
	if (ret)
		dev_dbg(slot->dev->parent,
			"slot %u: T0APDU: %d, the reader keeps its classes\n",
			slot->index, ret);
	return 0;
}

/* SET_PROTOCOL when the reader runs PPS: it gets the parameters. */
static int ccid_set_protocol(struct scard_reader *reader,
			     struct scard_request *req)
{
	u32 mask = req->minor | (req->flags & SCARD_PROTO_DEFAULT);
	struct scard_pps pps;
	int ret;

	ret = scard_pps_select(&pps, &reader->card, &reader->caps, mask);
	if (ret)
		return ret;
	if (pps.protocol != req->minor)
		return -EOPNOTSUPP;

	ret = ccid_slot_set_params(reader, pps.protocol, pps.fl, pps.dl,
				   pps.clk_khz);
	if (ret && ret != -ENODEV && ret != -ENOMEDIUM &&
	    (pps.fl != SCARD_ATR_DEFAULT_FL || pps.dl != SCARD_ATR_DEFAULT_DL))
		/* The reader could not get TA1's speed from the card. */
		ret = ccid_slot_set_params(reader, pps.protocol,
					   SCARD_ATR_DEFAULT_FL,
					   SCARD_ATR_DEFAULT_DL, 0);
	if (ret)
		return ret;

	return ccid_t0_classes(reader, pps.protocol);
}

/* io->set_params: the library negotiated these; tell the reader. */
static int ccid_io_set_params(struct scard_reader *reader, u32 protocol,
			      u8 fl, u8 dl, u32 clk_khz)
{
	struct ccid_slot *slot = to_slot(reader);
	struct ccid_dev *dev = slot->dev;
	u32 auto_rate = CCID_FEAT_AUTO_BAUD | CCID_FEAT_AUTO_CLOCK;
	u32 clk = clk_khz, rate;
	int ret;

	/* ccid_set_protocol() had the reader negotiate: keep its choice. */
	if (ccid_negotiates(dev) && slot->protocol == protocol)
		return 0;

	ret = ccid_slot_set_params(reader, protocol, fl, dl, clk_khz);
	if (ret || (dev->desc.features & auto_rate) == auto_rate)
		return ret;

	rate = scard_data_rate_bps(fl, dl, clk_khz);
	ret = ccid_set_rate_clock(dev, slot->index, &clk, &rate);

	return ret == -EOPNOTSUPP ? 0 : ret;
}

/* APDU level */
static int ccid_transmit(struct scard_reader *reader,
			 struct scard_request *req)
{
	struct ccid_slot *slot = to_slot(reader);
	struct ccid_wait w;

	ccid_card_wait(slot, 0, &w);
	return ccid_xfr_apdu(slot->dev, slot->index, req->send, req->send_len,
			     req->recv, req->recv_size, &req->recv_len, &w);
}

/* TPDU level: a T=0 TPDU, a T=1 block or a PPS request. */
static int ccid_io_xfer(struct scard_reader *reader, unsigned int kind,
			const u8 *tx, size_t tx_len, u8 *rx, size_t rx_size,
			size_t *rx_len, u64 timeout_ns)
{
	struct ccid_slot *slot = to_slot(reader);
	u64 bwt = slot->timing.bwt_ns;
	struct ccid_wait w;
	u8 bwi = 0;

	/* T=1 WTX: the library waits a multiple of BWT, so must the reader. */
	if (kind == SCARD_XFER_DATA && slot->timed && bwt &&
	    slot->protocol == SCARD_PROTO_T1 && timeout_ns >= 2 * bwt)
		bwi = min_t(u64, div64_u64(timeout_ns, bwt), U8_MAX);

	ccid_card_wait(slot, timeout_ns, &w);
	return ccid_xfr_block(slot->dev, slot->index, bwi, 0, tx, tx_len, rx,
			      rx_size, rx_len, &w);
}

/* Character level: one turn, the bytes sent and those read back. */
static int ccid_io_transceive(struct scard_reader *reader, const u8 *tx,
			      size_t tx_len, u8 *rx, size_t rx_len,
			      size_t *got, u64 first_ns, u64 next_ns)
{
	struct ccid_slot *slot = to_slot(reader);
	struct ccid_wait w;

	if (rx_len > U16_MAX)
		return -EMSGSIZE;

	ccid_card_wait(slot, scard_char_timeout_ns(first_ns, next_ns, rx_len),
		       &w);
	return ccid_xfr_block(slot->dev, slot->index, 0, rx_len, tx, tx_len,
			      rx, rx_len, got, &w);
}

/* Changes come from the interrupt endpoint; there is nothing to arm. */
static int ccid_card_tracking(struct scard_reader *reader,
			      struct scard_request *req)
{
	return 0;
}

static int ccid_eject(struct scard_reader *reader, struct scard_request *req)
{
	struct ccid_slot *slot = to_slot(reader);

	return ccid_mechanical(slot->dev, slot->index, CCID_MECH_EJECT);
}

static int ccid_swallow(struct scard_reader *reader,
			struct scard_request *req)
{
	struct ccid_slot *slot = to_slot(reader);

	return ccid_mechanical(slot->dev, slot->index, CCID_MECH_ACCEPT);
}

static int ccid_confiscate(struct scard_reader *reader,
			   struct scard_request *req)
{
	struct ccid_slot *slot = to_slot(reader);

	return ccid_mechanical(slot->dev, slot->index, CCID_MECH_CAPTURE);
}

/*
 * PC_to_RDR_Escape reaches a reader's firmware directly (some readers are
 * reprogrammed through it), so VENDOR stays off until the administrator
 * allows it, as pcscd's libccid does with its ifdDriverOptions.
 */
static bool allow_escape;
module_param(allow_escape, bool, 0644);
MODULE_PARM_DESC(allow_escape,
		 "let SCARD_IOC_VENDOR send PC_to_RDR_Escape to CCID readers (default: off)");

static int ccid_vendor(struct scard_reader *reader, struct scard_request *req)
{
	struct ccid_slot *slot = to_slot(reader);

	if (!READ_ONCE(allow_escape))
		return -EOPNOTSUPP;

	return ccid_escape(slot->dev, slot->index, req->send, req->send_len,
			   req->recv, req->recv_size, &req->recv_len);
}

static const struct scard_io_ops ccid_tpdu_ops = {
	.xfer = ccid_io_xfer,
	.set_params = ccid_io_set_params,
};

static const struct scard_io_ops ccid_char_ops = {
	.transceive = ccid_io_transceive,
	.set_params = ccid_io_set_params,
};

static void ccid_reader_caps(struct ccid_slot *slot,
			     struct scard_reader *reader)
{
	const struct ccid_dev *dev = slot->dev;
	const struct ccid_desc *desc = &dev->desc;
	struct scard_reader_caps *caps = &reader->caps;
	struct scard_vendor_attr *vendor = &reader->vendor;

	caps->reader_type = dev->reader_type;
	caps->channel = dev->channel;
	if (desc->protocols & CCID_PROTOCOL_T0)
		caps->protocols |= SCARD_PROTO_T0;
	if (desc->protocols & CCID_PROTOCOL_T1)
		caps->protocols |= SCARD_PROTO_T1;
	caps->clk_default = desc->default_clock ?: SCARD_CLK_DEFAULT_KHZ;
	caps->clk_max = max(desc->maximum_clock, caps->clk_default);
	caps->rate_default = desc->data_rate;
	caps->rate_max = max(desc->max_data_rate, desc->data_rate);
	caps->clk_list = dev->clocks;
	caps->clk_count = dev->clocks ? dev->num_clocks : 0;
	caps->rate_list = dev->rates;
	caps->rate_count = dev->rates ? dev->num_rates : 0;
	caps->max_ifsd = desc->max_ifsd >= 1 && desc->max_ifsd <=
		SCARD_T1_IFS_MAX ? desc->max_ifsd : SCARD_T1_IFS_MAX;
	if (desc->mechanical & CCID_MECH_CAN_ACCEPT)
		caps->mechanical |= SCARD_READER_SWALLOWS;
	if (desc->mechanical & CCID_MECH_CAN_EJECT)
		caps->mechanical |= SCARD_READER_EJECTS;
	if (desc->mechanical & CCID_MECH_CAN_CAPTURE)
		caps->mechanical |= SCARD_READER_CONFISCATES;

	BUILD_BUG_ON(sizeof(dev->vendor_name) > sizeof(vendor->vendor_name) ||
		     sizeof(dev->ifd_type) > sizeof(vendor->ifd_type) ||
		     sizeof(dev->serial) > sizeof(vendor->ifd_serial));
	strscpy(vendor->vendor_name, dev->vendor_name,
		sizeof(vendor->vendor_name));
	strscpy(vendor->ifd_type, dev->ifd_type, sizeof(vendor->ifd_type));
	strscpy(vendor->ifd_serial, dev->serial, sizeof(vendor->ifd_serial));
	vendor->ifd_version = dev->ifd_version;
	vendor->unit = slot->index;
}

/**
 * ccid_reader_init() - capabilities and callbacks of a slot's reader
 * @slot: the slot
 * @reader: its new reader
 *
 * Context: process context.
 * Return: 0 or -ENOMEM.
 */
int ccid_reader_init(struct ccid_slot *slot, struct scard_reader *reader)
{
	int (**fn)(struct scard_reader *r, struct scard_request *q) =
		reader->reader_function;
	const struct ccid_dev *dev = slot->dev;
	u32 mech;

	ccid_reader_caps(slot, reader);
	mech = reader->caps.mechanical;
	fn[RDF_CARD_POWER] = ccid_power;
	fn[RDF_CARD_TRACKING] = ccid_card_tracking;
	fn[RDF_IOCTL_VENDOR] = ccid_vendor;
	if (mech & SCARD_READER_EJECTS)
		fn[RDF_CARD_EJECT] = ccid_eject;
	if (mech & SCARD_READER_SWALLOWS)
		fn[RDF_READER_SWALLOW] = ccid_swallow;
	if (mech & SCARD_READER_CONFISCATES)
		fn[RDF_CARD_CONFISCATE] = ccid_confiscate;

	ccid_pin_init(dev, reader);

	switch (ccid_level(dev)) {
	case CCID_FEAT_LEVEL_CHAR:
		reader->caps.level = SCARD_LEVEL_CHAR;
		reader->io = &ccid_char_ops;
		fn[RDF_TRANSMIT] = scard_proto_transmit;
		fn[RDF_SET_PROTOCOL] = ccid_negotiates(dev) ?
			ccid_set_protocol : scard_proto_set_protocol;
		break;
	case CCID_FEAT_LEVEL_TPDU:
		reader->caps.level = SCARD_LEVEL_TPDU;
		reader->io = &ccid_tpdu_ops;
		fn[RDF_TRANSMIT] = scard_proto_transmit;
		fn[RDF_SET_PROTOCOL] = ccid_negotiates(dev) ?
			ccid_set_protocol : scard_proto_set_protocol;
		break;
	default:
		reader->caps.level = SCARD_LEVEL_APDU;
		/* An extended APDU level reader takes chained XfrBlocks. */
		if (ccid_level(dev) == CCID_FEAT_LEVEL_SHORT_APDU)
			reader->caps.max_apdu = SCARD_SHORT_APDU_MAX;
		fn[RDF_TRANSMIT] = ccid_transmit;
		fn[RDF_SET_PROTOCOL] = ccid_set_protocol;
		break;
	}

	return 0;
}
