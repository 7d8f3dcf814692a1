# The remote-old-host scenario: sourced by bench/run.sh. The old host is on the far side of the
# shaped link of shaped_link.sh (100 Mbit/s, 20 ms round trip that TCP sees), the mirror in the
# benchmark's own namespace. The old host holds a generated tree of 50,000 files in 500 folders
# (REMOTE_FILES; Debian's size distribution scaled by 0.001) and offers it three ways: an rsync
# daemon; nginx with autoindex (an HTTP index); and a repomirror peer, a copy of it served with
# its manifest. Four copies on the mirror side follow it: rsync -a --no-inc-recursive over the
# daemon (as ftpsync runs it), repomirror from the index pages, repomirror from the peer's manifest,
# and repomirror over the rsync daemon (rsync as its transport). Then, after a warm-up round of
# no-change passes (below), alternating, each run measures:
#   no-change  a sync with nothing to do;
#   final      after 1% of the files changed on the old host (and its peer caught up, untimed),
#              repomirror sync --final (delta, everything it touched re-hashed, a verdict) against
#              ftpsync's two stages with that rsync over the daemon (stage 1 without the indexes,
#              stage 2 everything with --delay-updates --delete-delay).
# The mirror side serves its three repomirror copies once they are made, as the new host does
# before the switch, so that their timed syncs go to those servers' warm JVMs (as they do wherever
# serve runs for a tree); "alone" is a no-change sync from the manifest in a JVM of its own
# (--in-process). REMOTE_SERVE=no times every sync in its own JVM.
# Every repomirror run has a 512 MiB heap; REMOTE_SYNC_ARGS adds options to each (e.g.
# "--pipeline 1", or "--http2 off" for HTTP/1.1 from the peer). REMOTE_INITIAL_RUNS=N times the
# initial copies N times each (default 1), for medians. Each copy lives on a filesystem of its own,
# made anew before each initial copy (fresh_fs.sh; BENCH_FS=journal by default). Needs root (ip
# netns, tc, loop devices). Traffic never leaves the namespaces this script creates.
need nginx rsync python3 bc

remote_dir="$work/remote"
rfiles="${REMOTE_FILES:-50000}"
rscale="${REMOTE_SCALE:-0.001}"
$quick && rfiles="${REMOTE_FILES:-10000}"
# shellcheck source=shaped_link.sh
source "$here/scripts/shaped_link.sh"
# shellcheck source=fresh_fs.sh
source "$here/scripts/fresh_fs.sh"
[[ $link_kind == tun ]] || { echo "remote: BENCHMARK RUN FAILED: WAN_LINK=$link_kind is not supported here, only tun" >&2; exit 1; }
src="$remote_dir/src-$rfiles-$rscale"
if [[ ! -d "$src" ]]; then
  rm -rf "$remote_dir"
  mkdir -p "$src"
  echo "generating $rfiles files..." >&2
  python3 "$here/scripts/generate_tree.py" "$src" "$rfiles" "$rscale" "$here/data/debian-bookworm-amd64-sizes.txt.gz"
fi
run_dir="$remote_dir/run"
peer="$remote_dir/peer"
# Each copy is the dest folder of a filesystem of its own (fresh_fs.sh).
copy_fs=("$remote_dir/fs-manifest" "$remote_dir/fs-index" "$remote_dir/fs-rsync" "$remote_dir/fs-rsyncd")
m_manifest="${copy_fs[0]}/dest"
m_index="${copy_fs[1]}/dest"
m_rsync="${copy_fs[2]}/dest"
m_rsyncd="${copy_fs[3]}/dest"
for fs in "${copy_fs[@]}"; do fresh_fs_down "$fs"; done
rm -rf "$run_dir" "${copy_fs[@]}" "$remote_dir"/mirror-*
mkdir -p "$run_dir"
export REPOMIRROR_JAVA_OPTS="-Xmx512m"

failures="$run_dir/failures"
: > "$failures"
failed() { echo "  BENCHMARK RUN FAILED: $*" >&2; echo "$*" >> "$failures"; }
remote_cleanup() {
  kill $(cat "$run_dir/nginx.pid" "$run_dir/rsyncd.pid" 2>/dev/null) ${peer_pid:-} ${mirror_pids[@]:-} \
    2>/dev/null || true
  for pid in ${mirror_pids[@]:-}; do wait "$pid" 2>/dev/null || true; done
  link_down
  for fs in "${copy_fs[@]}"; do fresh_fs_down "$fs"; done
}
remote_cleanup
trap remote_cleanup EXIT
link_up "$run_dir"

