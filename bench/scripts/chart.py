#!/usr/bin/env python3
"""Draws an SVG bar chart of medians from a bench/results CSV, one group per case, one bar per
tool, with the median's value on each bar. Usage: chart.py RESULTS.csv OUT.svg "title" [unit]
Works for the three CSV shapes run.sh writes: serve (size,connections,...,server,req_per_s),
sync (tool,run,seconds,...) and tree (case,tool,run,seconds)."""
import csv, statistics, sys
from collections import OrderedDict

src, out, title = sys.argv[1], sys.argv[2], sys.argv[3]
rows = list(csv.DictReader(open(src)))
groups = OrderedDict()
if "server" in rows[0]:
    unit = "req/s (higher is better)"
    for r in rows:
        if r["size"] == "idle":
            continue  # the idle-connection rows hold RSS, not rates
        groups.setdefault(f"{r['size']} x{r['connections']}", OrderedDict()).setdefault(r["server"], []).append(float(r["req_per_s"]))
elif "case" in rows[0]:
    unit = "seconds (lower is better)"
    for r in rows:
        groups.setdefault(r["case"], OrderedDict()).setdefault(r["tool"], []).append(float(r["seconds"]))
else:
    unit = "seconds (lower is better)"
    for r in rows:
        groups.setdefault("initial sync", OrderedDict()).setdefault(r["tool"], []).append(float(r["seconds"]))
names = {"rm": "repomirror", "peer": "repomirror (peer)", "rs": "rsync", "sha": "sha256sum"}
colors = ["#2b6cb0", "#63b3ed", "#ed8936", "#48bb78", "#a0aec0", "#e53e3e"]
if not groups:
    sys.exit(0)  # nothing to draw (an idle-only run)
tools = []
for g in groups.values():
    for t in g:
        if t not in tools:
            tools.append(t)
bar, gap, left, top, height = 22, 28, 60, 50, 220
width = max(left + len(groups) * (len(tools) * bar + gap) + 20, left + len(tools) * 150 + 20)
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{top + height + 90}" font-family="sans-serif" font-size="11">',
       f'<text x="{left}" y="20" font-size="14" font-weight="bold">{title}</text>',
       f'<text x="{left}" y="38" fill="#555">median of {max(len(v) for g in groups.values() for v in g.values())} runs; {unit}</text>']
x = left
for gname, g in groups.items():
    peak = max(statistics.median(v) for v in g.values())
    for i, t in enumerate(tools):
        if t not in g:
            continue
        m = statistics.median(g[t])
        h = max(1, height * m / peak)
        bx = x + i * bar
        svg.append(f'<rect x="{bx}" y="{top + height - h:.1f}" width="{bar - 3}" height="{h:.1f}" fill="{colors[i % len(colors)]}"/>')
        label = f"{m:,.0f}" if m >= 100 else f"{m:.2f}"
        svg.append(f'<text x="{bx + (bar - 3) / 2}" y="{top + height - h - 3:.1f}" text-anchor="middle" font-size="9">{label}</text>')
    svg.append(f'<text x="{x + len(tools) * bar / 2}" y="{top + height + 15}" text-anchor="middle">{gname}</text>')
    x += len(tools) * bar + gap
for i, t in enumerate(tools):
    lx = left + i * 150
    svg.append(f'<rect x="{lx}" y="{top + height + 35}" width="10" height="10" fill="{colors[i % len(colors)]}"/>')
    svg.append(f'<text x="{lx + 14}" y="{top + height + 44}">{names.get(t, t)}</text>')
svg.append(f'<line x1="{left - 5}" y1="{top + height}" x2="{width - 10}" y2="{top + height}" stroke="#333"/>')
svg.append("</svg>")
open(out, "w").write("\n".join(svg) + "\n")
print(out)
