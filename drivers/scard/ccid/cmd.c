// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: the commands, each one ccid_cmd() but the chained APDUs.
 *
 * Exchanges with the card (XfrBlock) by level of dwFeatures: a character
 * level reader gets the bytes to send and, in wLevelParameter, the number
 * of bytes to read back; TPDU and short APDU level readers one TPDU or
 * APDU per message; an extended APDU level reader gets a command longer
 * than dwMaxCCIDMessageLength - 10 in a chain (wLevelParameter 1, 3 ...,
 * 2, each part answered by an empty DataBlock with bChainParameter 0x10)
 * and returns a long response in a chain (bChainParameter 1, 3 ..., 2,
 * each next part asked for by an empty XfrBlock with wLevelParameter
 * 0x10).
 */

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include "../compat.h"

#include "msg.h"

/**
 * ccid_power_on_locked() - PC_to_RDR_IccPowerOn, the slot held
 * @dev: the device
 * @slot: bSlot, held (ccid_io_lock())
 * @power_select: bPowerSelect, CCID_POWER_*
 * @atr: room for the ATR
 * @size: size of @atr
 * @len: out: length of the ATR
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_power_on_locked(struct ccid_dev *dev, u8 slot, u8 power_select,
			 u8 *atr, size_t size, size_t *len)
{
	struct ccid_msg m = {
		.type = CCID_PC_ICC_POWER_ON,
		.slot = slot,
		.param = { power_select },
		.timeout_ms = ccid_default_timeout_ms(),
		.rsp = atr,
		.rsp_size = size,
	};
	int ret;

	ret = ccid_cmd_locked(dev, &m);
	*len = ret ? 0 : m.rsp_len;

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_power_on_locked);

/**
 * ccid_power_off_locked() - PC_to_RDR_IccPowerOff, the slot held
 * @dev: the device
 * @slot: bSlot, held (ccid_io_lock())
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_power_off_locked(struct ccid_dev *dev, u8 slot)
{
	struct ccid_msg m = {
		.type = CCID_PC_ICC_POWER_OFF,
		.slot = slot,
		.timeout_ms = ccid_default_timeout_ms(),
	};

	return ccid_cmd_locked(dev, &m);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_power_off_locked);

static int ccid_simple(struct ccid_dev *dev, u8 type, u8 slot, u8 p1,
		       u8 *icc)
{
	struct ccid_msg m = {
		.type = type,
		.slot = slot,
		.param = { p1 },
		.timeout_ms = ccid_default_timeout_ms(),
	};
	int ret;

	ret = ccid_cmd(dev, &m);
	if (icc)
		*icc = FIELD_GET(CCID_ICC_STATUS, m.status);

	return ret;
}

/**
 * ccid_slot_status() - PC_to_RDR_GetSlotStatus
 * @dev: the device
 * @slot: bSlot
 * @icc: out: bmICCStatus, CCID_ICC_ACTIVE, _INACTIVE or _ABSENT
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_slot_status(struct ccid_dev *dev, u8 slot, u8 *icc)
{
	return ccid_simple(dev, CCID_PC_GET_SLOT_STATUS, slot, 0, icc);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_slot_status);

/**
 * ccid_slot_status_locked() - PC_to_RDR_GetSlotStatus, device held
 * @dev: the device, the slot held
 * @slot: bSlot
 * @icc: out: bmICCStatus, CCID_ICC_ACTIVE, _INACTIVE or _ABSENT
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_slot_status_locked(struct ccid_dev *dev, u8 slot, u8 *icc)
{
	struct ccid_msg m = {
		.type = CCID_PC_GET_SLOT_STATUS,
		.slot = slot,
		.timeout_ms = ccid_default_timeout_ms(),
	};
	int ret;

	ret = ccid_cmd_locked(dev, &m);
	*icc = FIELD_GET(CCID_ICC_STATUS, m.status);

	return ret;
}

/**
 * ccid_mechanical() - PC_to_RDR_Mechanical
 * @dev: the device
 * @slot: bSlot
 * @function: bFunction, CCID_MECH_ACCEPT, _EJECT, _CAPTURE, ...
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_mechanical(struct ccid_dev *dev, u8 slot, u8 function)
{
	return ccid_simple(dev, CCID_PC_MECHANICAL, slot, function, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_mechanical);

/**
 * ccid_t0apdu() - PC_to_RDR_T0APDU
 * @dev: the device
 * @slot: bSlot
 * @changes: bmChanges: CCID_T0APDU_GET_RESPONSE, CCID_T0APDU_ENVELOPE
 * @get_response: bClassGetResponse (CCID_CLASS_ECHO: the command's)
 * @envelope: bClassEnvelope (CCID_CLASS_ECHO: the command's)
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_t0apdu(struct ccid_dev *dev, u8 slot, u8 changes, u8 get_response,
		u8 envelope)
{
	struct ccid_msg m = {
		.type = CCID_PC_T0_APDU,
		.slot = slot,
		.param = { changes, get_response, envelope },
		.timeout_ms = ccid_default_timeout_ms(),
	};

	return ccid_cmd(dev, &m);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_t0apdu);

static void ccid_xfr_msg(struct ccid_msg *m, u8 slot, u8 bwi, u16 level,
			 const u8 *tx, size_t tx_len, u8 *rx, size_t rx_size,
			 const struct ccid_wait *wait)
{
	memset(m, 0, sizeof(*m));
	m->type = CCID_PC_XFR_BLOCK;
	m->slot = slot;
	m->param[0] = bwi;
	put_unaligned_le16(level, &m->param[1]);
	m->data = tx;
	m->len = tx_len;
	m->timeout_ms = wait->timeout_ms;
	m->ext_ms = wait->ext_ms;
	m->rsp = rx;
	m->rsp_size = rx_size;
}

/**
 * ccid_xfr_block() - PC_to_RDR_XfrBlock
 * @dev: the device
 * @slot: bSlot
 * @bwi: bBWI, the BWT multiplier for this block (T=1 WTX), 0 if none
 * @level: wLevelParameter (character level: the bytes to read back)
 * @tx: abData
 * @tx_len: length of @tx
 * @rx: room for the DataBlock's abData
 * @rx_size: size of @rx
 * @rx_len: out: bytes received, also when the command failed
 * @wait: its bounds
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_xfr_block(struct ccid_dev *dev, u8 slot, u8 bwi, u16 level,
		   const u8 *tx, size_t tx_len, u8 *rx, size_t rx_size,
		   size_t *rx_len, const struct ccid_wait *wait)
{
	struct ccid_msg m;
	int ret;

	ccid_xfr_msg(&m, slot, bwi, level, tx, tx_len, rx, rx_size, wait);
	ret = ccid_cmd(dev, &m);
	*rx_len = m.rsp_len;
	/*
	 * A card pulled during the exchange: some readers (QEMU's) answer
	 * "command OK, no card" with no data rather than failing it.
	 */
	if (!ret && FIELD_GET(CCID_ICC_STATUS, m.status) == CCID_ICC_ABSENT)
		ret = -ENOMEDIUM;

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_xfr_block);

