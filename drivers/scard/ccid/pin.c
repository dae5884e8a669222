// SPDX-License-Identifier: GPL-2.0
/*
 * scard CCID: PIN pads. A reader whose bPINSupport says it can verify or
 * modify a PIN on its keypad gets RDF_PIN_ENTRY: the library checks the
 * PC/SC part 10 structure, this file turns it into PC_to_RDR_Secure.
 *
 * abData of PC_to_RDR_Secure is bPINOperation (0 verify, 1 modify) and
 * the PC/SC structure without bTimerOut2 and ulDataLength, which CCID
 * does not have, then the APDU. bTeoPrologue is zero but at TPDU level
 * with T=1, where the reader sends an I-block with the library's NAD, PCB
 * and sequence number and returns the card's block, whose information
 * field the library checks and takes (scard_proto_outer_reply()). At
 * T=0 the reader sends the APDU as a TPDU and returns SW1 SW2.
 *
 * The reader waits for the user: the command's first wait is the time
 * of each entry (bTimerOut, or CCID_PIN_TIMEOUT_S) times the entries
 * (modify: the new PIN, its confirmation, the current one as bConfirmPIN
 * says) plus the card's own wait, within CCID_CMD_MAX_MS; a killed caller
 * aborts the command (ccid_cmd_locked()). PIN_TIMEOUT and PIN_CANCELLED
 * become what PC/SC part 10 returns for them, 64 00 and 64 01.
 */

#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/scard.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "msg.h"

/* bPINOperation */
#define CCID_PIN_VERIFY			0
#define CCID_PIN_MODIFY			1
/* A reader's own PIN timeout, for a bTimerOut of 0. */
#define CCID_PIN_TIMEOUT_S		30
/* bConfirmPIN: the new PIN typed twice; the current PIN asked for. */
#define CCID_PIN_CONFIRM_NEW		BIT(0)
#define CCID_PIN_CONFIRM_OLD		BIT(1)
/* The first byte of the PC/SC structure copied after bTimerOut. */
#define CCID_PIN_COPY_FROM		2
#define CCID_PIN_PROLOGUE_LEN		3

static unsigned int ccid_pin_ms(const u8 *in, bool modify)
{
	unsigned int entries = 1;
	u8 confirm;

	if (modify) {
		confirm = ((const struct scard_pin_modify *)in)->confirm_pin;
		entries += !!(confirm & CCID_PIN_CONFIRM_NEW) +
			!!(confirm & CCID_PIN_CONFIRM_OLD);
	}

	return (in[0] ?: CCID_PIN_TIMEOUT_S) * MSEC_PER_SEC * entries;
}

/* PIN_TIMEOUT, PIN_CANCELLED: the status words of PC/SC part 10. */
static int ccid_pin_status(int ret, u8 error, struct scard_request *req)
{
	if (ret != -ETIMEDOUT && ret != -ECANCELED)
		return ret;
	if (error != CCID_ERR_PIN_TIMEOUT && error != CCID_ERR_PIN_CANCELLED)
		return ret;

	req->recv[0] = 0x64;
	req->recv[1] = error == CCID_ERR_PIN_TIMEOUT ? 0x00 : 0x01;
	req->recv_len = 2;

	return 0;
}

/**
 * ccid_pin_entry() - RDF_PIN_ENTRY: a PIN entry on the reader's keypad
 * @reader: the slot's reader
 * @req: minor: the feature's vendor code; send: the checked PC/SC
 *	structure and its APDU; recv: room for the response APDU
 *
 * Context: process context, in a request of the reader.
 * Return: 0 (the card's response, or 64 00 / 64 01), -ENOMEM, -EPROTO (a
 * T=1 reply that is not the card's I-block), or see ccid_secure().
 */
int ccid_pin_entry(struct scard_reader *reader, struct scard_request *req)
{
	struct ccid_slot *slot = scard_get_drvdata(reader);
	struct ccid_dev *dev = slot->dev;
	bool modify = req->minor ==
		SCARD_VENDOR_FEATURE(SCARD_FEATURE_MODIFY_PIN_DIRECT);
	size_t hdr = modify ? sizeof(struct scard_pin_modify) :
		sizeof(struct scard_pin_verify);
	size_t teo = modify ? offsetof(struct scard_pin_modify, teo_prologue) :
		offsetof(struct scard_pin_verify, teo_prologue);
	size_t fields = teo + CCID_PIN_PROLOGUE_LEN - CCID_PIN_COPY_FROM;
	size_t apdu = req->send_len - hdr, len, got;
	bool t1 = (dev->desc.features & CCID_FEAT_LEVEL_MASK) ==
		CCID_FEAT_LEVEL_TPDU && reader->card.selected == SCARD_PROTO_T1;
	struct ccid_wait w;
	u8 *msg, *rx, error;
	size_t rx_size;
	int ret;

	len = 2 + fields + apdu;
	rx_size = t1 ? SCARD_T1_BLOCK_MAX : req->recv_size;
	msg = kmalloc(len + rx_size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rx = msg + len;

	msg[0] = modify ? CCID_PIN_MODIFY : CCID_PIN_VERIFY;
	msg[1] = req->send[0];
	memcpy(msg + 2, req->send + CCID_PIN_COPY_FROM, fields);
	memcpy(msg + 2 + fields, req->send + hdr, apdu);
	if (t1) {
		ret = scard_proto_outer_prologue(reader, msg + 2 + fields -
						 CCID_PIN_PROLOGUE_LEN);
		if (ret)
			goto out;
	} else {
		memset(msg + 2 + fields - CCID_PIN_PROLOGUE_LEN, 0,
		       CCID_PIN_PROLOGUE_LEN);
	}

	ccid_card_wait(slot, 0, &w);
	w.timeout_ms = min_t(unsigned int, w.timeout_ms +
			     ccid_pin_ms(req->send, modify), CCID_CMD_MAX_MS);
	ret = ccid_secure(dev, slot->index, msg, len, rx, rx_size, &got,
			  &error, &w);
	if (ret) {
		ret = ccid_pin_status(ret, error, req);
	} else if (t1) {
		ret = scard_proto_outer_reply(reader, rx, got, req->recv,
					      req->recv_size, &req->recv_len);
	} else {
		memcpy(req->recv, rx, got);
		req->recv_len = got;
	}
out:
	kfree(msg);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(ccid_pin_entry);

/**
 * ccid_pin_init() - a slot's reader as a PIN pad, if the reader is one
 * @dev: the device
 * @reader: the slot's reader, being set up
 *
 * bPINSupport bit 0 verification, bit 1 modification; wLcdLayout its
 * display. Character level readers leave the exchange with the card to
 * the host, so they cannot run an entry: never a PIN pad.
 */
void ccid_pin_init(const struct ccid_dev *dev, struct scard_reader *reader)
{
	const struct ccid_desc *desc = &dev->desc;
	struct scard_reader_caps *caps = &reader->caps;

	if ((desc->features & CCID_FEAT_LEVEL_MASK) == CCID_FEAT_LEVEL_CHAR)
		return;
	if (desc->pin_support & CCID_PIN_SUPPORT_VERIFY)
		caps->pin |= SCARD_PIN_VERIFY;
	if (desc->pin_support & CCID_PIN_SUPPORT_MODIFY)
		caps->pin |= SCARD_PIN_MODIFY;
	if (!caps->pin)
		return;
	caps->lcd_layout = desc->lcd_layout;
	reader->reader_function[RDF_PIN_ENTRY] = ccid_pin_entry;
}
