# SPDX-License-Identifier: GPL-2.0
"""The cards of twin-reader: ATRs, PPS, the test application and the T=1
block protocol, seen from the card (ISO/IEC 7816-3 and 7816-4). No I/O: the
reader hands in what arrived in an XfrBlock and sends what comes back.

Two cards, the T=0 card and the T=1 card, run the same application (the
instruction set of tools/testing/ccid/vsc-card, so that tests share their
expectations); see twin-reader's manual for the list. The T=0 card gets
TPDUs (CLA INS P1 P2 P3 [data]) and answers data + SW1 SW2, as a T=0
reader returns them once it has handled the procedure bytes. The T=1 card
gets T=1 blocks and answers one block per block.
"""

import collections
import math

# The T=0 card: libcacard's ATR, as vsc-card (TA1 18: Fi 372, Di 12).
T0_ATR = bytes.fromhex("3B7A18000073667465206364313434")
T0_TA1 = 0x18

# The T=1 card: TA1 96 (Fi 512, Di 32, so that a host negotiates PPS),
# TC1 02 (2 etu extra guard time), TD1 T=1, TD2 T=1 with TA3 = IFSC and
# TB3 = BWI 4 / CWI 13, LRC (no TC3), historical bytes "twinT1", TCK.
T1_TA1 = 0x96
T1_TC1 = 0x02
T1_BWI_CWI = 0x4D
T1_HISTORY = b"twinT1"
DEFAULT_IFSC = 32

# ISO 7816-3 11.4.2: IFSD is 32 until the interface device says otherwise.
DEFAULT_IFSD = 32
IFS_MAX = 254

# A card that needs time asks for it every WTX_STEP seconds: S(WTX request)
# under T=1, a time-request byte from the reader under T=0.
WTX_STEP = 0.5
WTX_MULTIPLIER = 1

SW_OK = b"\x90\x00"

# T=1 PCB (ISO 7816-3 11.3.2.2).
PCB_R = 0x80
PCB_S = 0xC0
I_NS = 0x40
I_MORE = 0x20
R_NR = 0x10
R_EDC_ERROR = 0x01
R_OTHER_ERROR = 0x02
S_RESPONSE = 0x20
S_RESYNCH = 0x00
S_IFS = 0x01
S_ABORT = 0x02
S_WTX = 0x03

Apdu = collections.namedtuple("Apdu", "cla ins p1 p2 data le")
Apdu.__doc__ = """A command: data is None without a body, le None without Le
(else 1..256, 00 meaning 256)."""


def xor(data):
    x = 0
    for b in data:
        x ^= b
    return x


def pattern(start, n):
    return bytes((start + i) & 0xff for i in range(n))


def sw(sw1, sw2):
    return bytes([sw1, sw2])


def t1_atr(ifsc=DEFAULT_IFSC):
    body = bytes([0xD0 | len(T1_HISTORY), T1_TA1, T1_TC1, 0x81, 0x31,
                  ifsc, T1_BWI_CWI]) + T1_HISTORY
    # TCK: the XOR of T0 up to TCK is zero.
    return b"\x3b" + body + bytes([xor(body)])


def parse_t0(tpdu):
    """A T=0 TPDU: P3 is Le without data, Lc with data (None: malformed)."""
    if len(tpdu) < 4:
        return None
    cla, ins, p1, p2 = tpdu[:4]
    if len(tpdu) == 4:
        return Apdu(cla, ins, p1, p2, None, None)
    p3 = tpdu[4]
    if len(tpdu) == 5:
        return Apdu(cla, ins, p1, p2, None, p3 or 256)
    if len(tpdu) != 5 + p3:
        return None
    return Apdu(cla, ins, p1, p2, bytes(tpdu[5:]), None)


def parse_apdu(apdu):
    """A short APDU, cases 1 to 4 (None: malformed)."""
    if len(apdu) < 4:
        return None
    cla, ins, p1, p2 = apdu[:4]
    if len(apdu) == 4:
        return Apdu(cla, ins, p1, p2, None, None)
    if len(apdu) == 5:
        return Apdu(cla, ins, p1, p2, None, apdu[4] or 256)
    lc = apdu[4]
    if lc == 0:             # extended length: not supported
        return None
    if len(apdu) == 5 + lc:
        return Apdu(cla, ins, p1, p2, bytes(apdu[5:]), None)
    if len(apdu) == 6 + lc:
        return Apdu(cla, ins, p1, p2, bytes(apdu[5:-1]), apdu[-1] or 256)
    return None


