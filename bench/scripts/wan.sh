# The WAN scenario: sourced by bench/run.sh. The upstream (nginx and an rsync daemon) and the
# mirror live in two network namespaces joined by a veth pair shaped to 100 Mbit/s with tc tbf in
# both directions; 20 ms of round trip come from a delay proxy of our own (netem is not available
# here), in the mirror's namespace. repomirror and rsync each make an initial copy of a 2,000-file
# repository (Debian's size distribution scaled by 0.1) through it, alternating. Goodput is
# reported as a share of the link rate. Needs root (ip netns, tc). Traffic never leaves the
# namespaces this script creates. WAN_CONNECTIONS sets repomirror's connections (default 8).
need nginx rsync python3 bc

wan_dir="$work/wan"
wfiles="${WAN_FILES:-2000}"
wscale="${WAN_SCALE:-0.1}"
$quick && { wfiles=500; }
rate_mbit="${WAN_RATE_MBIT:-100}"
delay_ms="${WAN_DELAY_MS:-10}" # each way
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
  ip netns del "$ns" 2>/dev/null || true
  ip link del rmwan0 2>/dev/null || true
}
wan_cleanup
trap wan_cleanup EXIT
ip netns add "$ns"
ip link add rmwan0 type veth peer name rmwan1
ip link set rmwan1 netns "$ns"
ip addr add 10.77.0.1/24 dev rmwan0
ip link set rmwan0 up
ip netns exec "$ns" ip addr add 10.77.0.2/24 dev rmwan1
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
ip netns exec "$ns" python3 "$here/scripts/delay_proxy.py" 127.0.0.1 18090 10.77.0.1 8090 "$delay_ms" &
ip netns exec "$ns" python3 "$here/scripts/delay_proxy.py" 127.0.0.1 18091 10.77.0.1 18874 "$delay_ms" &
sleep 1
rtt="$(ip netns exec "$ns" bash -c 'start=$(date +%s%N); exec 3<>/dev/tcp/127.0.0.1/18090; printf "HEAD / HTTP/1.0\r\n\r\n" >&3; head -1 <&3 >/dev/null; echo $(( ($(date +%s%N) - start) / 1000000 ))')"

target="$wan_dir/target"
wan_run() { # tool -> seconds
  rm -rf "$target"; mkdir -p "$target"; sync
  local start end
  start=$(date +%s.%N)
  case "$1" in
    repomirror)
      ip netns exec "$ns" "$top/repomirror" sync --root "$target" --upstream http://127.0.0.1:18090/ \
        --dist dists/bench --keyring "$data/keyring.gpg" --connections "${WAN_CONNECTIONS:-8}" > "$wan_dir/run/repomirror.log" 2>&1 ;;
    rsync)
      ip netns exec "$ns" rsync -a rsync://127.0.0.1:18091/repo/ "$target/" ;;
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
wan_cleanup
trap - EXIT

echo
echo "WAN: $wfiles packages, $(echo "$wan_bytes / 1000000" | bc) MB over a ${rate_mbit} Mbit/s veth (tbf) with ${rtt} ms measured round trip; medians of $runs runs"
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
