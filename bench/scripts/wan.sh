# The WAN scenario: sourced by bench/run.sh. The upstream (nginx and an rsync daemon) and the
# mirror live on the two sides of the shaped link of shaped_link.sh: 100 Mbit/s with tc tbf in both
# directions, 20 ms of round trip (WAN_LINK=tun, the default, a TUN delay line that TCP sees; or
# WAN_LINK=proxy, TCP delay proxies that it does not).
# repomirror (from nginx, and over the rsync daemon) and rsync each make an initial copy of a
# 2,000-file repository (Debian's size distribution scaled by 0.1) through it, alternating.
# Goodput is reported as a share of the link rate. Needs root (ip netns, tc). Traffic never leaves
# the namespaces this script creates.
# WAN_CONNECTIONS sets repomirror's connections (default 8); WAN_SYNC_ARGS adds options (e.g.
# "--pipeline 1").
need nginx rsync python3 bc

wan_dir="$work/wan"
wfiles="${WAN_FILES:-2000}"
wscale="${WAN_SCALE:-0.1}"
$quick && { wfiles=500; }
# shellcheck source=shaped_link.sh
source "$here/scripts/shaped_link.sh"
rate_mbit=$link_rate_mbit delay_ms=$link_delay_ms link=$link_kind ns=$link_ns
data="$wan_dir/data-$wfiles-$wscale"
if [[ ! -f "$data/keyring.gpg" ]]; then
  rm -rf "$wan_dir"/data-*
  mkdir -p "$data"
  "$JAVA_HOME/bin/java" -cp "$here/../bench/target/benchmarks.jar" org.repomirror.bench.GenerateRepository \
    --out "$data" --files "$wfiles" --seed 1 --scale "$wscale" --sizes "$here/data/debian-bookworm-amd64-sizes.txt.gz"
fi
repo="$data/repo"
wan_bytes="$(du -sb "$repo" | cut -f1)"
mkdir -p "$wan_dir/run"
wan_cleanup() {
  kill $(cat "$wan_dir/run/nginx.pid" "$wan_dir/run/rsyncd.pid" 2>/dev/null) 2>/dev/null || true
  link_down
}
wan_cleanup
trap wan_cleanup EXIT
link_up "$wan_dir/run"

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
rtt="$(link_rtt "$http_host" "$http_port")"
tcp_rtt="$(link_tcp_rtt "$http_host" "$http_port")"
cpu_before="$(line_cpu)"

target="$wan_dir/target"
wan_run() { # tool -> seconds
  rm -rf "$target"; mkdir -p "$target"; sync
  local start end
  start=$(date +%s.%N)
  case "$1" in
    repomirror)
      ip netns exec "$ns" "$top/repomirror" sync --root "$target" --upstream "http://$http_host:$http_port/" \
        --dist dists/bench --keyring "$data/keyring.gpg" --connections "${WAN_CONNECTIONS:-8}" \
        ${WAN_SYNC_ARGS:-} > "$wan_dir/run/repomirror.log" 2>&1 ;;
    repomirror-rsyncd)
      ip netns exec "$ns" "$top/repomirror" sync --root "$target" --upstream "rsync://$http_host:$rsync_port/repo/" \
        --dist dists/bench --keyring "$data/keyring.gpg" --connections "${WAN_CONNECTIONS:-8}" \
        ${WAN_SYNC_ARGS:-} > "$wan_dir/run/repomirror-rsyncd.log" 2>&1 ;;
    rsync)
      ip netns exec "$ns" rsync -a "rsync://$http_host:$rsync_port/repo/" "$target/" ;;
  esac
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

csv="$results/wan-$stamp.csv"
echo "tool,run,seconds,goodput_share" > "$csv"
tools=(repomirror repomirror-rsyncd rsync)
for run in $(seq 1 "$runs"); do
  for i in 0 1 2; do
    tool="${tools[$(( (i + run) % 3 ))]}"
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
for tool in ("repomirror", "repomirror-rsyncd", "rsync"):
    sel = [r for r in rows if r["tool"] == tool]
    s = statistics.median(float(r["seconds"]) for r in sel)
    g = statistics.median(float(r["goodput_share"]) for r in sel)
    print(f"  {tool:<17} {s:>8.2f} s   goodput {g * 100:5.1f} % of the link")
PY
python3 "$here/scripts/chart.py" "$csv" "${csv%.csv}.svg" "initial sync over 100 Mbit/s, 20 ms" > /dev/null
echo "results: $csv and ${csv%.csv}.svg"
