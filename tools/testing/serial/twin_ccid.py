# SPDX-License-Identifier: GPL-2.0
"""The CCID side of twin-reader: the reader models, their slots and the
answers to PC_to_RDR messages (CCID 1.1, TPDU level). No I/O: the line
layer hands in a message and sends the Answer back; card insertions and
removals are noted for the next RDR_to_PC_NotifySlotChange.
"""

import collections
import struct

from twin_card import Card, is_pps, parse_t0, wtx_count, WTX_STEP
from twin_card import xor as xor_of

HEADER = 10                     # a CCID message's header
NOTIFY_SLOT_CHANGE = 0x50

# PC_to_RDR messages and the RDR_to_PC type that answers each.
SET_PARAMETERS = 0x61
ICC_POWER_ON = 0x62
ICC_POWER_OFF = 0x63
GET_SLOT_STATUS = 0x65
ESCAPE = 0x6b
GET_PARAMETERS = 0x6c
RESET_PARAMETERS = 0x6d
XFR_BLOCK = 0x6f
DATA_BLOCK = 0x80
SLOT_STATUS = 0x81
PARAMETERS = 0x82
ESCAPE_ANSWER = 0x83
ANSWER_TYPE = {
    SET_PARAMETERS: PARAMETERS, ICC_POWER_ON: DATA_BLOCK,
    ICC_POWER_OFF: SLOT_STATUS, GET_SLOT_STATUS: SLOT_STATUS,
    0x69: DATA_BLOCK,           # Secure
    0x6a: SLOT_STATUS,          # T0APDU
    ESCAPE: ESCAPE_ANSWER, GET_PARAMETERS: PARAMETERS,
    RESET_PARAMETERS: PARAMETERS,
    0x6e: SLOT_STATUS,          # IccClock
    XFR_BLOCK: DATA_BLOCK,
    0x71: SLOT_STATUS,          # Mechanical
    0x72: SLOT_STATUS,          # Abort
    0x73: 0x84,                 # SetDataRateAndClockFrequency
}

# bStatus and bError
ICC_ACTIVE = 0
ICC_INACTIVE = 1
ICC_ABSENT = 2
COMMAND_FAILED = 0x40
ERR_NOT_SUPPORTED = 0x00
ERR_LENGTH = 0x01               # offset of dwLength
ERR_SLOT = 0x05                 # offset of bSlot
ERR_BYTE7 = 0x07                # bPowerSelect, bProtocolNum
ERR_ICC_MUTE = 0xfe
CLOCK_RUNNING = 0x00
CLOCK_STOPPED = 0x03

DEFAULT_PARAMS = {
    0: bytes([0x11, 0x00, 0x00, 0x0a, 0x00]),
    1: bytes([0x11, 0x10, 0x00, 0x4d, 0x00, 0x20, 0x00]),
}

# firmware: the Escape codes that return the firmware's name; keypad: it
# runs PC_to_RDR_Secure
Model = collections.namedtuple("Model",
                               "name label slots echo firmware keypad")
MODELS = {m.name.lower(): m for m in (
    Model("GemPCTwin", "GemPC Twin", 1, True, (0x02,), False),
    Model("GemPCPinPad", "GemPC PinPad", 1, True, (0x02,), True),
    Model("GemCorePOSPro", "GemCore POS Pro", 5, False, (0x02,), False),
    Model("GemCoreSIMPro", "GemCore SIM Pro", 2, False, (0x02,), False),
    Model("GemCoreSIMPro2", "GemCore SIM Pro 2", 2, False, (0x02,), False),
    Model("SEC1210", "SEC1210", 2, False, (0x02, 0x06), False),
)}

SECURE = 0x69
ERR_PIN_TIMEOUT = 0xf0
ERR_PIN_CANCELLED = 0xef


