#!/usr/bin/env python3
"""sslog.py OUT DURATION -- in the snd namespace: `ss -tin` once a second,
each sample headed "T <CLOCK_MONOTONIC s>" (BBR's bw and mrtt, cwnd,
pacing rate, RTT of every flow)."""
import subprocess
import sys
import time

dur = float(sys.argv[2])
end = time.monotonic() + dur
with open(sys.argv[1], "w") as out:
    while time.monotonic() < end:
        t = time.monotonic()
        r = subprocess.run(["ss", "-tin", "dst", "10.77.0.2"], capture_output=True, text=True).stdout
        out.write(f"T {t:.3f}\n{r}")
        out.flush()
        time.sleep(max(0.0, 1.0 - (time.monotonic() - t)))
