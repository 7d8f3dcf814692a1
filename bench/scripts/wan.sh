# The WAN scenario: sourced by bench/run.sh. The upstream (nginx and an rsync daemon) and the
# mirror live in two network namespaces joined by a link shaped to 100 Mbit/s with tc tbf in both
# directions, with 20 ms of round trip. This kernel has no netem, fq or etf qdisc (only htb, tbf and
# pfifo_fast), so the delay comes from user space, one of two ways (WAN_LINK):
#   tun    (default) a pair of TUN devices and delay_line.py, which holds every packet 10 ms each
#          way: one TCP connection end to end, whose stacks see the 20 ms as round-trip time;
#   proxy  a veth pair and delay_proxy.py, TCP proxies that delay what they relay: each side's
#          TCP sees a round trip of about zero, and the proxy's buffers hide the window's growth.
# repomirror and rsync each make an initial copy of a 2,000-file repository (Debian's size
# distribution scaled by 0.1) through it, alternating. Goodput is reported as a share of the link
# rate. Needs root (ip netns, tc). Traffic never leaves the namespaces this script creates.
# WAN_CONNECTIONS sets repomirror's connections (default 8).
need nginx rsync python3 bc

wan_dir="$work/wan"
wfiles="${WAN_FILES:-2000}"
wscale="${WAN_SCALE:-0.1}"
$quick && { wfiles=500; }
rate_mbit="${WAN_RATE_MBIT:-100}"
delay_ms="${WAN_DELAY_MS:-10}" # each way
link="${WAN_LINK:-tun}"
data="$wan_dir/data-$wfiles-$wscale"
if [[ ! -f "$data/keyring.gpg" ]]; then
  rm -rf "$wan_dir"/data-*
  mkdir -p "$data"
  "$JAVA_HOME/bin/java" -cp "$here/../bench/target/benchmarks.jar" org.repomirror.bench.GenerateRepository \
    --out "$data" --files "$wfiles" --seed 1 --scale "$wscale" --sizes "$here/data/debian-bookworm-amd64-sizes.txt.gz"
fi
repo="$data/repo"
wan_bytes="$(du -sb "$repo" | cut -f1)"
ns=rmwan
mkdir -p "$wan_dir/run"
wan_cleanup() {
  kill $(cat "$wan_dir/run/nginx.pid" "$wan_dir/run/rsyncd.pid" 2>/dev/null) 2>/dev/null || true
  pkill -f "delay_proxy.py 127.0.0.1 1809" 2>/dev/null || true
  pkill -f "delay_line.py rmwan0 rmwan1" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip link del rmwan0 2>/dev/null || true
}
wan_cleanup
trap wan_cleanup EXIT
ip netns add "$ns"
if [[ $link == tun ]]; then
  python3 "$here/scripts/delay_line.py" rmwan0 rmwan1 "$delay_ms" > "$wan_dir/run/delay_line.out" 2>&1 &
  line_pid=$!
  for _ in $(seq 1 50); do grep -q ready "$wan_dir/run/delay_line.out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$wan_dir/run/delay_line.out" || { echo "wan: BENCHMARK RUN FAILED: the delay line did not start" >&2; exit 1; }
  ip link set rmwan1 netns "$ns"
  ip addr add 10.77.0.1 peer 10.77.0.2 dev rmwan0
  ip netns exec "$ns" ip addr add 10.77.0.2 peer 10.77.0.1 dev rmwan1
else
  ip link add rmwan0 type veth peer name rmwan1
  ip link set rmwan1 netns "$ns"
  ip addr add 10.77.0.1/24 dev rmwan0
  ip netns exec "$ns" ip addr add 10.77.0.2/24 dev rmwan1
fi
ip link set rmwan0 up
ip netns exec "$ns" ip link set rmwan1 up
ip netns exec "$ns" ip link set lo up
tc qdisc add dev rmwan0 root tbf rate "${rate_mbit}mbit" burst 64kb latency 100ms
ip netns exec "$ns" tc qdisc add dev rmwan1 root tbf rate "${rate_mbit}mbit" burst 64kb latency 100ms

