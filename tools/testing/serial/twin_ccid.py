# SPDX-License-Identifier: GPL-2.0
"""The CCID side of twin-reader: the reader models, their slots and the
answers to PC_to_RDR messages (CCID 1.1, TPDU level). No I/O: the line
layer hands in a message and sends the Answer back; card insertions and
removals are noted for the next RDR_to_PC_NotifySlotChange.
"""

import collections
import struct

from twin_card import Card, is_pps, parse_t0, wtx_count, WTX_STEP

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

# firmware: the Escape codes that return the firmware's name
Model = collections.namedtuple("Model", "name label slots echo firmware")
MODELS = {m.name.lower(): m for m in (
    Model("GemPCTwin", "GemPC Twin", 1, True, (0x02,)),
    Model("GemPCPinPad", "GemPC PinPad", 1, True, (0x02,)),
    Model("GemCorePOSPro", "GemCore POS Pro", 5, False, (0x02,)),
    Model("GemCoreSIMPro", "GemCore SIM Pro", 2, False, (0x02,)),
    Model("GemCoreSIMPro2", "GemCore SIM Pro 2", 2, False, (0x02,)),
    Model("SEC1210", "SEC1210", 2, False, (0x02, 0x06)),
)}

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
