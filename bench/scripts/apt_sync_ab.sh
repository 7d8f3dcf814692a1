#!/usr/bin/env bash
# A/B of initial apt syncs from nginx on loopback, alternating: two checkouts' launchers (A and B,
# each with the jar it last built) sync the same generated repository into an empty folder, N
# rounds, each timed up to a final sync(1). Prints "<A|B> <seconds>" per run; a run that fails or
# does not end "outcome: ok" says so loudly instead of a time.
# Usage: apt_sync_ab.sh A_CHECKOUT B_CHECKOUT DATA WORK [N]
#   DATA: a folder GenerateRepository made (repo/ and keyring.gpg), e.g. bench/work/sync/data-2000-0.1
#   after bench/run.sh --quick sync; WORK: a scratch folder on the disk under test.
set -euo pipefail
a=$1 b=$2 data=$3 work=$4 n=${5:-8}
port=18095
mkdir -p "$work/run"
cat > "$work/run/nginx.conf" <<NGINX
worker_processes 1;
pid $work/run/nginx.pid;
error_log $work/run/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $data/repo; }
}
NGINX
nginx -c "$work/run/nginx.conf" -p "$work/run"
trap 'kill "$(cat "$work/run/nginx.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
export REPOMIRROR_NO_BUILD=1
for _ in $(seq 1 "$n"); do
  for side in A B; do
    checkout=$a; [[ $side == B ]] && checkout=$b
    rm -rf "$work/mirror"; mkdir -p "$work/mirror"; sync; sleep 1
    start=$(date +%s.%N)
    rc=0
    "$checkout/repomirror" sync --root "$work/mirror" --upstream "http://127.0.0.1:$port/" \
      --dist dists/bench --keyring "$data/keyring.gpg" --connections 8 > "$work/run/$side.log" 2>&1 || rc=$?
    sync
    end=$(date +%s.%N)
    if (( rc != 0 )) || ! grep -q "^outcome: ok" "$work/run/$side.log"; then
      echo "$side BENCHMARK RUN FAILED: exit $rc (see $work/run/$side.log)"
      continue
    fi
    echo "$side $(echo "$end - $start" | bc)"
  done
done
