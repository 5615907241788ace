#!/usr/bin/env python3
"""receiver.py OUT.json DURATION PORT:LABEL... -- in the rcv namespace:
accepts one connection per port and counts the bytes the application reads
in 1-s bins, from the first connection's accept (CLOCK_MONOTONIC), for
DURATION s.  The bins are the goodput."""
import json
import selectors
import socket
import sys
import time

out, dur = sys.argv[1], float(sys.argv[2])
sel = selectors.DefaultSelector()
for arg in sys.argv[3:]:
    port, label = arg.split(":")
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("10.77.0.2", int(port)))
    ls.listen(4)
    ls.setblocking(False)
    sel.register(ls, selectors.EVENT_READ, ("listen", label))
t0 = deadline = None
conns = {}
buf = bytearray(1 << 20)
while deadline is None or time.monotonic() < deadline:
    for key, _ in sel.select(timeout=0.2):
        kind, label = key.data
        if kind == "listen":
            c, _ = key.fileobj.accept()
            c.setblocking(False)
            t = time.monotonic()
            if t0 is None:
                t0, deadline = t, t + dur
            conns[label] = {"accept": t - t0, "bins": {}, "total": 0}
            sel.register(c, selectors.EVENT_READ, ("conn", label))
            continue
        try:
            n = key.fileobj.recv_into(buf)
        except (BlockingIOError, InterruptedError):
            continue
        except ConnectionResetError:
            n = 0
        if n == 0:
            sel.unregister(key.fileobj)
            key.fileobj.close()
            continue
        c = conns[label]
        b = int(time.monotonic() - t0)
        c["bins"][b] = c["bins"].get(b, 0) + n
        c["total"] += n
for c in conns.values():
    c["bins"] = [c["bins"].get(i, 0) for i in range(max(c["bins"], default=-1) + 1)]
with open(out, "w") as f:
    json.dump({"t0_monotonic": t0, "conns": conns}, f)
