# The serve scenario: sourced by bench/run.sh, which defines work, results, runs, duration,
# quick, stamp, need, median and wait_port.
need nginx wrk python3
ulimit -n "$(ulimit -Hn)"

serve_dir="$work/serve"
src="$serve_dir/src"
root="$serve_dir/root"
mkdir -p "$src/pool" "$serve_dir/nginx"
declare -A sizes=([1k]=1024 [64k]=65536 [1m]=1048576 [20m]=20971520)
for name in "${!sizes[@]}"; do
  f="$src/pool/file-$name.bin"
  [[ -f "$f" && $(stat -c %s "$f") == "${sizes[$name]}" ]] || head -c "${sizes[$name]}" /dev/urandom > "$f"
done
# The served root is a mirror, as in use: repomirror's tree sync makes it from the files above, and
# every server reads the same root. MIRROR=no serves the plain folder instead, whose files
# repomirror looks at on every request.
if [[ "${MIRROR:-yes}" == yes ]]; then
  "$top/repomirror" sync --mode tree --upstream "file://$src" --root "$root" --hostname bench \
    --max-delete 1000000 > "$serve_dir/sync.log" 2>&1 || { echo "FAILED: the tree sync that makes the served root; see $serve_dir/sync.log" >&2; exit 1; }
else
  rm -rf "$root"
  cp -a "$src" "$root"
fi

nginx_port=18081
nginx_ofc_port=18082 # the same nginx, with open_file_cache: beside repomirror's small-file cache
rm_port=18080
admin_port=18180
cat > "$serve_dir/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $serve_dir/nginx/nginx.pid;
error_log $serve_dir/nginx/error.log warn;
events { worker_connections 20000; }
worker_rlimit_nofile 20000;
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 100000000;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    root $root;
    etag on;
  }
  server {
    listen 127.0.0.1:$nginx_ofc_port backlog=4096;
    root $root;
    etag on;
    open_file_cache max=10000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_errors on;
  }
}
NGINX

start_nginx() {
  nginx -c "$serve_dir/nginx/nginx.conf" -p "$serve_dir/nginx" 2>>"$serve_dir/nginx/error.log"
  wait_port "$nginx_port"
  wait_port "$nginx_ofc_port"
}
stop_nginx() {
  [[ -f "$serve_dir/nginx/nginx.pid" ]] && kill "$(cat "$serve_dir/nginx/nginx.pid")" 2>/dev/null || true
  sleep 0.5
}
start_repomirror() {
  cat > "$serve_dir/repomirror.yaml" <<YAML
server:
  root: $root
  listen: 127.0.0.1:$rm_port
  admin-listen: 127.0.0.1:$admin_port
  io-threads: 1
  access-log: "off"
  small-file-cache: ${SMALL_FILE_CACHE:-64MiB}
YAML
  REPOMIRROR_JAVA_OPTS="${REPOMIRROR_JAVA_OPTS:--Xms64m -Xmx256m}" \
    "$top/repomirror" serve --config "$serve_dir/repomirror.yaml" >"$serve_dir/repomirror.log" 2>&1 &
  rm_pid=$!
  wait_port "$rm_port"
}
stop_repomirror() {
  kill "$rm_pid" 2>/dev/null || true
  wait "$rm_pid" 2>/dev/null || true
}

# wrk prints Requests/sec, Transfer/sec and, with --latency, a 99% percentile.
run_wrk() { # port file connections -> "req_per_s mb_per_s p99_ms"
  local out
  out="$(wrk -t1 -c"$3" -d"${duration}s" --timeout 10s --latency "http://127.0.0.1:$1/pool/$2" 2>&1)"
  python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
tr = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
scale = {"B": 1 / 1e6, "KB": 1024 / 1e6, "MB": 1024**2 / 1e6, "GB": 1024**3 / 1e6}[tr.group(2)]
lat = re.search(r"99%\s+([\d.]+)(\w+)", out)
ms = float(lat.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[lat.group(2)]
# A run with wrong answers or broken connections has no valid figure: say so, print none.
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
if (bad and int(bad.group(1))) or (sock and sum(map(int, sock.groups()))):
    print("FAILED: " + " ".join(m.group(0) for m in (bad, sock) if m), file=sys.stderr)
    sys.exit(1)
print(f"{rps:.0f} {float(tr.group(1)) * scale:.1f} {ms:.2f}")
PY
}

csv="$results/serve-$stamp.csv"
echo "size,connections,run,server,req_per_s,mb_per_s,p99_ms" > "$csv"
read -r -a files <<< "${SIZES:-1k 64k 1m 20m}"
read -r -a conns <<< "${CONNS:-50 1000}"
$quick && [[ -z "${CONNS:-}" ]] && conns=(50)

start_nginx
start_repomirror
trap 'stop_repomirror; stop_nginx' EXIT
# Warm-up: the JIT compiles the hot path; nginx gets the same page cache.
wrk -t1 -c50 -d3s "http://127.0.0.1:$rm_port/pool/file-1k.bin" >/dev/null
wrk -t1 -c50 -d3s "http://127.0.0.1:$rm_port/pool/file-1m.bin" >/dev/null
wrk -t1 -c50 -d2s "http://127.0.0.1:$nginx_port/pool/file-1m.bin" >/dev/null
wrk -t1 -c50 -d2s "http://127.0.0.1:$nginx_ofc_port/pool/file-1m.bin" >/dev/null

for size in "${files[@]}"; do
  for c in "${conns[@]}"; do
    for run in $(seq 1 "$runs"); do
      # Rotate the order so no server always runs on a warmer machine.
      servers=(nginx nginx-ofc repomirror)
      order=("${servers[@]:run % 3}" "${servers[@]:0:run % 3}")
      for server in "${order[@]}"; do
        case $server in
          nginx) port=$nginx_port ;;
          nginx-ofc) port=$nginx_ofc_port ;;
          repomirror) port=$rm_port ;;
        esac
        if ! result="$(run_wrk "$port" "file-$size.bin" "$c")"; then
          echo "serve: BENCHMARK RUN FAILED: $server, $size, $c connections, run $run; no figures" >&2
          exit 1
        fi
        read -r rps mbs p99 <<< "$result"
        echo "$size,$c,$run,$server,$rps,$mbs,$p99" >> "$csv"
      done
    done
  done
