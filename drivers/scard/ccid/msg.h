/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard CCID: the message layer, private to scard_ccid (and its KUnit
 * suite). msg.c builds the PC_to_RDR messages and runs each command and
 * its reply over the transport, rx.c files the RDR_to_PC replies to the
 * commands in flight; reader.c turns the scard requests into commands.
 */
#ifndef _SCARD_CCID_MSG_H
#define _SCARD_CCID_MSG_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/types.h>

#include "ccid.h"

/* Header offsets, both directions. */
#define CCID_OFF_TYPE			0
#define CCID_OFF_LEN			1	/* dwLength, little endian */
#define CCID_OFF_SLOT			5
#define CCID_OFF_SEQ			6
#define CCID_OFF_P1			7	/* bStatus in replies */
#define CCID_OFF_P2			8	/* bError in replies */
#define CCID_OFF_P3			9

/* bStatus of a reply */
#define CCID_ICC_STATUS			GENMASK(1, 0)
#define CCID_ICC_ACTIVE			0
#define CCID_ICC_INACTIVE		1
#define CCID_ICC_ABSENT			2
#define CCID_CMD_STATUS			GENMASK(7, 6)
#define CCID_CMD_OK			0
#define CCID_CMD_FAILED			1
#define CCID_CMD_TIME_EXT		2

/* bError of a failed command (slot error register) */
#define CCID_ERR_CMD_ABORTED		0xff
#define CCID_ERR_ICC_MUTE		0xfe
#define CCID_ERR_XFR_PARITY		0xfd
#define CCID_ERR_XFR_OVERRUN		0xfc
#define CCID_ERR_HW_ERROR		0xfb
#define CCID_ERR_BAD_ATR_TS		0xf8
#define CCID_ERR_BAD_ATR_TCK		0xf7
#define CCID_ERR_PROTOCOL_NOT_SUPP	0xf6
#define CCID_ERR_CLASS_NOT_SUPP		0xf5
#define CCID_ERR_PROC_BYTE_CONFLICT	0xf4
#define CCID_ERR_DEACTIVATED_PROTOCOL	0xf3
#define CCID_ERR_BUSY_AUTO_SEQ		0xf2
#define CCID_ERR_PIN_TIMEOUT		0xf0
#define CCID_ERR_PIN_CANCELLED		0xef
#define CCID_ERR_CMD_SLOT_BUSY		0xe0
#define CCID_ERR_CMD_NOT_SUPPORTED	0x00

/* bPowerSelect of PC_to_RDR_IccPowerOn */
#define CCID_POWER_AUTO			0
#define CCID_POWER_5V			1
#define CCID_POWER_3V			2
#define CCID_POWER_1V8			3

/* dwMechanical of the class descriptor */
#define CCID_MECH_CAN_ACCEPT		BIT(0)
#define CCID_MECH_CAN_EJECT		BIT(1)
#define CCID_MECH_CAN_CAPTURE		BIT(2)

/* bFunction of PC_to_RDR_Mechanical */
#define CCID_MECH_ACCEPT		1
#define CCID_MECH_EJECT			2
#define CCID_MECH_CAPTURE		3
#define CCID_MECH_LOCK			4
#define CCID_MECH_UNLOCK		5

/*
 * Extended APDU level: wLevelParameter of PC_to_RDR_XfrBlock and
 * bChainParameter of RDR_to_PC_DataBlock.
 */
#define CCID_CHAIN_NONE			0x00	/* begins and ends here */
#define CCID_CHAIN_BEGIN		0x01	/* begins, continues */
#define CCID_CHAIN_END			0x02	/* continues, ends */
#define CCID_CHAIN_MIDDLE		0x03	/* continues, continues */
#define CCID_CHAIN_MORE			0x10	/* empty: next part, please */

/* PC_to_RDR_T0APDU: bmChanges, and bClassGetResponse's "echo" */
#define CCID_T0APDU_GET_RESPONSE	BIT(0)
#define CCID_T0APDU_ENVELOPE		BIT(1)
#define CCID_T0APDU_BOTH		(CCID_T0APDU_GET_RESPONSE | \
					 CCID_T0APDU_ENVELOPE)
#define CCID_CLASS_ECHO			0xff

