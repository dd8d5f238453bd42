"""The real-time VM's side for the Linux-tool tests: tests/system/ivc.py's
IVC (written from docs/ivc.md, not from lib/ivc.c: an independent oracle)
playing peer 0 against the Linux tool over a file that QEMU's ivshmem-plain
shares with the guest (memory-backend-file, share=on).
"""
import struct
import threading
import time

from ivc import MAX_PEERS, T_CMD, T_ECHO, T_ECHO_REPLY, T_REPLY, BadMessage, Ivc  # noqa: F401

# struct ivc_rt_stats (include/lib/ivc_app.h): eleven 32-bit fields
STATS_FMT = "<IIIiIIIIIII"


class Peer(Ivc):
    """tests/system/ivc.py's peer, as the Linux-tool tests use it: a
    malformed ring or an absent peer reads as "nothing", and the record is
    read whole."""

    def ready(self, q):
        return self.peer_ready(q)

    def recv(self, q):
        """(type, bytes) or None."""
        if not self.peer_ready(q):
            return None
        try:
            return super().recv(q)
        except BadMessage:
            return None

    def record(self, q):
        return self.read_record(q) or b""


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