cat > "$wan_dir/run/nginx.conf" <<NGINX
worker_processes 1;
pid $wan_dir/run/nginx.pid;
error_log $wan_dir/run/nginx-error.log warn;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  server { listen 10.77.0.1:8090; root $repo; } }
NGINX
cat > "$wan_dir/run/rsyncd.conf" <<RSYNCD
port = 18874
address = 10.77.0.1
use chroot = no
pid file = $wan_dir/run/rsyncd.pid
[repo]
path = $repo
read only = yes
RSYNCD
nginx -c "$wan_dir/run/nginx.conf" -p "$wan_dir/run"
rsync --daemon --config="$wan_dir/run/rsyncd.conf"
if [[ $link == tun ]]; then
  http_host=10.77.0.1 http_port=8090 rsync_port=18874
else
  ip netns exec "$ns" python3 "$here/scripts/delay_proxy.py" 127.0.0.1 18090 10.77.0.1 8090 "$delay_ms" &
  ip netns exec "$ns" python3 "$here/scripts/delay_proxy.py" 127.0.0.1 18091 10.77.0.1 18874 "$delay_ms" &
  http_host=127.0.0.1 http_port=18090 rsync_port=18091
fi
sleep 1
rtt="$(ip netns exec "$ns" bash -c 'start=$(date +%s%N); exec 3<>/dev/tcp/'"$http_host/$http_port"'; printf "HEAD / HTTP/1.0\r\n\r\n" >&3; head -1 <&3 >/dev/null; echo $(( ($(date +%s%N) - start) / 1000000 ))')"
# What each side's TCP itself sees: the smoothed round trip of one connection held open.
tcp_rtt="$(ip netns exec "$ns" bash -c 'exec 3<>/dev/tcp/'"$http_host/$http_port"'; printf "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" >&3; sleep 0.5; ss -tin dst '"$http_host"' | grep -o "rtt:[0-9.]*" | head -1 | cut -d: -f2')"
line_cpu() { [[ -n ${line_pid:-} ]] && awk '{print ($14 + $15) / 100}' "/proc/$line_pid/stat" || echo 0; }
cpu_before="$(line_cpu)"

target="$wan_dir/target"
wan_run() { # tool -> seconds
  rm -rf "$target"; mkdir -p "$target"; sync
  local start end
  start=$(date +%s.%N)
  case "$1" in
    repomirror)
      ip netns exec "$ns" "$top/repomirror" sync --root "$target" --upstream "http://$http_host:$http_port/" \
        --dist dists/bench --keyring "$data/keyring.gpg" --connections "${WAN_CONNECTIONS:-8}" > "$wan_dir/run/repomirror.log" 2>&1 ;;
    rsync)
      ip netns exec "$ns" rsync -a "rsync://$http_host:$rsync_port/repo/" "$target/" ;;
  esac
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

csv="$results/wan-$stamp.csv"
echo "tool,run,seconds,goodput_share" > "$csv"
tools=(repomirror rsync)
for run in $(seq 1 "$runs"); do
  for i in 0 1; do
    tool="${tools[$(( (i + run) % 2 ))]}"
    secs="$(wan_run "$tool")"
    share="$(echo "$wan_bytes * 8 / $secs / ($rate_mbit * 1000000)" | bc -l)"
    echo "$tool,$run,$secs,$share" >> "$csv"
    echo "  $tool run $run: ${secs}s" >&2
  done
done
rm -rf "$target"
cpu_after="$(line_cpu)"
wan_cleanup
trap - EXIT

echo
echo "WAN: $wfiles packages, $(echo "$wan_bytes / 1000000" | bc) MB over a ${rate_mbit} Mbit/s link (tbf, $link) with ${rtt} ms measured round trip (a TCP connection's own rtt: ${tcp_rtt:-?} ms); medians of $runs runs"
[[ $link == tun ]] && echo "  the delay line used $(echo "$cpu_after - $cpu_before" | bc) s of CPU over all runs"
python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for tool in ("repomirror", "rsync"):
    sel = [r for r in rows if r["tool"] == tool]
    s = statistics.median(float(r["seconds"]) for r in sel)
    g = statistics.median(float(r["goodput_share"]) for r in sel)
    print(f"  {tool:<11} {s:>8.2f} s   goodput {g * 100:5.1f} % of the link")
PY
python3 "$here/scripts/chart.py" "$csv" "${csv%.csv}.svg" "initial sync over 100 Mbit/s, 20 ms" > /dev/null
echo "results: $csv and ${csv%.csv}.svg"