/* bProtocolNum and abProtocolDataStructure sizes */
#define CCID_PROTO_T0			0
#define CCID_PROTO_T1			1
#define CCID_T0_PARAMS_LEN		5
#define CCID_T1_PARAMS_LEN		7
#define CCID_PARAMS_MAX			CCID_T1_PARAMS_LEN

/* Default bound of a command without card timing, ms (module parameter). */
#define CCID_TIMEOUT_DEFAULT_MS		3000
/* Longest single wait, whatever the card or the reader asks. */
#define CCID_WAIT_MAX_MS		60000
/* Time extensions one command may get before it is aborted. */
#define CCID_TIME_EXT_MAX		64
/*
 * Total time of one command, every time extension included: the first
 * wait plus CCID_TIME_EXT_MAX of the card's own waits (WT or BWT), or
 * CCID_UNTIMED_WAITS first waits for a command without card timing, and
 * never more than CCID_CMD_MAX_MS (5 min: an RSA key generation on a slow
 * card), however the card keeps asking for time.
 */
#define CCID_UNTIMED_WAITS		4
#define CCID_CMD_MAX_MS			300000
/*
 * Delay of the GetSlotStatus that checks a slot change: the processes the
 * change woke run first.
 */
#define CCID_POLL_DELAY_MS		10
/* Wait for the reply to PC_to_RDR_Abort. */
#define CCID_ABORT_TIMEOUT_MS		1000
/* A slot poll that found the device busy tries again after this. */
#define CCID_POLL_RETRY_MS		100

/**
 * struct ccid_msg - one command and its reply
 * @type: PC_to_RDR message type (CCID_PC_*)
 * @slot: bSlot
 * @param: the three message-specific header bytes (7 to 9)
 * @data: abData, or NULL
 * @len: length of @data
 * @timeout_ms: how long to wait for the reply
 * @ext_ms: a time extension of bError lasts bError * @ext_ms; 0: each
 *	extension lasts @timeout_ms. Also the unit of the command's total
 *	budget (see CCID_CMD_MAX_MS)
 * @rsp: where abData of the reply goes, or NULL
 * @rsp_size: size of @rsp
 * @rsp_len: out: bytes of abData copied to @rsp
 * @status: out: bStatus of the reply
 * @error: out: bError of the reply
 * @rsp_param: out: the third header byte of the reply (bChainParameter,
 *	bClockStatus, bProtocolNum)
 * @user: the reader waits for a person (a PIN entry): the first wait may
 *	last the whole budget, and time extensions count against the
 *	budget only
 */
struct ccid_msg {
	u8 type;
	u8 slot;
	u8 param[3];
	const u8 *data;
	size_t len;
	unsigned int timeout_ms;
	unsigned int ext_ms;
	u8 *rsp;
	size_t rsp_size;
	size_t rsp_len;
	u8 status;
	u8 error;
	u8 rsp_param;
	bool user;
};

/**
 * struct ccid_wait - bounds of a command that depends on the card
 * @timeout_ms: how long to wait for the reply
 * @ext_ms: unit of a time extension (BWT or WT), 0 for @timeout_ms
 */
struct ccid_wait {
	unsigned int timeout_ms;
	unsigned int ext_ms;
};

/**
 * struct ccid_pending - a command waiting for its reply (rx.c)
 * @node: in &ccid_dev.pending
 * @m: the command; the receiver fills in its reply
 * @seq: its bSeq
 * @abort: PC_to_RDR_Abort: a transfer that is not its reply never fails it
 * @done: the command ended, with @ret
 * @replied: a well-formed reply came (its bSeq is no orphan)
 * @ext: a time extension came, of @ext_mult
 * @ext_mult: bError of that time extension
 * @ret: the command's result once @done
 *
 * Fields but @node, @m and @abort change under &ccid_dev.rx_lock.
 */
struct ccid_pending {
	struct list_head node;
	struct ccid_msg *m;
	u8 seq;
	bool abort;
	bool done;
	bool replied;
	bool ext;
	u8 ext_mult;
	int ret;
};

/* ccid_rx_wait(): the command ended, or the card asks for time */
#define CCID_RX_DONE			1
#define CCID_RX_EXT			2
/* ccid_status(): a time extension, not an errno */
#define CCID_STATUS_TIME_EXT		1