class TestApp:
    """vsc-card's instruction set: an Apdu in, (response, seconds) out."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.pending = b""      # data left for GET RESPONSE
        self.chunk = 256        # largest GET RESPONSE answer
        if not hasattr(self, "pin"):
            self.pin = b"1234"  # VERIFY's PIN, ASCII, and its tries
            self.tries = 3

    def _verify(self, a):
        """00 20: the PIN in ASCII, padded with FF."""
        if a.data is None:
            return sw(0x63, 0xc0 | self.tries)
        if not self.tries:
            return sw(0x69, 0x83)
        if a.data.rstrip(b"\xff") != self.pin:
            self.tries -= 1
            return sw(0x63, 0xc0 | self.tries)
        self.tries = 3
        return SW_OK

    def _more(self):
        return sw(0x61, min(len(self.pending), self.chunk) & 0xff)

    def _take(self, n):
        data, self.pending = self.pending[:n], self.pending[n:]
        return data + (self._more() if self.pending else SW_OK)

    def get_response(self, le):
        if not self.pending:
            return sw(0x69, 0x85)
        avail = min(len(self.pending), self.chunk)
        if le > avail:
            return sw(0x6c, avail & 0xff)
        return self._take(le)

    def _prepare(self, a):
        """80 14 and 80 1A: data for GET RESPONSE."""
        if a.data is None:
            return sw(0x67, 0x00)
        if a.ins == 0x14:
            self.chunk = 256
            self.pending = pattern(a.p2, a.p1 if a.p1 else len(a.data))
        else:
            self.chunk = 64
            self.pending = pattern(a.p2, 4 * a.p1)
        if not self.pending:
            return SW_OK
        if a.le is not None:
            # A case 4 APDU (T=1 only: a T=0 TPDU never has both): its Le
            # is an immediate GET RESPONSE, short answers allowed.
            return self._take(min(a.le, self.chunk))
        return self._more()

    def command(self, a):
        if a is None:
            return sw(0x67, 0x00), 0
        if a.ins == 0xc0:
            return self.get_response(a.le or 256), 0
        self.pending = b""
        if a.cla == 0x00 and a.ins == 0xa4:
            return SW_OK, 0
        if a.cla == 0x00 and a.ins == 0x20:
            return self._verify(a), 0
        if a.cla != 0x80:
            return sw(0x6e, 0x00), 0
        le = a.le or 256
        if a.ins == 0x10:
            return pattern(a.p2, le) + SW_OK, 0
        if a.ins == 0x12:
            if a.data is None:
                return sw(0x67, 0x00), 0
            good = a.data == pattern(a.p2, len(a.data))
            return (SW_OK if good else sw(0x6a, 0x80)), 0
        if a.ins in (0x14, 0x1a):
            return self._prepare(a), 0
        if a.ins == 0x16:
            want = a.p1 or 256
            if le != want:
                return sw(0x6c, a.p1), 0
            return pattern(a.p2, want) + SW_OK, 0
        if a.ins == 0x18:
            return SW_OK, 0
        if a.ins == 0x1c:
            return sw(a.p1, a.p2), 0
        if a.ins == 0x1e:
            return SW_OK, a.p1 / 10.0
        return sw(0x6d, 0x00), 0


def wtx_count(delay):
    """How many times a card busy for delay seconds asks for time."""
    return math.ceil(delay / WTX_STEP) if delay > 0 else 0


class T1Engine:
    """The card's half of T=1: one block in, one block out (with the
    seconds the card works before it sends it)."""

    def __init__(self, app, ifsc):
        self.app = app
        self.ifsc = ifsc
        self.wtx_next = 0       # fault: WTX requests before the next answer
        self.nad = 0            # the host's last NAD
        self.reset()

    def reset(self):
        self.ifsd = DEFAULT_IFSD
        self.expect_ns = 0      # N(S) of the host's next I-block
        self.card_ns = 0        # N(S) of the card's next I-block
        self.rx = bytearray()   # a chained command so far
        self.tx = b""           # the rest of a chained answer
        self.held = None        # the answer behind S(WTX request)s
        self.wtx_left = 0
        self.wtx_wait = 0.0
        self.last = None        # the last block sent, for retransmission

    def _block(self, pcb, inf=b""):
        # The answer's NAD swaps the source and destination addresses.
        nad = ((self.nad & 0x07) << 4) | ((self.nad >> 4) & 0x07)
        b = bytes([nad, pcb, len(inf)]) + bytes(inf)
        self.last = b + bytes([xor(b)])
        return self.last

    def _r_block(self, error=0):
        return self._block(PCB_R | (R_NR if self.expect_ns else 0) | error)

    def _next_chunk(self):
        chunk, self.tx = self.tx[:self.ifsd], self.tx[self.ifsd:]
        pcb = (I_NS if self.card_ns else 0) | (I_MORE if self.tx else 0)
        self.card_ns ^= 1
        return self._block(pcb, chunk)

    def _answer(self, resp, delay):
        """The first block of an answer, or S(WTX request) if it takes time."""
        n = self.wtx_next or wtx_count(delay)
        if n:
            total = max(delay, self.wtx_next * WTX_STEP)
            self.wtx_next = 0
            self.held = resp
            self.wtx_left = n
            self.wtx_wait = total / n
            return self._block(PCB_S | S_WTX, bytes([WTX_MULTIPLIER])), 0
        self.tx = resp
        return self._next_chunk(), 0

    def _on_i(self, pcb, inf):
        ns = 1 if pcb & I_NS else 0
        if self.tx or self.held is not None or ns != self.expect_ns:
            return self._r_block(R_OTHER_ERROR), 0
        self.expect_ns ^= 1
        self.rx += inf
        if pcb & I_MORE:
            return self._r_block(), 0
        apdu, self.rx = bytes(self.rx), bytearray()
        return self._answer(*self.app.command(parse_apdu(apdu)))

    def _on_r(self, pcb):
        nr = 1 if pcb & R_NR else 0
        if self.tx and nr == self.card_ns and not pcb & 0x0f:
            return self._next_chunk(), 0
        # Anything else asks for the last block again.
        return self.last or self._r_block(R_OTHER_ERROR), 0

    def _on_s(self, pcb, inf):
        kind = pcb & 0x3f
        if kind == S_IFS and len(inf) == 1 and 1 <= inf[0] <= IFS_MAX:
            self.ifsd = inf[0]
            return self._block(PCB_S | S_RESPONSE | S_IFS, inf), 0
        if kind == S_RESYNCH:
            self.reset()
            return self._block(PCB_S | S_RESPONSE | S_RESYNCH), 0
        if kind == S_ABORT:
            self.rx, self.tx, self.held = bytearray(), b"", None
            return self._block(PCB_S | S_RESPONSE | S_ABORT), 0
        if kind == S_RESPONSE | S_WTX and self.held is not None:
            self.wtx_left -= 1
            if self.wtx_left:
                return (self._block(PCB_S | S_WTX, bytes([WTX_MULTIPLIER])),
                        self.wtx_wait)
            self.tx, self.held = self.held, None
            return self._next_chunk(), self.wtx_wait
        return self._r_block(R_OTHER_ERROR), 0

    def block(self, b):
        """Returns (the card's block, seconds before it is sent)."""
        if len(b) < 4 or b[2] == 0xff or len(b) != 4 + b[2]:
            return self._r_block(R_OTHER_ERROR), 0
        if xor(b):
            return self._r_block(R_EDC_ERROR), 0
        self.nad = b[0]
        pcb, inf = b[1], b[3:-1]
        if not pcb & 0x80:
            if len(inf) > self.ifsc:
                return self._r_block(R_OTHER_ERROR), 0
            return self._on_i(pcb, inf)
        if pcb & 0x40:
            return self._on_s(pcb, inf)
        return self._on_r(pcb)


def is_pps(data):
    return len(data) >= 3 and data[0] == 0xff


class Card:
    """A card in a slot: its ATR, PPS and the engine of its protocol."""

    def __init__(self, protocol, ifsc=DEFAULT_IFSC):
        self.protocol = protocol
        self.app = TestApp()
        if protocol == 0:
            self.atr, self.ta1, self.t1 = T0_ATR, T0_TA1, None
        else:
            self.atr, self.ta1 = t1_atr(ifsc), T1_TA1
            self.t1 = T1Engine(self.app, ifsc)
        self.powered = False
        self.pps = None         # the last PPS request accepted

    @property
    def name(self):
        return "t%d" % self.protocol

    def power_on(self):
        self.powered = True
        self.pps = None
        self.app.reset()
        if self.t1:
            self.t1.reset()
        return self.atr

    def power_off(self):
        self.powered = False

    def pps_answer(self, req):
        """ISO 7816-3 9.2: the request echoed if it is one this card
        takes (its protocol; Fi/Di default or TA1), else None (the card
        stays mute, as a card does with a PPS it cannot parse)."""
        pps0 = req[1]
        n = 2 + bin(pps0 & 0x70).count("1") + 1
        if len(req) != n or xor(req) or (pps0 & 0x0f) != self.protocol:
            return None
        if pps0 & 0x10 and req[2] not in (0x11, self.ta1):
            return None
        self.pps = bytes(req)
        return bytes(req)
