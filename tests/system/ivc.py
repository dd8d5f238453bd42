"""The IVC protocol (docs/ivc.md) in Python, written from the document alone.

It lets a system test play a peer over a shared-memory file (QEMU's
memory-backend-file of an ivshmem device), and is an independent oracle for
lib/ivc.c: the two only agree if both follow the document.
"""
import mmap
import os
import struct
import time

MAGIC = 0x4356495A
VERSION = 2
MAX_PEERS = 8
HDR_SIZE = 512
REC_MAX = 192
MSG_MAX = 256
# Header words.
W_MAGIC, W_VERSION, W_PEER, W_SLOT_SIZE, W_RING_SIZE, W_REC_SEQ, W_REC_LEN, W_EPOCH = range(8)
W_HEAD, W_TAIL, W_START, W_REC = 8, 16, 24, 32

T_CMD, T_REPLY, T_ECHO, T_ECHO_REPLY = 1, 2, 3, 4
# struct ivc_rt_stats (include/lib/ivc_app.h)
RT_STATS = struct.Struct("<IIIiIIIIIII")
RT_FIELDS = ("version", "period_us", "window_ms", "setpoint", "periods_lo", "periods_hi",
             "late_max_ns_window", "late_max_ns_total", "late_avg_ns_window", "commands",
             "uptime_ms")


class BadMessage(Exception):
    """The peer's ring made no sense; we skipped to its head."""


def round4(n):
    return (n + 3) & ~3


def region_file(path, size):
    """A zeroed shared-memory file of `size` bytes, as QEMU's backend will map it."""
    with open(path, "wb") as f:
        f.truncate(size)