done

echo
echo "serve: wrk -t1 -c{50,1000} -d${duration}s, medians of $runs rotating runs, one worker/event loop each;"
echo "nginx+ofc is the same nginx with open_file_cache (max=10000, valid 60s), beside repomirror's small-file cache"
python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
keys = []
for r in rows:
    k = (r["size"], r["connections"])
    if k not in keys: keys.append(k)
servers = ("nginx", "nginx-ofc", "repomirror")
head = " | ".join(f"{s + ' req/s':>16} {'MB/s':>7} {'p99 ms':>7}" for s in servers)
print(f"{'size':>5} {'conns':>5} | {head} | {'x nginx':>7} {'x +ofc':>7}")
for size, c in keys:
    med = {}
    for server in servers:
        sel = [r for r in rows if r["size"] == size and r["connections"] == c and r["server"] == server]
        med[server] = [statistics.median(float(r[f]) for r in sel) for f in ("req_per_s", "mb_per_s", "p99_ms")]
    cols = " | ".join(f"{m[0]:>16.0f} {m[1]:>7.1f} {m[2]:>7.2f}" for m in med.values())
    rm = med["repomirror"][0]
    print(f"{size:>5} {c:>5} | {cols} | {rm / med['nginx'][0]:>7.2f} {rm / med['nginx-ofc'][0]:>7.2f}")
PY

# Idle connections: RSS of each server holding 10,000 idle keep-alive connections.
if [[ "${IDLE:-yes}" == no ]]; then
  stop_repomirror
  stop_nginx
  trap - EXIT
  python3 "$here/scripts/chart.py" "$csv" "${csv%.csv}.svg" "serve: requests per second" > /dev/null
  echo "results: $csv and ${csv%.csv}.svg"
  return 0
fi
idle=10000
$quick && idle=2000
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
nginx_worker="$(pgrep -P "$(cat "$serve_dir/nginx/nginx.pid")" | head -1)"
rm_java="$(pgrep -f "repomirror.jar serve --config $serve_dir" | head -1)"
echo
echo "idle: $idle keep-alive connections, each after one request"
for server in repomirror nginx; do
  port=$nginx_port; pid=$nginx_worker
  [[ $server == repomirror ]] && { port=$rm_port; pid=$rm_java; }
  before="$(rss "$pid")"
  fds_before="$(ls "/proc/$pid/fd" | wc -l)"
  python3 "$here/scripts/idle_connections.py" 127.0.0.1 "$port" "$idle" /pool/file-1k.bin 5 &
  holder=$!
  sleep 1
  for _ in $(seq 1 120); do
    [[ -f "/tmp/idle-ready-$holder" ]] && break
    sleep 1
  done
  during="$(rss "$pid")"
  fds_during="$(ls "/proc/$pid/fd" | wc -l)"
  open="$(cat "/tmp/idle-ready-$holder" 2>/dev/null || echo '?')"
  wait "$holder" || true
  rm -f "/tmp/idle-ready-$holder"
  sleep 2
  after="$(rss "$pid")"
  fds_after="$(ls "/proc/$pid/fd" | wc -l)"
  echo "$server: RSS ${before} MiB before, ${during} MiB holding $open connections, ${after} MiB after;" \
    "open files ${fds_before} / ${fds_during} / ${fds_after}"
  echo "idle,$idle,1,$server,$open,$before,$during,$after,$fds_before,$fds_during,$fds_after" >> "$csv"
done
python3 "$here/scripts/chart.py" "$csv" "${csv%.csv}.svg" "serve: requests per second" > /dev/null
echo "results: $csv and ${csv%.csv}.svg"
stop_repomirror
stop_nginx
trap - EXIT