/* Extended APDU level: the command in parts, each answered empty. */
static int ccid_xfr_chain_out(struct ccid_dev *dev, u8 slot, const u8 *tx,
			      size_t tx_len, size_t *off,
			      const struct ccid_wait *wait)
{
	size_t max = dev->buf_size - CCID_HDR_LEN;
	struct ccid_msg m;
	int ret;

	while (tx_len - *off > max) {
		ccid_xfr_msg(&m, slot, 0, *off ? CCID_CHAIN_MIDDLE :
			     CCID_CHAIN_BEGIN, tx + *off, max, NULL, 0, wait);
		ret = ccid_cmd_locked(dev, &m);
		if (ret)
			return ret;
		if (m.rsp_param != CCID_CHAIN_MORE) {
			dev_dbg_ratelimited(dev->parent,
					    "slot %u: chain parameter %#x, expected %#x\n",
					    slot, m.rsp_param, CCID_CHAIN_MORE);
			return -EPROTO;
		}
		*off += max;
	}

	return 0;
}

/**
 * ccid_xfr_apdu() - an APDU through an APDU level reader
 * @dev: the device
 * @slot: bSlot
 * @tx: the command APDU
 * @tx_len: length of @tx
 * @rx: room for the response APDU
 * @rx_size: size of @rx
 * @rx_len: out: length of the response
 * @wait: bounds of each message
 *
 * On an extended APDU level reader, a command longer than a message can
 * carry goes in a chain, and a response in parts is put together. Each
 * part of a response but the last must carry data, so that a chain ends
 * within @rx_size. Other readers get the command in one message, and the
 * chain parameter of their reply (reserved) is ignored.
 *
 * Context: process context.
 * Return: see ccid_cmd_locked(); -EPROTO also for a broken chain.
 */
