#!/usr/bin/env bash
# plan's estimate against the sync that follows, into an empty root, from nginx on loopback
# (127.0.0.1:18089) serving DATA/repo, a repository made by GenerateRepository (its keyring in
# DATA). N times: `plan --json`, then `sync`, timed around the process, JVM start included. A sync
# that fails says so and stops. Prints "run I: sync S s; plan: E s; <the estimate's basis>".
# Usage: plan_estimate.sh REPOMIRROR DATA [N] [WORK]   (REPOMIRROR: a command, e.g. ./repomirror)
set -euo pipefail
rm_cmd=$1 data=$2 n=${3:-3} work=${4:-/tmp/plan-estimate}
mkdir -p "$work"
cat > $work/nginx.conf <<NGINX
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log warn;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  server { listen 127.0.0.1:18089; root $data/repo; } }
NGINX
nginx -c $work/nginx.conf -p $work; trap 'kill $(cat $work/nginx.pid)' EXIT; sleep 0.5
for i in $(seq 1 "$n"); do
  rm -rf $work/t; mkdir -p $work/t; sync
  est=$($rm_cmd plan --json --root $work/t --upstream http://127.0.0.1:18089/ --dist dists/bench --keyring $data/keyring.gpg --connections 8 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f s; %s" % (d["estimatedSeconds"], d["estimateBasis"]))')
  rm -rf $work/t; mkdir -p $work/t; sync
  t0=$(date +%s.%N)
  $rm_cmd sync --root $work/t --upstream http://127.0.0.1:18089/ --dist dists/bench --keyring $data/keyring.gpg --connections 8 > $work/sync.log 2>&1 || { echo "SYNC FAILED"; tail $work/sync.log; exit 1; }
  t1=$(date +%s.%N)
  echo "run $i: sync $(echo "$t1 - $t0" | bc) s; plan: $est"
done