int ccid_msg_init(struct ccid_dev *dev);
void ccid_msg_exit(struct ccid_dev *dev);
void ccid_notify_start(struct ccid_dev *dev);
void ccid_notify_stop(struct ccid_dev *dev);
unsigned int ccid_default_timeout_ms(void);

u8 ccid_reply_type(u8 type);
int ccid_errno(u8 error);
size_t ccid_build(u8 *buf, const struct ccid_msg *m, u8 seq);
unsigned int ccid_budget_ms(const struct ccid_msg *m);
int ccid_io_lock(struct ccid_dev *dev, u8 slot);
bool ccid_io_trylock(struct ccid_dev *dev, u8 slot);
void ccid_io_unlock(struct ccid_dev *dev, u8 slot);
void ccid_io_assert_held(struct ccid_dev *dev, u8 slot);
int ccid_cmd_locked(struct ccid_dev *dev, struct ccid_msg *m);
int ccid_exchange_locked(struct ccid_dev *dev, struct ccid_msg *m);
int ccid_cmd(struct ccid_dev *dev, struct ccid_msg *m);

int ccid_power_on_locked(struct ccid_dev *dev, u8 slot, u8 power_select,
			 u8 *atr, size_t size, size_t *len);
int ccid_power_off_locked(struct ccid_dev *dev, u8 slot);
int ccid_slot_status(struct ccid_dev *dev, u8 slot, u8 *icc);
int ccid_slot_status_locked(struct ccid_dev *dev, u8 slot, u8 *icc);
int ccid_xfr_block(struct ccid_dev *dev, u8 slot, u8 bwi, u16 level,
		   const u8 *tx, size_t tx_len, u8 *rx, size_t rx_size,
		   size_t *rx_len, const struct ccid_wait *wait);
int ccid_xfr_apdu(struct ccid_dev *dev, u8 slot, const u8 *tx,
		  size_t tx_len, u8 *rx, size_t rx_size, size_t *rx_len,
		  const struct ccid_wait *wait);
int ccid_get_params(struct ccid_dev *dev, u8 slot, u8 *proto, u8 *params,
		    size_t *len);
int ccid_set_params(struct ccid_dev *dev, u8 slot, u8 proto,
		    const u8 *params, size_t len);
int ccid_reset_params(struct ccid_dev *dev, u8 slot, u8 *proto, u8 *params,
		      size_t *len);
int ccid_escape(struct ccid_dev *dev, u8 slot, const u8 *in, size_t in_len,
		u8 *out, size_t out_size, size_t *out_len);
int ccid_set_rate_clock(struct ccid_dev *dev, u8 slot, u32 *clk_khz,
			u32 *rate_bps);
int ccid_mechanical(struct ccid_dev *dev, u8 slot, u8 function);
int ccid_t0apdu(struct ccid_dev *dev, u8 slot, u8 changes, u8 get_response,
		u8 envelope);
int ccid_secure(struct ccid_dev *dev, u8 slot, const u8 *data, size_t len,
		u8 *rsp, size_t rsp_size, size_t *rsp_len, u8 *error,
		const struct ccid_wait *wait);

/* rx.c */
void ccid_rx_add(struct ccid_dev *dev, struct ccid_pending *p, u8 seq);
bool ccid_rx_del(struct ccid_dev *dev, struct ccid_pending *p);
int ccid_rx_wait(struct ccid_dev *dev, struct ccid_pending *p,
		 unsigned long deadline, u8 *mult);

/* dev.c: a slot's presence from NotifySlotChange, and the polls after */
void ccid_slot_notify(struct ccid_slot *slot, bool present, bool changed);
void ccid_poll_work(struct work_struct *work);

/* reader.c */
int ccid_reader_init(struct ccid_slot *slot, struct scard_reader *reader);
void ccid_card_wait(const struct ccid_slot *slot, u64 ns,
		    struct ccid_wait *w);

/* clock.c */
bool ccid_clock_needed(u8 type);
int ccid_clock_run_locked(struct ccid_dev *dev, struct ccid_slot *slot);
void ccid_clock_after_locked(struct ccid_dev *dev, struct ccid_slot *slot,
			     u8 type);
void ccid_clock_work(struct work_struct *work);

/* pin.c */
int ccid_pin_entry(struct scard_reader *reader, struct scard_request *req);
void ccid_pin_init(const struct ccid_dev *dev, struct scard_reader *reader);

#endif /* _SCARD_CCID_MSG_H */
