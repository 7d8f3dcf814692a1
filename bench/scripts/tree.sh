# The whole-tree scenario: sourced by bench/run.sh (work, results, runs, quick, stamp, need,
# median, wait_port, top). A generated tree of 300,000 files in 3,000 directories (Debian's size
# distribution scaled down, so that three copies fit on disk) is mirrored by repomirror (tree
# mode, from the directory and from a peer's manifest) and by rsync -a; then, alternating, each
# run measures:
#   no-change  a sync with nothing to do;
#   1%-change  a sync after 1% of the files changed (same size, new bytes, new mtime);
#   verify     repomirror verify --full against sha256sum over the same files (2 processes);
#   final      after another 1% change, repomirror sync --final (delta, then everything it touched
#              re-hashed and a verdict) against the real ftpsync (Debian's package, configured for
#              the same tree: its own copy, RSYNC_SOURCE the directory, its default rsync options)
#              and against an imitation of its two stages with plain rsync (stage 1 without the
#              indexes, stage 2 everything with --delay-updates --delete-delay).
# Copies made by an earlier run are reused (their initial time is then not measured again);
# TREE_FRESH=yes starts from empty copies.
# Every repomirror run has a 512 MiB heap (-Xmx512m). Environment: TREE_FILES, TREE_SCALE.
need rsync python3 bc ftpsync

tree_dir="$work/tree"
tfiles="${TREE_FILES:-300000}"
tscale="${TREE_SCALE:-0.01}"
$quick && { tfiles="${TREE_FILES:-20000}"; }
src="$tree_dir/src-$tfiles-$tscale"
if [[ ! -d "$src" ]]; then
  rm -rf "$tree_dir"/src-*
  mkdir -p "$src"
  echo "generating $tfiles files..." >&2
  python3 "$here/scripts/generate_tree.py" "$src" "$tfiles" "$tscale" "$here/data/debian-bookworm-amd64-sizes.txt.gz"
fi
tree_bytes="$(du -sb "$src" | cut -f1)"
rm_root="$tree_dir/repomirror"
peer_root="$tree_dir/peer"
rs_root="$tree_dir/rsync"
ftp_root="$tree_dir/ftpsync"
ftp_home="$tree_dir/ftpsync-home"
export REPOMIRROR_JAVA_OPTS="-Xmx512m"

# A failed command, or a copy that ends up wrong, makes the whole scenario fail: no figures.
failures="$tree_dir/failures"
: > "$failures"
failed() { echo "  BENCHMARK RUN FAILED: $*" >&2; echo "$*" >> "$failures"; }
timed() { # command... -> seconds on stdout; the command's output goes to a log
  local start end rc=0
  start=$(date +%s.%N)
  "$@" >> "$tree_dir/run.log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  if (( rc != 0 )); then
    failed "exit $rc from $1 ${2:-} (see $tree_dir/run.log)"
    echo FAILED
    return
  fi
  echo "$end - $start" | bc
}
# repomirror's copy is served during the runs, so its syncs go to that server's warm JVM (as they
# do wherever serve runs for a tree); "alone" is the same sync in a JVM of its own (--in-process).
rm_sync() { "$top/repomirror" sync --mode tree --upstream "file://$src" --root "$rm_root" --hostname bench --max-delete 1000000 "$@"; }
alone_sync() { rm_sync --in-process; }
peer_sync() { "$top/repomirror" sync --mode tree --upstream "http://127.0.0.1:18081/" --root "$peer_root" --hostname peer --max-delete 1000000; }
rs_sync() { rsync -a --delete "$src/" "$rs_root/"; }
rm_final() { "$top/repomirror" sync --mode tree --final --upstream "file://$src" --root "$rm_root" --hostname bench --max-delete 1000000; }
rs_final() {
  rsync -a --exclude 'Packages*' --exclude 'Sources*' --exclude 'Release*' --exclude 'InRelease' \
    --exclude 'Contents*' --exclude 'i18n/' "$src/" "$rs_root/" &&
    rsync -a --delay-updates --delete-delay "$src/" "$rs_root/"
}
# ftpsync reads ~/.config/ftpsync/ftpsync-<archive>.conf; a home of its own keeps the bench's
# configuration out of the user's. It logs to its LOGDIR and writes project/trace/ in the copy.
mkdir -p "$ftp_home/.config/ftpsync"
cat > "$ftp_home/.config/ftpsync/ftpsync-bench.conf" <<CONF
MIRRORNAME=bench
TO=$ftp_root/
RSYNC_SOURCE=$src/
MAILTO=
LOGDIR=$tree_dir/ftpsync-log
CONF
ftp_final() { env HOME="$ftp_home" LOGNAME="${LOGNAME:-root}" ftpsync sync:archive:bench; }
rm_verify() { "$top/repomirror" verify --root "$rm_root" --full; }
sha_verify() { (cd "$rs_root" && find . -type f -print0 | xargs -0 -n 2000 -P 2 sha256sum > /dev/null); }

mkdir -p "$tree_dir"
: > "$tree_dir/run.log"
echo "initial copies of $tfiles files ($(echo "$tree_bytes / 1000000" | bc) MB)..." >&2
if [[ "${TREE_FRESH:-no}" == yes || ! -d "$rm_root" || ! -d "$rs_root" || ! -d "$peer_root" ]]; then
  rm -rf "$rm_root" "$peer_root" "$rs_root" "$ftp_root"
fi
init_rm="$( [[ -d $rm_root ]] && echo reused || timed rm_sync)"
init_rs="$( [[ -d $rs_root ]] && echo reused || timed rs_sync)"
"$top/repomirror" serve --root "$rm_root" --listen 127.0.0.1:18081 --admin-listen 127.0.0.1:18082 \
  > "$tree_dir/serve.log" 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true' EXIT
