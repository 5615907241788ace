#!/usr/bin/env python3
"""sender.py OUT.json DURATION GAP CC:PORT... -- in the snd namespace: one
bulk flow per CC:PORT to 10.77.0.2, the k-th started k*GAP s after the
first, each writing as fast as the socket takes data for DURATION s.  The
congestion control is set with TCP_CONGESTION before connect()."""
import json
import socket
import struct
import sys
import threading
import time

out, dur, gap = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
flows = [f.split(":") for f in sys.argv[4:]]
chunk = b"\0" * (1 << 20)
info = {}


def flow(cc, port, start):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
    while time.monotonic() < start:
        time.sleep(0.0005)
    t = time.monotonic()
    s.connect(("10.77.0.2", int(port)))
    got = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).split(b"\0")[0].decode()
    s.settimeout(0.2)
    sent, end = 0, t + dur
    while time.monotonic() < end:
        try:
            sent += s.send(chunk)
        except socket.timeout:
            pass
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()  # a reset: the receiver stops counting at once
    info[f"{cc}:{port}"] = {"cc": got, "connect_t": t, "bytes_written": sent}


base = time.monotonic() + 0.2
threads = [threading.Thread(target=flow, args=(cc, port, base + i * gap)) for i, (cc, port) in enumerate(flows)]
for th in threads:
    th.start()
for th in threads:
    th.join()
with open(out, "w") as f:
    json.dump(info, f)
