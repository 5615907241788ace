#!/usr/bin/env python3
"""analyze.py OUTDIR DURATION -- the table of a bbr_cubic.sh run: per run
(OUTDIR/N<packets>_r<rep>), each flow's goodput and BBR's share over
[20 s, DURATION] and (for runs over 120 s) [100 s, DURATION], BBR's share
per 20-s window, the FIFO's drops; then the mean share per buffer size."""
import glob
import json
import os
import re
import sys

out, dur = sys.argv[1], int(sys.argv[2])
if dur <= 20:
    sys.exit("analyze.py: runs must be longer than the 20-s warm-up")
late = 100 if dur > 120 else 20  # the second, later interval
BDP = 10e6 * 0.040 / (1500 * 8)  # 33.3 packets


def mbps(bins, a, z):
    return sum(bins[a:z]) * 8 / (z - a) / 1e6


rows = []
for d in glob.glob(os.path.join(out, "N*_r*")):
    m = re.search(r"N(\d+)_r(\w+)$", d)
    if not m or not os.path.exists(os.path.join(d, "recv.json")):
        continue
    conns = json.load(open(os.path.join(d, "recv.json")))["conns"]
    b, c = conns["bbr"]["bins"], conns["cubic"]["bins"]
    emu = open(os.path.join(d, "emu.out")).read()
    drops = re.search(r"\[data\].*?fifo_dropped=(\d+)", emu)
    rows.append((int(m.group(1)), m.group(2), b, c, drops.group(1) if drops else "?"))
rows.sort(key=lambda r: (r[0], r[1]))

print(f"Kernel {open(os.path.join(out, 'kernel.txt')).read().strip()}; 10 Mbit/s, 40 ms, "
      f"1 BBR + 1 CUBIC, {dur} s; goodput in Mbit/s at the receiving application.\n")
print(f"| buffer | run | BBR [20,{dur}] | CUBIC [20,{dur}] | BBR share [20,{dur}] | BBR share [{late},{dur}] | FIFO drops |")
print("|---|---|---|---|---|---|---|")
means = {}
for n, rep, b, c, drops in rows:
    s20 = mbps(b, 20, dur) / (mbps(b, 20, dur) + mbps(c, 20, dur))
    s100 = mbps(b, late, dur) / (mbps(b, late, dur) + mbps(c, late, dur))
    means.setdefault(n, []).append(s20)
    print(f"| {n / BDP:.0f} BDP ({n}) | {rep} | {mbps(b, 20, dur):.3f} | {mbps(c, 20, dur):.3f} | "
          f"**{s20:.3f}** | {s100:.3f} | {drops} |")
print("\nBBR's share per 20-s window:\n")
for n, rep, b, c, _ in rows:
    w = [(mbps(b, a, a + 20), mbps(c, a, a + 20)) for a in range(0, dur - 19, 20)]
    print(f"- {n} packets, run {rep}: " + " ".join(f"{x / (x + y):.2f}" if x + y else "-" for x, y in w))
print("\nMean BBR share over [20 s, %d s] per buffer: " % dur +
      ", ".join(f"{n / BDP:.0f} BDP {sum(v) / len(v):.3f}" for n, v in sorted(means.items())))