class Ivc:
    """One peer's view of a region (a file mapped shared)."""

    def __init__(self, path, size, self_id):
        self.fd = os.open(path, os.O_RDWR)
        self.m = mmap.mmap(self.fd, size)
        self.size, self.self = size, self_id
        self.slot_size = size // MAX_PEERS
        self.ring_size = 1
        while self.ring_size * 2 <= (self.slot_size - HDR_SIZE) // MAX_PEERS:
            self.ring_size *= 2
        self.head = [0] * MAX_PEERS
        self.tail = [0] * MAX_PEERS
        self.seen_epoch = [0] * MAX_PEERS
        self.rec_seq = 0
        self.resyncs = 0

    def close(self):
        self.m.close()
        os.close(self.fd)

    # --- 32-bit words -----------------------------------------------------
    def word(self, peer, idx):
        return struct.unpack_from("<I", self.m, peer * self.slot_size + 4 * idx)[0]

    def set_word(self, peer, idx, v):
        struct.pack_into("<I", self.m, peer * self.slot_size + 4 * idx, v & 0xFFFFFFFF)

    def ring_off(self, frm, to):
        return frm * self.slot_size + HDR_SIZE + to * self.ring_size

    # --- protocol ---------------------------------------------------------
    def peer_ready(self, p):
        return (self.word(p, W_MAGIC) == MAGIC and self.word(p, W_VERSION) == VERSION
                and self.word(p, W_PEER) == p and self.word(p, W_SLOT_SIZE) == self.slot_size
                and self.word(p, W_RING_SIZE) == self.ring_size)

    def _set_tail(self, p, v):
        self.tail[p] = v & 0xFFFFFFFF
        self.set_word(self.self, W_TAIL + p, self.tail[p])

    def attach(self):
        s = self.self
        self.set_word(s, W_MAGIC, 0)
        epoch = (self.word(s, W_EPOCH) + 1) & 0xFFFFFFFF
        for idx, v in ((W_VERSION, VERSION), (W_PEER, s), (W_SLOT_SIZE, self.slot_size),
                       (W_RING_SIZE, self.ring_size), (W_REC_SEQ, 0), (W_REC_LEN, 0)):
            self.set_word(s, idx, v)
        for q in range(MAX_PEERS):
            ready = q != s and self.peer_ready(q)
            # A writer resumes at its reader's tail (lib/ivc.c resume_writer).
            self.head[q] = self.word(q, W_TAIL + s) & ~3 if ready else 0
            self.set_word(s, W_START + q, self.head[q])
            self.set_word(s, W_HEAD + q, self.head[q])
            if ready:
                self.seen_epoch[q] = self.word(q, W_EPOCH)
                self._set_tail(q, self.word(q, W_HEAD + s) & ~3)
            else:
                self._set_tail(q, 0)
        self.set_word(s, W_EPOCH, epoch)
        self.set_word(s, W_MAGIC, MAGIC)

    def send(self, p, mtype, data):
        """Queue a message; False when the ring is full."""
        assert 1 <= len(data) <= MSG_MAX and self.peer_ready(p)
        h = self.head[p]
        used = (h - self.word(p, W_TAIL + self.self)) & 0xFFFFFFFF
        need = 4 + round4(len(data))
        if used > self.ring_size or need > self.ring_size - used:
            return False
        base, mask = self.ring_off(self.self, p), self.ring_size - 1
        struct.pack_into("<I", self.m, base + (h & mask), mtype << 24 | len(data))
        padded = bytes(data) + b"\0" * (round4(len(data)) - len(data))
        for i in range(0, len(padded), 4):
            self.m[base + ((h + 4 + i) & mask):base + ((h + 4 + i) & mask) + 4] = padded[i:i + 4]
        self.head[p] = (h + need) & 0xFFFFFFFF
        self.set_word(self.self, W_HEAD + p, self.head[p])
        return True

    def _resync(self, p, head):
        self._set_tail(p, head & ~3)
        self.resyncs += 1
        raise BadMessage(f"peer {p}")

    def recv(self, p):
        """(type, payload) of the next message from p, or None."""
        e = self.word(p, W_EPOCH)
        if e != self.seen_epoch[p]:
            self.seen_epoch[p] = e
            self._set_tail(p, self.word(p, W_START + self.self) & ~3)
        t = self.tail[p]
        h = self.word(p, W_HEAD + self.self)
        avail = (h - t) & 0xFFFFFFFF
        if not avail:
            return None
        if avail > self.ring_size or avail & 3:
            self._resync(p, h)
        base, mask = self.ring_off(p, self.self), self.ring_size - 1
        w = struct.unpack_from("<I", self.m, base + (t & mask))[0]
        n = w & 0xFFFF
        if not n or n > MSG_MAX or 4 + round4(n) > avail:
            self._resync(p, h)
        data = b"".join(self.m[base + ((t + 4 + i) & mask):base + ((t + 4 + i) & mask) + 4]
                        for i in range(0, round4(n), 4))
        self._set_tail(p, t + 4 + round4(n))
        return w >> 24, data[:n]

    def detach(self):
        self.set_word(self.self, W_MAGIC, 0)

    def publish(self, rec):
        """Our record, under the sequence lock (odd while it changes)."""
        assert len(rec) <= REC_MAX
        rec = bytes(rec) + b"\0" * (round4(len(rec)) - len(rec))
        self.set_word(self.self, W_REC_SEQ, self.rec_seq + 1)
        for i in range(0, len(rec), 4):
            self.set_word(self.self, W_REC + i // 4, struct.unpack_from("<I", rec, i)[0])
        self.set_word(self.self, W_REC_LEN, len(rec))
        self.rec_seq += 2
        self.set_word(self.self, W_REC_SEQ, self.rec_seq)

    def read_record(self, p, tries=64):
        for _ in range(tries):
            seq = self.word(p, W_REC_SEQ)
            if seq & 1:
                continue
            n = self.word(p, W_REC_LEN)
            off = p * self.slot_size + 4 * W_REC
            data = bytes(self.m[off:off + min(n, REC_MAX)])
            if self.word(p, W_REC_SEQ) != seq:
                continue
            if n > REC_MAX:
                raise BadMessage(f"record length {n}")
            return data
        return None

    # --- the real-time demo (docs/ivc.md) -----------------------------------
    def rt_stats(self, p):
        rec = self.read_record(p)
        if rec is None or len(rec) < RT_STATS.size:
            return None
        return dict(zip(RT_FIELDS, RT_STATS.unpack_from(rec)))

    def request(self, p, mtype, data, timeout=5.0):
        """Send and wait (polling: no doorbells here) for the next message back."""
        assert self.send(p, mtype, data)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg = self.recv(p)
            if msg:
                return msg
            time.sleep(0.01)
        raise TimeoutError(f"no answer to {data!r}")


class DoorbellServer:
    """A minimal ivshmem-server (QEMU's contrib/ivshmem-server protocol, which
    Debian does not package) for one QEMU `ivshmem-doorbell` as peer `guest_id`
    and this process as peer `my_id`, one vector each.

    Every message is a little-endian int64, some with a file descriptor:
    the protocol version (0), the guest's peer id, the shared memory (-1 +
    fd), then for each peer id its vector eventfds (id + fd), the guest's own
    last. Writing `guest_efd` raises the guest's interrupt; the guest's
    doorbell to us signals `my_efd`.
    """

    def __init__(self, sock_path, shm_path, guest_id=0, my_id=1):
        import socket
        import threading
        self.socket = socket
        self.sock_path = sock_path
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(sock_path)
        self.srv.listen(1)
        self.shm_fd = os.open(shm_path, os.O_RDWR)
        self.guest_efd = os.eventfd(0)
        self.my_efd = os.eventfd(0, os.EFD_NONBLOCK)
        self.ids = (guest_id, my_id)
        self.conn = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _send(self, value, fd=None):
        anc = [(self.socket.SOL_SOCKET, self.socket.SCM_RIGHTS, struct.pack("i", fd))] \
            if fd is not None else []
        self.conn.sendmsg([struct.pack("<q", value)], anc)

    def _serve(self):
        self.conn, _ = self.srv.accept()
        guest, me = self.ids
        self._send(0)
        self._send(guest)
        self._send(-1, self.shm_fd)
        self._send(me, self.my_efd)
        self._send(guest, self.guest_efd)

    def ring_guest(self):
        os.eventfd_write(self.guest_efd, 1)

    def doorbells_from_guest(self):
        """How many times the guest rang us since the last call."""
        try:
            return os.eventfd_read(self.my_efd)
        except BlockingIOError:
            return 0

    def close(self):
        for fd in (self.shm_fd, self.guest_efd, self.my_efd):
            os.close(fd)
        if self.conn:
            self.conn.close()
        self.srv.close()
        os.unlink(self.sock_path)