int ccid_xfr_apdu(struct ccid_dev *dev, u8 slot, const u8 *tx,
		  size_t tx_len, u8 *rx, size_t rx_size, size_t *rx_len,
		  const struct ccid_wait *wait)
{
	bool ext = (dev->desc.features & CCID_FEAT_LEVEL_MASK) ==
		CCID_FEAT_LEVEL_EXT_APDU;
	size_t off = 0, got = 0;
	struct ccid_msg m;
	bool first = true;
	int ret;

	ret = ccid_io_lock(dev, slot);
	if (ret) {
		*rx_len = 0;
		return ret;
	}
	if (ext) {
		ret = ccid_xfr_chain_out(dev, slot, tx, tx_len, &off, wait);
		if (ret)
			goto out;
	}

	ccid_xfr_msg(&m, slot, 0, off ? CCID_CHAIN_END : CCID_CHAIN_NONE,
		     tx + off, tx_len - off, rx, rx_size, wait);
	for (;;) {
		ret = ccid_cmd_locked(dev, &m);
		if (ret)
			goto out;
		got += m.rsp_len;
		if (!ext)
			break;

		if (m.rsp_param == (first ? CCID_CHAIN_NONE : CCID_CHAIN_END))
			break;
		if (m.rsp_param != (first ? CCID_CHAIN_BEGIN :
				    CCID_CHAIN_MIDDLE) || !m.rsp_len) {
			dev_dbg_ratelimited(dev->parent,
					    "slot %u: chain parameter %#x after %zu bytes\n",
					    slot, m.rsp_param, m.rsp_len);
			ret = -EPROTO;
			goto out;
		}
		first = false;
		ccid_xfr_msg(&m, slot, 0, CCID_CHAIN_MORE, NULL, 0, rx + got,
			     rx_size - got, wait);
	}

out:
	ccid_io_unlock(dev, slot);
	*rx_len = ret ? 0 : got;

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_xfr_apdu);

static int ccid_params_cmd(struct ccid_dev *dev, u8 type, u8 slot,
			   u8 *proto, u8 *params, size_t *len)
{
	struct ccid_msg m = {
		.type = type,
		.slot = slot,
		.timeout_ms = ccid_default_timeout_ms(),
		.rsp = params,
		.rsp_size = CCID_PARAMS_MAX,
	};
	int ret;

	ret = ccid_cmd(dev, &m);
	*proto = m.rsp_param;
	*len = m.rsp_len;

	return ret;
}

/**
 * ccid_get_params() - PC_to_RDR_GetParameters
 * @dev: the device
 * @slot: bSlot
 * @proto: out: bProtocolNum
 * @params: room for CCID_PARAMS_MAX bytes of abProtocolDataStructure
 * @len: out: its length
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_get_params(struct ccid_dev *dev, u8 slot, u8 *proto, u8 *params,
		    size_t *len)
{
	return ccid_params_cmd(dev, CCID_PC_GET_PARAMETERS, slot, proto,
			       params, len);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_get_params);

/**
 * ccid_reset_params() - PC_to_RDR_ResetParameters
 * @dev: the device
 * @slot: bSlot
 * @proto: out: bProtocolNum
 * @params: room for CCID_PARAMS_MAX bytes of abProtocolDataStructure
 * @len: out: its length
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_reset_params(struct ccid_dev *dev, u8 slot, u8 *proto, u8 *params,
		      size_t *len)
{
	return ccid_params_cmd(dev, CCID_PC_RESET_PARAMETERS, slot, proto,
			       params, len);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_reset_params);

/**
 * ccid_set_params() - PC_to_RDR_SetParameters
 * @dev: the device
 * @slot: bSlot
 * @proto: bProtocolNum, CCID_PROTO_T0 or CCID_PROTO_T1
 * @params: abProtocolDataStructure
 * @len: its length (CCID_T0_PARAMS_LEN or CCID_T1_PARAMS_LEN)
 *
 * A reader that negotiates by itself (dwFeatures) runs PPS with the card
 * for the parameters it is given.
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_set_params(struct ccid_dev *dev, u8 slot, u8 proto,
		    const u8 *params, size_t len)
{
	u8 rsp[CCID_PARAMS_MAX];
	struct ccid_msg m = {
		.type = CCID_PC_SET_PARAMETERS,
		.slot = slot,
		.param = { proto },
		.data = params,
		.len = len,
		.timeout_ms = ccid_default_timeout_ms(),
		.rsp = rsp,
		.rsp_size = sizeof(rsp),
	};

	return ccid_cmd(dev, &m);
}
EXPORT_SYMBOL_IF_KUNIT(ccid_set_params);

/**
 * ccid_escape() - PC_to_RDR_Escape
 * @dev: the device
 * @slot: bSlot
 * @in: abData, the vendor command
 * @in_len: length of @in
 * @out: room for the reader's answer
 * @out_size: size of @out
 * @out_len: out: length of the answer
 *
 * Return: see ccid_cmd_locked().
 */