wait_port 18081
init_peer="$( [[ -d $peer_root ]] && echo reused || timed peer_sync)"
# Whatever state the copies are in, bring them level before timing anything.
rm_sync > /dev/null 2>&1; rs_sync; peer_sync > /dev/null 2>&1
[[ -d $ftp_root ]] || echo "  ftpsync's copy: a first ftpsync run (not timed)..." >&2
ftp_final >> "$tree_dir/run.log" 2>&1 || failed "ftpsync could not bring its copy level"

secs() { [[ $1 == reused || $1 == FAILED ]] && echo "$1" || echo "${1}s"; }
echo "  initial: repomirror $(secs "$init_rm"), peer $(secs "$init_peer"), rsync $(secs "$init_rs")" >&2

csv="$results/tree-$stamp.csv"
echo "case,tool,run,seconds" > "$csv"
for run in $(seq 1 "$runs"); do
  sync
  if (( run % 2 )); then order=(rs rm peer); norder=(rs rm alone peer); else order=(rm peer rs); norder=(alone peer rm rs); fi
  for t in "${norder[@]}"; do
    echo "no-change,$t,$run,$(timed "${t}_sync")" >> "$csv"
  done
  # The same 1% change for every tool: repomirror and rsync from the directory, then the peer
  # from repomirror's new manifest.
  changed="$(python3 "$here/scripts/mutate_tree.py" "$src" 1 "$run")"
  for t in "${order[@]}"; do
    [[ $t == peer ]] && continue
    echo "one-percent,$t,$run,$(timed "${t}_sync")" >> "$csv"
  done
  echo "one-percent,peer,$run,$(timed peer_sync)" >> "$csv"
  if (( run % 2 )); then vorder=(sha rm); else vorder=(rm sha); fi
  for t in "${vorder[@]}"; do
    echo "verify,$t,$run,$(timed "${t}_verify")" >> "$csv"
  done
  # ftpsync's copy takes the first change untimed, so that its final run has the same 1% to do.
  ftp_final >> "$tree_dir/run.log" 2>&1 || failed "ftpsync could not bring its copy level"
  changed="$(python3 "$here/scripts/mutate_tree.py" "$src" 1 "$(( run + 1000 ))")"
  if (( run % 2 )); then forder=(ftp rs rm); else forder=(rm rs ftp); fi
  for t in "${forder[@]}"; do
    echo "final,$t,$run,$(timed "${t}_final")" >> "$csv"
  done
  grep -q "verdict: identical" "$tree_dir/run.log" || failed "the final sync gave no identical verdict"
  peer_sync >> "$tree_dir/run.log" 2>&1 # the peer catches up, so that its next no-change run is one
  echo "  run $run done ($changed files changed)" >&2
done
kill $serve_pid 2>/dev/null || true
trap - EXIT
diff <(cd "$src" && find . -type f | sort) <(cd "$rm_root" && find . -path ./.repomirror -prune -o -path ./project -prune -o -type f -print | sort) > /dev/null \
  && echo "repomirror's copy lists the same files as the source" >&2 \
  || failed "repomirror's copy differs from the source"
diff <(cd "$src" && find . -type f | sort) <(cd "$ftp_root" && find . -path ./project -prune -o -type f -print | sort) > /dev/null \
  && echo "ftpsync's copy lists the same files as the source" >&2 \
  || failed "ftpsync's copy differs from the source"
if [[ -s "$failures" ]]; then
  echo "tree: BENCHMARK RUN FAILED, no figures are valid:" >&2
  sed 's/^/  /' "$failures" >&2
  exit 1
fi

echo
echo "whole tree: $tfiles files in $(( tfiles / 100 )) directories, $(echo "$tree_bytes / 1000000" | bc) MB; medians of $runs runs; repomirror heap -Xmx512m"
echo "initial copy: repomirror $(secs "$init_rm") (SHA-256 of every file), rsync -a $(secs "$init_rs"), peer from manifest $(secs "$init_peer")"
python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def stats(case, tool):
    v = [float(r["seconds"]) for r in rows if r["case"] == case and r["tool"] == tool]
    return statistics.median(v), min(v), max(v)
# A peer's manifest is other work than rsync's: one file read instead of a walk of the upstream
# tree. Its ratio is given, marked, for what a mirror of a repomirror gains; it is not a like-for-like
# comparison with rsync -a.
names = {"rm": "repomirror (directory)", "alone": "  the same, own JVM", "peer": "repomirror (peer manifest)*",
         "rs": "rsync -a", "sha": "sha256sum (2 processes)"}
final_names = {"rm": "repomirror sync --final", "ftp": "ftpsync (Debian's)", "rs": "rsync, two stages"}
for case, tools, base in (("no-change", ("rm", "alone", "peer", "rs"), "rs"),
                          ("one-percent", ("rm", "peer", "rs"), "rs"),
                          ("verify", ("rm", "sha"), "sha"),
                          ("final", ("rm", "ftp", "rs"), "ftp")):
    if case == "final":
        names = final_names
    print(f"\n{case}:")
    print(f"  {'tool':<28} {'median s':>9} {'min':>7} {'max':>7} {'x ' + names[base]:>20}")
    b = stats(case, base)[0]
    for t in tools:
        m, lo, hi = stats(case, t)
        print(f"  {names[t]:<28} {m:>9.2f} {lo:>7.2f} {hi:>7.2f} {m / b:>19.2f}x")
print("\n* other work: reads the peer's manifest, walks no upstream tree; not comparable with rsync -a")
PY
python3 "$here/scripts/chart.py" "$csv" "${csv%.csv}.svg" "whole tree: 300,000 files" > /dev/null
echo "results: $csv and ${csv%.csv}.svg"
