# The object-store scenario (issue 27): sourced by bench/run.sh (work, results, runs, duration,
# quick, stamp, need, median, wait_port, top). The sync scenario's generated apt archive, served by
# nginx; repomirror syncs it into an empty local folder and into a fresh prefix of a Ceph RGW
# bucket (the OSD's data in a file on this disk, as a real store keeps it on disks), and rclone
# copies the archive's folder into the bucket (the peer: what the store takes from a tool made for
# it), alternating, each timed up to a final sync(1). Then serving: `serve` on the local mirror against a `serve`
# node on the bucket whose cache is warm, wrk on one pool file of about 64 KiB and one of about
# 1 MiB, alternating; and cold: a node with an empty cache asked for every pool file once, 8 at a
# time, against the local server asked the same.
need nginx wrk curl python3 bc rclone

store_dir="$work/store"
generated_archive
repo="$data/repo"
total_bytes="$(du -sb "$repo" | cut -f1)"

rm -rf "$store_dir"
mkdir -p "$store_dir/run"
nginx_port=18090
cat > "$store_dir/run/nginx.conf" <<NGINX
worker_processes 1;
pid $store_dir/run/nginx.pid;
error_log $store_dir/run/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nginx_port; root $repo; }
}
NGINX
nginx -c "$store_dir/run/nginx.conf" -p "$store_dir/run"
rgw_port=18480
S3_OSD_BACKEND=bluestore S3_STORE_BYTES=$((24 << 30)) \
  "$top/.ci/s3/start-s3.sh" "$store_dir/rgw" "$rgw_port" > "$store_dir/run/rgw.log" 2>&1 \
  || { echo "store: BENCHMARK RUN FAILED: the object store did not start; see $store_dir/run/rgw.log" >&2; exit 1; }
serve_pids=()
store_cleanup() {
  kill "${serve_pids[@]}" 2>/dev/null || true
  kill "$(cat "$store_dir/run/nginx.pid" 2>/dev/null)" 2>/dev/null || true
  "$top/.ci/s3/stop-s3.sh" "$store_dir/rgw" --purge > /dev/null 2>&1 || true
}
trap store_cleanup EXIT
wait_port "$nginx_port"
# shellcheck source=/dev/null
set -a; source "$store_dir/rgw/s3.env"; set +a
curl -sf -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/bench" > /dev/null \
  || { echo "store: BENCHMARK RUN FAILED: cannot make the bucket" >&2; exit 1; }

failures="$store_dir/failures"
: > "$failures"
sync_to() { # local|bucket run -> seconds
  local how="$1" n="$2" start end rc=0
  local state="$store_dir/target-$how-$n"
  rm -rf "$state"
  sync
  start=$(date +%s.%N)
  local extra=()
  [[ "$how" == bucket ]] && extra=(--store "s3://bench/run-$n" --s3-endpoint "$S3_ENDPOINT")
  "$top/repomirror" sync --root "$state" --upstream "http://127.0.0.1:$nginx_port/" \
    --dist dists/bench --keyring "$data/keyring.gpg" "${extra[@]}" \
    > "$store_dir/run/sync-$how-$n.log" 2>&1 || rc=$?
  sync
  end=$(date +%s.%N)
  if (( rc != 0 )); then
    echo "$how run $n: exit $rc; see $store_dir/run/sync-$how-$n.log" >> "$failures"
  fi
  echo "$end - $start" | bc -l
}

# The peer: rclone copying the archive's folder into the bucket, 8 transfers at once as repomirror
# writes 8 objects at once, each checked by its MD5 as repomirror's are: what the store takes from
# a tool made for it, on this machine.
rclone_to() { # run -> seconds
  local n="$1" start end rc=0
  sync
  start=$(date +%s.%N)
  env -u AWS_CA_BUNDLE RCLONE_CONFIG_RGW_TYPE=s3 RCLONE_CONFIG_RGW_PROVIDER=Ceph RCLONE_CONFIG_RGW_ENDPOINT="$S3_ENDPOINT" \
    RCLONE_CONFIG_RGW_ACCESS_KEY_ID="$S3_ACCESS_KEY" RCLONE_CONFIG_RGW_SECRET_ACCESS_KEY="$S3_SECRET_KEY" \
    rclone copy --transfers 8 --checkers 8 "$repo" "rgw:bench/rclone-$n" \
    > "$store_dir/run/rclone-$n.log" 2>&1 || rc=$?
  sync
  end=$(date +%s.%N)
  if (( rc != 0 )); then
    echo "rclone run $n: exit $rc; see $store_dir/run/rclone-$n.log" >> "$failures"
  fi
  echo "$end - $start" | bc -l
}

csv="$results/store-$stamp.csv"
echo "case,tool,run,value" > "$csv"
declare -A sync_times=([local]="" [bucket]="" [rclone]="")
for i in $(seq 1 "$runs"); do
  for how in local bucket rclone; do
    if [[ "$how" == rclone ]]; then t="$(rclone_to "$i")"; else t="$(sync_to "$how" "$i")"; fi
    sync_times[$how]+="$t"$'\n'
    echo "sync,$how,$i,$t" >> "$csv"
    echo "sync into $how, run $i: $t s" >&2
  done
  # Keep the last run's trees for serving; the earlier ones only take room.
  (( i < runs )) && rm -rf "$store_dir/target-local-$i" "$store_dir/target-bucket-$i"