# The old host's side: the tree three ways. nginx gzips HTML (its index pages, never a file of the
# tree) as Debian's nginx.conf ships it, "gzip on"; OLD_HOST_GZIP=off turns that off.
cat > "$run_dir/nginx.conf" <<NGINX
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log warn;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  gzip ${OLD_HOST_GZIP:-on};
  server { listen 10.77.0.1:8092; root $src; autoindex on; } }
NGINX
cat > "$run_dir/rsyncd.conf" <<RSYNCD
port = 18875
address = 10.77.0.1
use chroot = no
pid file = $run_dir/rsyncd.pid
[old]
path = $src
read only = yes
RSYNCD
nginx -c "$run_dir/nginx.conf" -p "$run_dir"
rsync --daemon --config="$run_dir/rsyncd.conf"
peer_catch_up() {
  "$top/repomirror" sync --mode tree --upstream "file://$src" --root "$peer" --hostname peer \
    --max-delete 1000000 >> "$run_dir/peer.log" 2>&1 || failed "the peer could not follow the old host"
}
peer_catch_up
"$top/repomirror" serve --root "$peer" --listen 10.77.0.1:8093 --admin-listen 127.0.0.1:18193 \
  > "$run_dir/serve.log" 2>&1 &
peer_pid=$!
wait_port 18193

