#!/usr/bin/env python3
"""Writes a tree like an old repository host's: FILES files in about FILES/100 directories,
sizes drawn (fixed seed) from Debian's package size distribution times SCALE, awkward names
(+ ~ % and spaces), mtimes in the past. Usage: generate_tree.py OUT FILES SCALE SIZES.gz"""
import gzip, os, random, sys

out, files, scale, sizes_path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rng = random.Random(1)
with gzip.open(sizes_path, "rt") as f:
    sizes = [int(line.split()[-1]) for line in f if line.strip() and line.split()[-1].isdigit()]
block = random.Random(2).randbytes(64 << 20)
dirs = max(1, files // 100)
for i in range(files):
    d = i % dirs
    path = os.path.join(out, f"area{d // 60:02d}", f"dir {d:04d}+x~y")
    if i < dirs:
        os.makedirs(path, exist_ok=True)
    size = max(1, int(rng.choice(sizes) * scale))
    name = f"file_{i:07d}+1~b%{i % 7}.bin" if i % 3 else f"notes {i:07d}.html"
    p = os.path.join(path, name)
    with open(p, "wb") as fh:
        off = rng.randrange(0, len(block) - min(size, len(block)))
        left = size
        while left > 0:
            n = min(left, len(block) - off)
            fh.write(block[off:off + n])
            left -= n
            off = 0
    t = 1_250_000_000 + i * 37
    os.utime(p, (t, t))
