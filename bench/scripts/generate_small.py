#!/usr/bin/env python3
"""Writes FILES files of 0-200 bytes (fixed seed) in FILES/100 folders, mtimes in the past: the
many-small-files case of an old host. Usage: generate_small.py OUT FILES"""
import os, random, sys

out, files = sys.argv[1], int(sys.argv[2])
rng = random.Random(1)
block = rng.randbytes(4096)
dirs = max(1, files // 100)
for i in range(files):
    d = os.path.join(out, f"d{(i % dirs) // 100:03d}", f"f{i % dirs:05d}")
    if i < dirs:
        os.makedirs(d, exist_ok=True)
    p = os.path.join(d, f"file-{i:07d}.txt")
    size = rng.randrange(0, 201)
    off = rng.randrange(0, 4096 - size)
    with open(p, "wb") as fh:
        fh.write(block[off:off + size])
    t = 1_300_000_000 + i
    os.utime(p, (t, t))