def set_bits(buf, pos, nbits, val):
    """Write nbits of val at bit pos of buf, most significant bit first."""
    for i in range(nbits):
        bit = pos + i
        if bit // 8 >= len(buf):
            return
        mask = 0x80 >> (bit % 8)
        if (val >> (nbits - 1 - i)) & 1:
            buf[bit // 8] |= mask
        else:
            buf[bit // 8] &= ~mask & 0xff


def pin_format(block, fmt, pin_block, length_format, pin):
    """The PIN into its block (a bytearray) as the format bytes say."""
    unit = 8 if fmt & 0x80 else 1
    kind = fmt & 3
    digit = 4 if kind == 1 else 8
    pos = (fmt >> 3 & 0xf) * unit
    if fmt & 0x04 and pin_block & 0xf:
        pos = (pin_block & 0xf) * 8 - len(pin) * digit
    for i, c in enumerate(pin):
        set_bits(block, pos + i * digit, digit,
                 ord(c) if kind == 2 else ord(c) - ord("0"))
    if pin_block >> 4:
        lunit = 8 if length_format & 0x10 else 1
        set_bits(block, (length_format & 0xf) * lunit, pin_block >> 4,
                 len(pin))

Answer = collections.namedtuple("Answer", "message delay time_requests")


class Slot:
    def __init__(self, index):
        self.index = index
        self.card = None
        self.reset_params()

    def reset_params(self):
        self.protocol = self.card.protocol if self.card else 0
        self.params = DEFAULT_PARAMS[self.protocol]

    def icc_status(self):
        if not self.card:
            return ICC_ABSENT
        return ICC_ACTIVE if self.card.powered else ICC_INACTIVE


class Reader:
    """A PC_to_RDR message in, an Answer out; the slots and their cards."""

    def __init__(self, model, ifsc):
        self.model = model
        self.ifsc = ifsc
        self.slots = [Slot(i) for i in range(model.slots)]
        self.sync_notify = False
        self.changed = set()    # slots whose change the host was not told
        self.wtx_next = 0       # fault: time the next APDU takes, in steps
        self.keys = []          # what the user does at the next entries
        self.refuse_pps = False
        self.handlers = {
            ICC_POWER_ON: self._power_on,
            ICC_POWER_OFF: self._slot_status,
            GET_SLOT_STATUS: self._slot_status,
            XFR_BLOCK: self._xfr_block,
            GET_PARAMETERS: self._parameters,
            SET_PARAMETERS: self._set_parameters,
            RESET_PARAMETERS: self._reset_parameters,
            ESCAPE: self._escape,
        }
        if model.keypad:
            self.handlers[SECURE] = self._secure

    # -- cards --

    def insert(self, index, protocol):
        slot = self.slots[index]
        slot.card = Card(protocol, self.ifsc)
        slot.reset_params()
        self.changed.add(index)

    def remove(self, index):
        slot = self.slots[index]
        slot.card = None
        slot.reset_params()
        self.changed.add(index)

    def notification(self):
        """RDR_to_PC_NotifySlotChange for what changed since the last."""
        top = max(self.changed | {len(self.slots) - 1})
        state = bytearray(top // 4 + 1)
        for i in range(top + 1):
            present = i < len(self.slots) and self.slots[i].card is not None
            bits = (1 if present else 0) | (2 if i in self.changed else 0)
            state[i // 4] |= bits << (2 * (i % 4))
        self.changed.clear()
        return bytes([NOTIFY_SLOT_CHANGE]) + bytes(state)

    # -- messages --

    @staticmethod
    def _message(cmd, mtype, status, error, b9=0, data=b""):
        return (struct.pack("<BIBBBBB", mtype, len(data), cmd[5], cmd[6],
                            status, error, b9) + bytes(data))

    def _ok(self, cmd, slot, b9=0, data=b""):
        msg = self._message(cmd, ANSWER_TYPE[cmd[0]], slot.icc_status(), 0,
                            b9, data)
        return Answer(msg, 0, 0)

    def _fail(self, cmd, icc, error, b9=0, data=b""):
        mtype = ANSWER_TYPE.get(cmd[0], SLOT_STATUS)
        msg = self._message(cmd, mtype, COMMAND_FAILED | icc, error, b9, data)
        return Answer(msg, 0, 0)

    def handle(self, cmd):
        if cmd[5] >= len(self.slots):
            return self._fail(cmd, ICC_ABSENT, ERR_SLOT)
        slot = self.slots[cmd[5]]
        handler = self.handlers.get(cmd[0])
        if not handler:
            return self._fail(cmd, slot.icc_status(), ERR_NOT_SUPPORTED)
        return handler(slot, cmd)

    def _power_on(self, slot, cmd):
        if not slot.card:
            return self._fail(cmd, ICC_ABSENT, ERR_ICC_MUTE)
        if cmd[7] > 3:
            return self._fail(cmd, slot.icc_status(), ERR_BYTE7)
        atr = slot.card.power_on()
        slot.reset_params()
        return self._ok(cmd, slot, data=atr)

    def _slot_status(self, slot, cmd):
        if cmd[0] == ICC_POWER_OFF and slot.card:
            slot.card.power_off()
        running = slot.icc_status() == ICC_ACTIVE
        return self._ok(cmd, slot, CLOCK_RUNNING if running else CLOCK_STOPPED)

    def _xfr_block(self, slot, cmd):
        card = slot.card
        if slot.icc_status() != ICC_ACTIVE:
            return self._fail(cmd, slot.icc_status(), ERR_ICC_MUTE)
        data = bytes(cmd[HEADER:])
        if not data:
            return self._fail(cmd, ICC_ACTIVE, ERR_LENGTH)
        requests = 0
        if is_pps(data):
            resp = None if self.refuse_pps else card.pps_answer(data)
            delay = 0
        elif card.t1:
            # The T=1 card asks for the time itself, with S(WTX request).
            card.t1.wtx_next, self.wtx_next = self.wtx_next, 0
            resp, delay = card.t1.block(data)
        else:
            resp, delay = card.app.command(parse_t0(data))
            requests = self.wtx_next or wtx_count(delay)
            delay = max(delay, self.wtx_next * WTX_STEP)
            self.wtx_next = 0
        if resp is None:
            return self._fail(cmd, ICC_ACTIVE, ERR_ICC_MUTE)
        return self._ok(cmd, slot, data=resp)._replace(delay=delay,
                                                       time_requests=requests)

    def _secure(self, slot, cmd):
        """A PIN verification (bPINOperation 0) with the user's digits;
        the APDU goes to a T=0 card as a TPDU, to a T=1 card as one I-block
        with the host's bTeoPrologue, whose answer block comes back."""
        card = slot.card
        d = bytes(cmd[HEADER:])
        if slot.icc_status() != ICC_ACTIVE:
            return self._fail(cmd, slot.icc_status(), ERR_ICC_MUTE)
        if len(d) < 20 or d[0] != 0:
            return self._fail(cmd, ICC_ACTIVE, ERR_NOT_SUPPORTED)
        user = self.keys.pop(0) if self.keys else None
        if user is None:
            return self._fail(cmd, ICC_ACTIVE, ERR_PIN_TIMEOUT)
        if user == "cancel":
            return self._fail(cmd, ICC_ACTIVE, ERR_PIN_CANCELLED)
        apdu = bytearray(d[15:])
        pin_format(memoryview(apdu)[5:], d[2], d[3], d[4], user)
        if card.t1:
            teo = d[12:15]
            block = bytes([teo[0], teo[1], len(apdu)]) + bytes(apdu)
            block += bytes([xor_of(block)])
            resp, delay = card.t1.block(block)
        else:
            resp, delay = card.app.command(parse_t0(bytes(apdu)))
        return self._ok(cmd, slot, data=resp)._replace(delay=delay)

    def _parameters(self, slot, cmd, error=None):
        if error is not None:
            return self._fail(cmd, slot.icc_status(), error, slot.protocol,
                              slot.params)
        return self._ok(cmd, slot, slot.protocol, slot.params)

    def _set_parameters(self, slot, cmd):
        protocol, data = cmd[7], bytes(cmd[HEADER:])
        if protocol not in DEFAULT_PARAMS or \
           (slot.card and protocol != slot.card.protocol):
            return self._parameters(slot, cmd, ERR_BYTE7)
        if len(data) != len(DEFAULT_PARAMS[protocol]):
            return self._parameters(slot, cmd, ERR_LENGTH)
        slot.protocol, slot.params = protocol, data
        return self._parameters(slot, cmd)

    def _reset_parameters(self, slot, cmd):
        slot.reset_params()
        return self._parameters(slot, cmd)

    def _escape(self, slot, cmd):
        data = bytes(cmd[HEADER:])
        if len(data) == 1 and data[0] in self.model.firmware:
            text = "%s emulator 1.0" % self.model.label
            return self._ok(cmd, slot, data=text.encode())
        if len(data) == 3 and data[:2] == b"\x01\x01":
            self.sync_notify = data[2] != 0
            return self._ok(cmd, slot)
        if len(data) == 3 and data[:2] == b"\x01\x10":
            return self._ok(cmd, slot)
        return self._fail(cmd, slot.icc_status(), ERR_NOT_SUPPORTED)
