#!/usr/bin/env bash
# A/B of tree syncs after 1 % of the files changed, alternating: each round changes 1 % of SRC
# (mutate_tree.py, a new seed a round), then syncs two repomirror jars into their own mirrors (A into
# MIRROR_A, B into MIRROR_B; -Xmx512m, a class-data archive each) and rsync -a --delete into
# RSYNC_COPY, each timed up to a final sync(1); the order rotates. Prints "<name> <seconds>" per
# run; a run that fails or does not end "outcome: ok" says so loudly instead of a time.
# Environment: A_OPTS, B_OPTS (JVM options of each). Usage: onepercent_ab.sh A.jar B.jar SRC MIRROR_A MIRROR_B RSYNC_COPY [N]
# Every copy must already hold SRC (one initial sync of each).
set -euo pipefail
a=$1 b=$2 src=$3 ma=$4 mb=$5 copy=$6 n=${7:-5}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
a_opts="${A_OPTS:-}" b_opts="${B_OPTS:-}" # JVM options of each, for a trial behind a property
log="$(mktemp)"
trap 'rm -f "$log" "$log.time"' EXIT
run() { # name jar mirror [java options]
  if ! /usr/bin/time -f "%e" -o "$log.time" sh -c '"$0" -Xmx512m $6 -XX:+AutoCreateSharedArchive \
    -XX:SharedArchiveFile="$1" -jar "$2" sync --mode tree --upstream "file://$3" --root "$4" \
    --hostname bench --max-delete 1000000 > "$5" 2>&1 && sync' "$java" "${2%.jar}.jsa" "$2" "$src" "$3" "$log" "${4:-}"; then
    echo "BENCHMARK RUN FAILED: $1 (exit code; $(tail -1 "$log"))"
    return
  fi
  grep -q "^outcome: ok" "$log" || { echo "BENCHMARK RUN FAILED: $1 did not end ok"; return; }
  echo "$1 $(cat "$log.time") $(grep -o 'total: [0-9]* fetched' "$log")"
}
rsync_run() {
  /usr/bin/time -f "%e" -o "$log.time" sh -c 'rsync -a --delete "$0/" "$1/" && sync' "$src" "$copy" \
    || { echo "BENCHMARK RUN FAILED: rsync"; return; }
  echo "rsync $(cat "$log.time")"
}
for i in $(seq 1 "$n"); do
  sync
  echo "# round $i: $(python3 "$here/mutate_tree.py" "$src" 1 "$(( i + 500 ))") files changed"
  case $(( i % 3 )) in
    1) run A "$a" "$ma" "$a_opts"; run B "$b" "$mb" "$b_opts"; rsync_run ;;
    2) run B "$b" "$mb" "$b_opts"; rsync_run; run A "$a" "$ma" "$a_opts" ;;
    0) rsync_run; run A "$a" "$ma" "$a_opts"; run B "$b" "$mb" "$b_opts" ;;
  esac
done
