#!/usr/bin/env bash
# A/B of serving: two repomirror jars (A and B, one event loop each, small-file cache on) and nginx
# with open_file_cache (one worker), each on its own port over the same files, measured with
# wrk -t1 -c50 in rotating order, N rounds of D seconds per size. Prints "<size> <name> <req/s>"
# per run; a wrk run with errors or non-2xx answers says so loudly instead of a figure. The servers
# run on CPU 1 and wrk on CPU 0 (PIN=no leaves placement to the scheduler): unpinned, a server that
# shares wrk's core loses a third of its rate, and which one does changes from run to run.
# Usage: serve_ab.sh A.jar B.jar WORK [N] [D]   (WORK: a scratch folder; sizes: SIZES="1k 64k" (256k and 1m too);
# MIRROR=no serves a plain folder rather than a mirror root)
set -euo pipefail
a=$1 b=$2 work=$3 n=${4:-5} d=${5:-10}
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
ulimit -n "$(ulimit -Hn)"
mkdir -p "$work/src/pool" "$work/nginx"
declare -A bytes=([1k]=1024 [64k]=65536 [256k]=262144 [1m]=1048576)
for size in 1k 64k 256k 1m; do
  f="$work/src/pool/file-$size.bin"
  [[ -f "$f" ]] || head -c "${bytes[$size]}" /dev/urandom > "$f"
done
# The served root is a mirror that B's tree sync keeps, as in use (MIRROR=no: a plain folder).
if [[ "${MIRROR:-yes}" == yes ]]; then
  "$java" -jar "$b" sync --mode tree --upstream "file://$work/src" --root "$work/root" \
    --hostname bench --max-delete 1000000 > "$work/sync.log" 2>&1 || { echo "FAILED: the tree sync; see $work/sync.log" >&2; exit 1; }
else
  rm -rf "$work/root"; cp -a "$work/src" "$work/root"
fi
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 100000000; default_type application/octet-stream;
  server {
    listen 127.0.0.1:18092 backlog=4096; root $work/root; etag on;
    open_file_cache max=10000 inactive=60s; open_file_cache_valid 60s; open_file_cache_errors on;
  }
}
NGINX
server_cpu=() client_cpu=()
[[ "${PIN:-yes}" == yes ]] && server_cpu=(taskset -c 1) client_cpu=(taskset -c 0)
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  [[ -f "$work/nginx/nginx.pid" ]] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
"${server_cpu[@]}" nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
for side in A:18090:"$a" B:18091:"$b"; do
  IFS=: read -r name port jar <<< "$side"
  printf 'server:\n  root: %s\n  listen: 127.0.0.1:%s\n  admin-listen: 127.0.0.1:%s\n  io-threads: 1\n  access-log: "off"\n' \
    "$work/root" "$port" "$((port + 100))" > "$work/$name.yaml"
  "${server_cpu[@]}" "$java" -Xms64m -Xmx256m -jar "$jar" serve --config "$work/$name.yaml" > "$work/$name.log" 2>&1 &
  pids+=($!)
done
for port in 18090 18091 18092; do
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  wrk -t1 -c50 -d3s "http://127.0.0.1:$port/pool/file-1k.bin" > /dev/null # warm-up
done
declare -A ports=([A]=18090 [B]=18091 [nginx-ofc]=18092)
declare -A cpu_pid=([A]="${pids[0]}" [B]="${pids[1]}" [nginx-ofc]="$(pgrep -P "$(cat "$work/nginx/nginx.pid")" | head -1)")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
names=(A B nginx-ofc)
for size in ${SIZES:-1k 64k}; do
  for round in $(seq 1 "$n"); do
    for name in "${names[@]:round % 3}" "${names[@]:0:round % 3}"; do
      before="$(ticks "${cpu_pid[$name]}")"
      out="$("${client_cpu[@]}" wrk -t1 -c50 -d"${d}s" "http://127.0.0.1:${ports[$name]}/pool/file-$size.bin")"
      if grep -qE "Non-2xx|Socket errors" <<< "$out"; then
        echo "$size $name BENCHMARK RUN FAILED: $(grep -E 'Non-2xx|Socket errors' <<< "$out" | tr '\n' ' ')"
      else
        requests="$(awk '/requests in/ {print $1}' <<< "$out")"
        cpu_us="$(( ($(ticks "${cpu_pid[$name]}") - before) * 1000000 / $(getconf CLK_TCK) / requests ))"
        echo "$size $name $(awk '/Requests\/sec/ {print $2}' <<< "$out") $cpu_us"
      fi
    done
  done
done
