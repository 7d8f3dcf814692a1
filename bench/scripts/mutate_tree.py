#!/usr/bin/env python3
"""Changes PERCENT of the files of a tree (same size, new bytes, new mtime), chosen by SEED.
Usage: mutate_tree.py TREE PERCENT SEED"""
import os, random, sys, time

tree, percent, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(tree) for f in fs)
rng = random.Random(seed)
chosen = rng.sample(paths, max(1, int(len(paths) * percent / 100)))
now = time.time()
for p in chosen:
    size = os.path.getsize(p)
    with open(p, "r+b") as fh:
        fh.write(rng.randbytes(min(size, 4096)))
    os.utime(p, (now, now))
print(len(chosen))