int ccid_escape(struct ccid_dev *dev, u8 slot, const u8 *in, size_t in_len,
		u8 *out, size_t out_size, size_t *out_len)
{
	struct ccid_msg m = {
		.type = CCID_PC_ESCAPE,
		.slot = slot,
		.data = in,
		.len = in_len,
		.timeout_ms = ccid_default_timeout_ms(),
		.rsp = out,
		.rsp_size = out_size,
	};
	int ret;

	ret = ccid_cmd(dev, &m);
	*out_len = ret ? 0 : m.rsp_len;

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_escape);

/**
 * ccid_set_rate_clock() - PC_to_RDR_SetDataRateAndClockFrequency
 * @dev: the device
 * @slot: bSlot
 * @clk_khz: in: the clock to set; out: the one the reader applied
 * @rate_bps: in: the data rate to set; out: the one the reader applied
 *
 * Return: see ccid_cmd_locked(); -EPROTO when the answer is not 8 bytes.
 */
int ccid_set_rate_clock(struct ccid_dev *dev, u8 slot, u32 *clk_khz,
			u32 *rate_bps)
{
	u8 data[8], rsp[8];
	struct ccid_msg m = {
		.type = CCID_PC_SET_RATE_CLOCK,
		.slot = slot,
		.data = data,
		.len = sizeof(data),
		.timeout_ms = ccid_default_timeout_ms(),
		.rsp = rsp,
		.rsp_size = sizeof(rsp),
	};
	int ret;

	put_unaligned_le32(*clk_khz, data);
	put_unaligned_le32(*rate_bps, data + 4);
	ret = ccid_cmd(dev, &m);
	if (ret)
		return ret;
	if (m.rsp_len != sizeof(rsp))
		return -EPROTO;

	*clk_khz = get_unaligned_le32(rsp);
	*rate_bps = get_unaligned_le32(rsp + 4);

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_set_rate_clock);

/**
 * ccid_secure() - PC_to_RDR_Secure, the whole PIN entry in one message
 * @dev: the device
 * @slot: bSlot
 * @data: abData: bPINOperation and its data structure
 * @len: length of @data
 * @rsp: room for the DataBlock's abData
 * @rsp_size: size of @rsp
 * @rsp_len: out: its length
 * @error: out: bError of the reply (CCID_ERR_PIN_TIMEOUT, ...)
 * @wait: its bounds: the user's time is in @wait->timeout_ms
 *
 * Context: process context.
 * Return: see ccid_cmd_locked(); -ENOMEDIUM also for a reply that says
 * "no card".
 */
int ccid_secure(struct ccid_dev *dev, u8 slot, const u8 *data, size_t len,
		u8 *rsp, size_t rsp_size, size_t *rsp_len, u8 *error,
		const struct ccid_wait *wait)
{
	struct ccid_msg m = {
		.type = CCID_PC_SECURE,
		.slot = slot,
		.data = data,
		.len = len,
		.timeout_ms = wait->timeout_ms,
		.ext_ms = wait->ext_ms,
		.rsp = rsp,
		.rsp_size = rsp_size,
		.user = true,
	};
	int ret;

	ret = ccid_cmd(dev, &m);
	*error = m.error;
	*rsp_len = ret ? 0 : m.rsp_len;
	if (!ret && FIELD_GET(CCID_ICC_STATUS, m.status) == CCID_ICC_ABSENT)
		ret = -ENOMEDIUM;

	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_secure);
