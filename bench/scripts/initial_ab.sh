#!/usr/bin/env bash
# A/B of initial tree syncs into an empty folder, alternating: repomirror jars (each with its own
# class-data archive, -Xmx512m), then rsync -a of the same tree; each timed up to a final sync(1),
# so every tool pays for durability; N rounds. Each run gets a new filesystem (fresh_fs.sh,
# BENCH_FS). Prints "<name> <seconds> <max RSS KiB>" per run; a run that fails or does not end
# "outcome: ok" says so loudly instead of a time.
# Usage: initial_ab.sh A.jar [B.jar ...] SRC WORK [N]
#   SRC   a folder, or an rsync:// URL of an rsync daemon (then repomirror uses rsync as its
#         transport, and rsync -a --no-inc-recursive copies from the daemon, as ftpsync does)
#   WORK  a folder of the script's own; the copies land in WORK/dest
#   NETNS run every copy in this network namespace (the far side of bench/scripts/old_host.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=fresh_fs.sh
source "$here/fresh_fs.sh"
jars=()
while [[ ${1:-} == *.jar ]]; do jars+=("$1"); shift; done
src=$1 work=$2 n=${3:-3}
(( ${#jars[@]} > 0 )) || { echo "usage: initial_ab.sh A.jar [B.jar ...] SRC WORK [N]" >&2; exit 2; }
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
upstream="file://$src" from="$src/"
tree_source=()
[[ $src == rsync://* ]] && { upstream="$src" from="$src"; tree_source=(--tree-source rsync); }
in_ns=()
[[ -n ${NETNS:-} ]] && in_ns=(ip netns exec "$NETNS")
log="$(mktemp)"
trap 'rm -f "$log" "$log.time"; fresh_fs_down "$work"' EXIT
run() {
  local jar=$1
  fresh_fs "$work"
  if ! /usr/bin/time -f "%e %M" -o "$log.time" "${in_ns[@]}" sh -c '"$0" -Xmx512m \
    -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$1" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -jar "$2" sync --mode tree --upstream "$3" --root "$4" --hostname bench $5 > "$6" 2>&1 && sync' \
    "$java" "${jar%.jar}.jsa" "$jar" "$upstream" "$work/dest" "${tree_source[*]}" "$log"; then
    echo "BENCHMARK RUN FAILED: $jar (exit code; $(tail -1 "$log"))"
    return
  fi
  grep -q "^outcome: ok" "$log" || { echo "BENCHMARK RUN FAILED: $jar did not end ok"; return; }
  cat "$log.time"
}
rsync_run() {
  fresh_fs "$work"
  /usr/bin/time -f "%e %M" -o "$log.time" "${in_ns[@]}" sh -c 'rsync -a --no-inc-recursive "$0" "$1/" && sync' \
    "$from" "$work/dest" || { echo "BENCHMARK RUN FAILED: rsync"; return; }
  cat "$log.time"
}
for _ in $(seq 1 "$n"); do
  for jar in "${jars[@]}"; do echo "$(basename "$jar" .jar) $(run "$jar")"; done
  echo "rsync $(rsync_run)"
done
