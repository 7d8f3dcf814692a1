#!/usr/bin/env bash
# A/B of initial tree copies from a repomirror peer on loopback, HTTP/1.1 (pipelined) against
# HTTP/2, alternating: serves PEER (a repomirror tree) on 127.0.0.1:18500, then each round copies it
# into a fresh folder under WORK with --http2 off and with --http2 auto, each sync in its own JVM
# (--in-process), timed up to a final sync(1). Prints "<protocol> round <n>: <seconds> s" and the
# report's HTTP/2 line; a run that fails says so loudly instead of a time.
# Usage: http2_ab.sh PEER WORK [ROUNDS]; EXTRA adds sync options to both (e.g. "--connections 16").
set -euo pipefail
peer=$1 work=$2 rounds=${3:-3}
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPOMIRROR_JAVA_OPTS="-Xmx512m"
mkdir -p "$work"
"$top/repomirror" serve --root "$peer" --listen 127.0.0.1:18500 --admin-listen 127.0.0.1:18501 \
  > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/18500) 2>/dev/null && break; sleep 0.1; done
for round in $(seq 1 "$rounds"); do
  for mode in off auto; do
    rm -rf "${work:?}/$mode"
    sync
    start=$(date +%s.%N)
    if ! "$top/repomirror" sync --mode tree --upstream http://127.0.0.1:18500/ --root "$work/$mode" \
      --http2 "$mode" --in-process ${EXTRA:-} > "$work/$mode.log" 2>&1 || ! sync; then
      echo "BENCHMARK RUN FAILED: --http2 $mode, round $round (see $work/$mode.log)"
      continue
    fi
    end=$(date +%s.%N)
    echo "--http2 $mode round $round: $(echo "$end - $start" | bc) s $(grep -o 'over HTTP/2.*' "$work/$mode.log" | head -1)"
  done
done