# The mirror's side, in the namespace.
timed() { # command... -> seconds on stdout; the command's output goes to a log
  local start end rc=0
  start=$(date +%s.%N)
  "$@" >> "$run_dir/run.log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  if (( rc != 0 )); then
    failed "exit $rc from $1 (see $run_dir/run.log)"
    echo FAILED
    return
  fi
  echo "$end - $start" | bc
}
in_ns() { ip netns exec "$link_ns" "$@"; }
rm_from() { # source root [--final]
  local upstream=http://10.77.0.1:8093/ source=manifest
  [[ $1 == index ]] && { upstream=http://10.77.0.1:8092/; source=autoindex; }
  [[ $1 == rsyncd ]] && { upstream=rsync://10.77.0.1:18875/old/; source=rsync; }
  in_ns "$top/repomirror" sync --mode tree --tree-source "$source" --upstream "$upstream" --root "$2" \
    --hostname "mirror-$1" --max-delete 1000000 ${3:-} ${REMOTE_SYNC_ARGS:-}
}
manifest_sync() { rm_from manifest "$m_manifest"; }
alone_sync() { rm_from manifest "$m_manifest" --in-process; }
index_sync() { rm_from index "$m_index"; }
rsyncd_sync() { rm_from rsyncd "$m_rsyncd"; }
# The peer's rsync lists in one piece, as ftpsync runs it (its RSYNC_OPTIONS hold --no-inc-recursive):
# rsync's incremental recursion asks for each folder in turn, and over this link a no-change pass of
# 50,000 files took 2.69 s with it against 0.63 s without. Plain `rsync -a` would be an unfair peer.
rsync_opts=(-a --no-inc-recursive)
rsync_sync() { in_ns rsync "${rsync_opts[@]}" --delete rsync://10.77.0.1:18875/old/ "$m_rsync/"; }
manifest_final() { rm_from manifest "$m_manifest" --final; }
index_final() { rm_from index "$m_index" --final; }
rsyncd_final() { rm_from rsyncd "$m_rsyncd" --final; }
rsync_final() {
  in_ns rsync "${rsync_opts[@]}" --exclude 'Packages*' --exclude 'Sources*' --exclude 'Release*' --exclude 'InRelease' \
    --exclude 'Contents*' --exclude 'i18n/' rsync://10.77.0.1:18875/old/ "$m_rsync/" &&
    in_ns rsync "${rsync_opts[@]}" --delay-updates --delete-delay rsync://10.77.0.1:18875/old/ "$m_rsync/"
}

rtt="$(link_rtt 10.77.0.1 8092)"
tcp_rtt="$(link_tcp_rtt 10.77.0.1 8092)"
csv="$results/remote-$stamp.csv"
echo "case,tool,run,seconds" > "$csv"
# The initial copies, REMOTE_INITIAL_RUNS times each (default 1), each onto a new filesystem.
init_runs="${REMOTE_INITIAL_RUNS:-1}"
echo "initial copies of $rfiles files over the link ($init_runs run(s) each)..." >&2
for run in $(seq 1 "$init_runs"); do
  for fs in "${copy_fs[@]}"; do fresh_fs "$fs"; done
  for t in manifest index rsyncd rsync; do
    echo "initial,$t,$run,$(timed "${t}_sync")" >> "$csv"
  done
done
mirror_pids=()
if [[ "${REMOTE_SERVE:-yes}" == yes ]]; then
  port=18300
  for copy in "$m_manifest" "$m_index" "$m_rsyncd"; do
    # Not through in_ns, a function: $! would be its subshell, and the kill would miss the server.
    ip netns exec "$link_ns" "$top/repomirror" serve --root "$copy" --listen "127.0.0.1:$port" \
      --admin-listen "127.0.0.1:$(( port + 1 ))" > "$copy.serve.log" 2>&1 &
    mirror_pids+=($!)
    port=$(( port + 2 ))
  done
  for copy in "$m_manifest" "$m_index" "$m_rsyncd"; do
    for _ in $(seq 1 300); do [[ -S "$copy/.repomirror/service.sock" ]] && break; sleep 0.1; done
    [[ -S "$copy/.repomirror/service.sock" ]] || failed "the server of $copy takes no syncs"
  done
fi

# A warm-up round, untimed in the medians: a server's first sync runs with its JIT cold (the first
# of three no-change passes from autoindex took 1.27 s against 0.59-0.65 s after it), while the
# new host's server has synced many times before its final sync. rsync gets the same round. Its
# times go to the CSV as case "warm-up" and are shown apart. REMOTE_WARMUP=0 skips it.
for _ in $(seq 1 "${REMOTE_WARMUP:-1}"); do
  for t in rsync manifest index rsyncd; do
    echo "warm-up,$t,0,$(timed "${t}_sync")" >> "$csv"
  done
done
for run in $(seq 1 "$runs"); do
  sync
  tools=(rsync manifest index rsyncd)
  order=("${tools[@]:run % 4}" "${tools[@]:0:run % 4}")
  for t in "${order[@]}" alone; do
    echo "no-change,$t,$run,$(timed "${t}_sync")" >> "$csv"
  done
  changed="$(python3 "$here/scripts/mutate_tree.py" "$src" 1 "$(( run + 2000 ))")"
  peer_catch_up
  for t in "${order[@]}"; do
    secs="$(timed "${t}_final")"
    echo "final,$t,$run,$secs" >> "$csv"
  done
  verdicts="$(grep -c "verdict: identical" "$run_dir/run.log" || true)"
  (( verdicts >= 3 * run )) || failed "a final sync gave no identical verdict (run $run)"
  echo "  run $run done ($changed files changed)" >&2
done
for copy in "$m_manifest" "$m_index" "$m_rsync" "$m_rsyncd"; do
  diff <(cd "$src" && find . -type f | sort) \
    <(cd "$copy" && find . -path ./.repomirror -prune -o -path ./project -prune -o -type f -print | sort) > /dev/null \
    || failed "$copy lists other files than the old host"
done
remote_cleanup
trap - EXIT
if [[ -s "$failures" ]]; then
  echo "remote: BENCHMARK RUN FAILED, no figures are valid:" >&2
  sed 's/^/  /' "$failures" >&2
  exit 1
fi

echo
echo "remote old host: $rfiles files in $(( rfiles / 100 )) folders, $(du -sm "$src" | cut -f1) MB, over ${link_rate_mbit} Mbit/s with ${rtt} ms to an HTTP answer (TCP's own rtt ${tcp_rtt:-?} ms); medians of $runs runs"
python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
names = {"manifest": "repomirror (peer manifest)", "alone": "  the same, own JVM",
         "index": "repomirror (HTTP index)", "rsyncd": "repomirror (rsync daemon)",
         "rsync": "rsync -a, one-piece list"}
init_runs = len({r["run"] for r in rows if r["case"] == "initial"})
for case, label in (("initial", f"initial copy (medians of {init_runs})"),
                    ("warm-up", "warm-up: a no-change pass, each server's first sync (not in the medians)"),
                    ("no-change", "no-change"), ("final", "final, 1% changed (rsync: two stages)")):
    if not any(r["case"] == case for r in rows):
        continue
    print(f"\n{label}:")
    print(f"  {'tool':<28} {'median s':>9} {'min':>7} {'max':>7} {'x rsync':>8}")
    def med(tool):
        v = [float(r["seconds"]) for r in rows if r["case"] == case and r["tool"] == tool]
        return statistics.median(v), min(v), max(v)
    base = med("rsync")[0]
    for t in ("manifest", "alone", "index", "rsyncd", "rsync"):
        if not any(r["case"] == case and r["tool"] == t for r in rows):
            continue
        m, lo, hi = med(t)
        print(f"  {names[t]:<28} {m:>9.2f} {lo:>7.2f} {hi:>7.2f} {m / base:>7.2f}x")
PY
echo "results: $csv"
