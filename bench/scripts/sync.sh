# The initial-sync scenario: sourced by bench/run.sh (work, results, runs, quick, stamp, need,
# median, wait_port, top). One upstream tree served by nginx (HTTP, port 80: apt-mirror cannot
# handle another port) and an rsync daemon on loopback; each tool mirrors it into an empty folder,
# alternating, several times, each timed up to a final sync(1): repomirror makes every file durable
# before it is visible, and a peer whose copy is still in the page cache has not finished its copy.
# SYNC_TOOLS picks the tools (default: repomirror rsync apt-mirror debmirror).
need nginx rsync apt-mirror debmirror wget python3 bc

sync_dir="$work/sync"
generated_archive
repo="$data/repo"
total_bytes="$(du -sb "$repo/pool" | cut -f1)"
total_files="$(find "$repo" -type f | wc -l)"

mkdir -p "$sync_dir/run"
cat > "$sync_dir/run/nginx.conf" <<NGINX
worker_processes 1;
pid $sync_dir/run/nginx.pid;
error_log $sync_dir/run/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:80; root $repo; }
}
NGINX
cat > "$sync_dir/run/rsyncd.conf" <<RSYNCD
port = 18873
address = 127.0.0.1
use chroot = no
pid file = $sync_dir/run/rsyncd.pid
[repo]
path = $repo
read only = yes
RSYNCD
nginx -c "$sync_dir/run/nginx.conf" -p "$sync_dir/run"
rsync --daemon --config="$sync_dir/run/rsyncd.conf"
trap 'kill $(cat "$sync_dir/run/nginx.pid" "$sync_dir/run/rsyncd.pid" 2>/dev/null) 2>/dev/null || true' EXIT
wait_port 80
wait_port 18873

target="$sync_dir/target"
# A tool that fails or mirrors less than the whole suite makes the scenario fail: no figures.
failures="$sync_dir/failures"
: > "$failures"
run_tool() { # tool -> seconds
  rm -rf "$target"
  mkdir -p "$target"
  sync
  local start end rc=0
  start=$(date +%s.%N)
  case "$1" in
    repomirror)
      REPOMIRROR_JAVA_OPTS="${REPOMIRROR_JAVA_OPTS:-}" "$top/repomirror" sync --root "$target" \
        --upstream http://127.0.0.1/ --dist dists/bench --keyring "$data/keyring.gpg" --connections 8 \
        > "$sync_dir/run/repomirror.log" 2>&1 ;;
    rsync)
      rsync -a rsync://127.0.0.1:18873/repo/ "$target/" ;;
    apt-mirror)
      printf 'set base_path %s\nset nthreads 8\nset _tilde 0\ndeb-amd64 http://127.0.0.1/ bench main\n' \
        "$target" > "$sync_dir/run/mirror.list"
      apt-mirror "$sync_dir/run/mirror.list" > "$sync_dir/run/apt-mirror.log" 2>&1 ;;
    debmirror)
      debmirror --host=127.0.0.1 --root=/ --method=http --dist=bench --section=main --arch=amd64 \
        --nosource --keyring="$data/keyring.gpg" --diff=none --rsync-extra=none --i18n --getcontents \
        "$target/debmirror" > "$sync_dir/run/debmirror.log" 2>&1 ;;
  esac || rc=$?
  sync
  end=$(date +%s.%N)
  local got
  got="$(find "$target" -path '*/pool/*' -type f -name '*.deb' | wc -l)"
  if (( rc != 0 || got < files )); then
    echo "  BENCHMARK RUN FAILED: $1 exited $rc and mirrored $got of $files packages" \
      "(see $sync_dir/run/)" >&2
    echo "$1: exit $rc, $got of $files packages" >> "$failures"
    echo FAILED
    return
  fi
  echo "$end - $start" | bc
}

csv="$results/sync-$stamp.csv"
echo "tool,run,seconds,mb_per_s,files_per_s" > "$csv"
read -r -a tools <<< "${SYNC_TOOLS:-repomirror rsync apt-mirror debmirror}"
for run in $(seq 1 "$runs"); do
  # Rotate the order each run, so no tool always goes first on a cold cache.
  for i in "${!tools[@]}"; do
    tool="${tools[$(( (i + run) % ${#tools[@]} ))]}"
    secs="$(run_tool "$tool")"
    if [[ $secs == FAILED ]]; then echo "  $tool run $run: FAILED" >&2; continue; fi
    echo "$tool,$run,$secs,$(echo "$total_bytes / 1000000 / $secs" | bc -l),$(echo "$total_files / $secs" | bc -l)" >> "$csv"
    echo "  $tool run $run: ${secs}s" >&2
  done
done
rm -rf "$target"
if [[ -s "$failures" ]]; then
  echo "sync: BENCHMARK RUN FAILED, no figures are valid:" >&2
  sed 's/^/  /' "$failures" >&2
  exit 1
fi

echo
echo "initial sync: $files packages, $(echo "$total_bytes / 1000000" | bc) MB, from nginx/rsyncd on loopback; medians of $runs runs"
python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
checks = {
    "repomirror": "signature; SHA-256 of every file",
    "rsync": "no (rsync's own transfer checksums only)",
    "apt-mirror": "no",
    "debmirror": "signature; checksums of indexes, sizes of files*",
}
med = {}
for tool in ("repomirror", "rsync", "apt-mirror", "debmirror"):
    sel = [r for r in rows if r["tool"] == tool]
    if not sel:
        continue
    med[tool] = [statistics.median(float(r[f]) for r in sel) for f in ("seconds", "mb_per_s", "files_per_s")]
print(f"{'tool':<11} {'wall s':>8} {'MB/s':>8} {'files/s':>8} {'repomirror is faster':>21}  verifies")
for tool, (s, mb, fps) in med.items():
    print(f"{tool:<11} {s:>8.2f} {mb:>8.1f} {fps:>8.0f} {s / med['repomirror'][0]:>20.2f}x  {checks[tool]}")
print("all timed up to a final sync(1)")
print("* debmirror's HTTP method fetches one file at a time on one connection and checks a package's"
      " size only; --checksums re-hashes files already on disk, so it changes nothing in an initial"
      " sync and is not given")
PY
python3 "$here/scripts/chart.py" "$csv" "${csv%.csv}.svg" "initial sync: 10,000 packages from nginx/rsyncd on loopback" > /dev/null
echo "results: $csv and ${csv%.csv}.svg"
kill $(cat "$sync_dir/run/nginx.pid" "$sync_dir/run/rsyncd.pid" 2>/dev/null) 2>/dev/null || true
trap - EXIT
