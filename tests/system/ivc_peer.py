"""A host-side IVC peer (docs/ivc.md), written from the document, not from
lib/ivc.c: the system tests use it as an independent oracle, playing the
real-time VM (peer 0) against the Linux tool over a file that QEMU's
ivshmem-plain shares with the guest (memory-backend-file, share=on).

Only aligned 32-bit loads and stores, as the protocol requires.
"""
import mmap
import os
import struct
import threading
import time

MAGIC, VERSION, MAX_PEERS, HDR, REC_MAX, MSG_MAX = 0x4356495A, 1, 8, 512, 192, 256
W_MAGIC, W_VERSION, W_PEER, W_SLOT, W_RING, W_SEQ, W_RLEN, W_EPOCH = range(8)
W_HEAD, W_TAIL, W_REC = 8, 16, 32
T_CMD, T_REPLY, T_ECHO, T_ECHO_REPLY = 1, 2, 3, 4
# struct ivc_rt_stats (include/lib/ivc_app.h): eleven 32-bit fields
STATS_FMT = "<IIIiIIIIIII"


class Peer:
    def __init__(self, path, size, self_id):
        self.fd = os.open(path, os.O_RDWR)
        self.mm = mmap.mmap(self.fd, size)
        self.w = memoryview(self.mm).cast("I")
        self.size, self.me = size, self_id
        self.slot = size // MAX_PEERS
        ring = 1
        while ring * 2 <= (self.slot - HDR) // MAX_PEERS:
            ring *= 2
        self.ring = ring
        self.head = [0] * MAX_PEERS
        self.tail = [0] * MAX_PEERS
        self.seen_epoch = [0] * MAX_PEERS
        self.seq = 0

    def word(self, peer, i):
        return self.w[(peer * self.slot) // 4 + i]

    def put(self, peer, i, v):
        self.w[(peer * self.slot) // 4 + i] = v & 0xFFFFFFFF

    def ready(self, q):
        return (self.word(q, W_MAGIC) == MAGIC and self.word(q, W_VERSION) == VERSION
                and self.word(q, W_PEER) == q and self.word(q, W_SLOT) == self.slot
                and self.word(q, W_RING) == self.ring)

    def attach(self):
        me = self.me
        self.put(me, W_MAGIC, 0)
        epoch = self.word(me, W_EPOCH) + 1
        for i, v in ((W_VERSION, VERSION), (W_PEER, me), (W_SLOT, self.slot),
                     (W_RING, self.ring), (W_SEQ, 0), (W_RLEN, 0)):
            self.put(me, i, v)
        for q in range(MAX_PEERS):
            self.put(me, W_HEAD + q, 0)
            self.head[q] = 0
            if q != me and self.ready(q):
                self.seen_epoch[q] = self.word(q, W_EPOCH)
                self.set_tail(q, self.word(q, W_HEAD + me) & ~3)
            else:
                self.set_tail(q, 0)
        self.put(me, W_EPOCH, epoch)
        self.put(me, W_MAGIC, MAGIC)

    def detach(self):
        self.put(self.me, W_MAGIC, 0)

    def set_tail(self, q, v):
        self.tail[q] = v
        self.put(self.me, W_TAIL + q, v)

    def ring_word(self, frm, to, byte_off):
        base = (frm * self.slot + HDR + to * self.ring) // 4
        return base + (byte_off // 4) % (self.ring // 4)

    def send(self, q, typ, data):
        assert self.ready(q) and 0 < len(data) <= MSG_MAX
        h = self.head[q]
        used = (h - self.word(q, W_TAIL + self.me)) & 0xFFFFFFFF
        padded = data + b"\0" * (-len(data) % 4)
        if used > self.ring or 4 + len(padded) > self.ring - used:
            return False
        self.w[self.ring_word(self.me, q, h)] = typ << 24 | len(data)
        for i in range(0, len(padded), 4):
            self.w[self.ring_word(self.me, q, h + 4 + i)] = struct.unpack_from("<I", padded, i)[0]
        self.head[q] = (h + 4 + len(padded)) & 0xFFFFFFFF
        self.put(self.me, W_HEAD + q, self.head[q])
        return True

    def recv(self, q):
        """(type, bytes) or None."""
        if not self.ready(q):
            return None
        e = self.word(q, W_EPOCH)
        if e != self.seen_epoch[q]:
            self.seen_epoch[q] = e
            self.set_tail(q, 0)
        t, h = self.tail[q], self.word(q, W_HEAD + self.me)
        avail = (h - t) & 0xFFFFFFFF
        if not avail:
            return None
        hdr = self.w[self.ring_word(q, self.me, t)]
        n = hdr & 0xFFFF
        if avail > self.ring or avail % 4 or not 0 < n <= MSG_MAX or 4 + (n + 3) // 4 * 4 > avail:
            self.set_tail(q, h & ~3)
            return None
        raw = b"".join(struct.pack("<I", self.w[self.ring_word(q, self.me, t + 4 + i)])
                       for i in range(0, n, 4))
        self.set_tail(q, (t + 4 + (n + 3) // 4 * 4) & 0xFFFFFFFF)
        return hdr >> 24, raw[:n]

    def publish(self, rec):
        rec += b"\0" * (-len(rec) % 4)
        self.put(self.me, W_SEQ, self.seq + 1)
        for i in range(0, len(rec), 4):
            self.put(self.me, W_REC + i // 4, struct.unpack_from("<I", rec, i)[0])
        self.put(self.me, W_RLEN, len(rec))
        self.seq += 2
        self.put(self.me, W_SEQ, self.seq)

    def record(self, q):
        n = self.word(q, W_RLEN)
        return b"".join(struct.pack("<I", self.word(q, W_REC + i)) for i in range(n // 4))

    def close(self):
        self.w.release()
        self.mm.close()
        os.close(self.fd)


class RtDemo(threading.Thread):
    """Peer 0 as the real-time VM would be: publishes statistics, answers
    the demo's commands and echoes, polling (ivshmem-plain has no doorbell)."""

    def __init__(self, peer):
        super().__init__(daemon=True)
        self.p, self.setpoint, self.commands = peer, 0, 0
        self.answer = True      # False: reads commands, never replies
        self.reading = True     # False: does not even read
        self.stop = threading.Event()

    def stats(self):
        return struct.pack(STATS_FMT, 1, 1000, 1000, self.setpoint, 123456, 0,
                           4321, 98765, 1234, self.commands, 77777)

    def reply_to(self, text):
        if text.startswith("setpoint "):
            self.setpoint = int(text.split()[1])
            return f"ok setpoint={self.setpoint}"
        return "error: unknown command"

    def run(self):
        while not self.stop.is_set():
            self.p.publish(self.stats())
            for q in range(1, MAX_PEERS):
                m = self.p.recv(q) if self.reading else None
                if not self.answer:
                    continue
                if m and m[0] == T_CMD:
                    self.commands += 1
                    self.p.send(q, T_REPLY, self.reply_to(m[1].decode()).encode())
                elif m and m[0] == T_ECHO:
                    self.p.send(q, T_ECHO_REPLY, m[1])
            time.sleep(0.001)