done

# Serving: the local mirror and a node on the bucket the last run filled.
last="$runs"
start_serve() { # port root [store args...]
  local port="$1" root="$2"
  shift 2
  "$top/repomirror" serve --root "$root" --listen "127.0.0.1:$port" \
    --admin-listen "127.0.0.1:$((port + 100))" "$@" > "$store_dir/run/serve-$port.log" 2>&1 &
  serve_pids+=("$!")
  wait_port "$port"
}
local_port=18091
node_port=18092
cold_port=18093
start_serve "$local_port" "$store_dir/target-local-$last"
start_serve "$node_port" "$store_dir/cache-warm" --store "s3://bench/run-$last" --s3-endpoint "$S3_ENDPOINT"
pick() { # bytes -> a pool file's path near that size
  (cd "$store_dir/target-local-$last" && find pool -type f -name '*.deb' -printf '%s %p\n') \
    | awk -v want="$1" '{ d = $1 - want; if (d < 0) d = -d; if (best == "" || d < bd) { bd = d; best = $2 } } END { print best }'
}
declare -A hot=([64k]="$(pick 65536)" [1m]="$(pick 1048576)")
for f in "${hot[@]}"; do
  for port in "$local_port" "$node_port"; do
    curl -sf -o /dev/null "http://127.0.0.1:$port/$f" || echo "serve: $f not served on $port" >> "$failures"
  done
done
declare -A rates=()
for size in 64k 1m; do
  for i in $(seq 1 "$runs"); do
    for who in local node; do
      port=$local_port
      [[ "$who" == node ]] && port=$node_port
      rps="$(wrk -t2 -c50 -d"${duration}s" "http://127.0.0.1:$port/${hot[$size]}" \
        | awk '/Requests\/sec/ { print $2 }')"
      rates[$size-$who]+="$rps"$'\n'
      echo "hot-$size,$who,$i,$rps" >> "$csv"
      echo "hot $size from $who, run $i: $rps req/s" >&2
    done
  done
done

# Cold: every pool file once, 8 at a time, from a node with an empty cache; the local server the
# same (its files in the page cache by now, as a node's cache would be).
(cd "$store_dir/target-local-$last" && find pool -type f) > "$store_dir/run/pool.list"
pool_bytes="$(cd "$store_dir/target-local-$last" && du -sb pool | cut -f1)"
start_serve "$cold_port" "$store_dir/cache-cold" --store "s3://bench/run-$last" --s3-endpoint "$S3_ENDPOINT"
fetch_all() { # port -> seconds
  local start end
  start=$(date +%s.%N)
  sed "s|^|http://127.0.0.1:$1/|" "$store_dir/run/pool.list" \
    | xargs -P 8 -n 1 curl -sf -o /dev/null || echo "cold: a pool file failed on port $1" >> "$failures"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
cold_node="$(fetch_all "$cold_port")"
cold_local="$(fetch_all "$local_port")"
echo "cold,node,1,$cold_node" >> "$csv"
echo "cold,local,1,$cold_local" >> "$csv"

if [[ -s "$failures" ]]; then
  echo "store: BENCHMARK RUN FAILED, no figures:" >&2
  cat "$failures" >&2
  exit 1
fi
sync_local="$(printf '%s' "${sync_times[local]}" | median)"
sync_bucket="$(printf '%s' "${sync_times[bucket]}" | median)"
sync_rclone="$(printf '%s' "${sync_times[rclone]}" | median)"
echo "store: $files packages, $(echo "$total_bytes / 1048576" | bc) MiB; medians of $runs runs; $csv"
printf 'sync into a local folder  %8.2f s  %7.1f MB/s\n' "$sync_local" "$(echo "$total_bytes / $sync_local / 1000000" | bc -l)"
printf 'sync into the bucket      %8.2f s  %7.1f MB/s  (%.2fx the local throughput)\n' \
  "$sync_bucket" "$(echo "$total_bytes / $sync_bucket / 1000000" | bc -l)" "$(echo "$sync_local / $sync_bucket" | bc -l)"
printf 'rclone copy into the bucket %6.2f s  %7.1f MB/s  (repomirror %.2fx its throughput)\n' \
  "$sync_rclone" "$(echo "$total_bytes / $sync_rclone / 1000000" | bc -l)" "$(echo "$sync_rclone / $sync_bucket" | bc -l)"
for size in 64k 1m; do
  l="$(printf '%s' "${rates[$size-local]}" | median)"
  n="$(printf '%s' "${rates[$size-node]}" | median)"
  printf 'hot %-4s local %9.0f req/s  node %9.0f req/s  (%.2fx)\n' "$size" "$l" "$n" "$(echo "$n / $l" | bc -l)"
done
printf 'cold: every pool file once (%d MiB), 8 at a time: node on an empty cache %.2f s (%.1f MB/s); local %.2f s (%.1f MB/s)\n' \
  "$((pool_bytes / 1048576))" "$cold_node" "$(echo "$pool_bytes / $cold_node / 1000000" | bc -l)" \
  "$cold_local" "$(echo "$pool_bytes / $cold_local / 1000000" | bc -l)"
store_cleanup
trap - EXIT
