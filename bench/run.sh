#!/usr/bin/env bash
# One command for repomirror's end-to-end benchmarks against the tools people use today.
#
#   bench/run.sh [--quick] [--runs N] [scenario...]
#
# Scenarios (default: all that exist):
#   sync    initial sync of a generated signed repository (10,000 packages with Debian's size
#           distribution) by repomirror, rsync (daemon), apt-mirror and debmirror from nginx.
#   tree    whole-tree mode: a 300,000-file tree; no-change and 1%-change syncs by repomirror
#           (from the directory and from a peer's manifest) vs rsync -a, and verify --full vs
#           sha256sum.
#   wan     initial sync over a 100 Mbit/s link with 20 ms round trip (two network namespaces,
#           tc tbf, packets delayed by a TUN delay line, or WAN_LINK=proxy for TCP delay proxies),
#           repomirror vs rsync; goodput as a share of the link. Root.
#   remote  a remote old host across the same shaped link: no-change and final (1% changed)
#           syncs by repomirror (from a peer's manifest and from nginx's autoindex pages) vs rsync
#           over its daemon (final: ftpsync's two stages). Root.
#   serve   repomirror serve vs nginx (sendfile on, one worker each), measured with wrk at
#           1 KiB, 64 KiB, 1 MiB and 20 MiB, 50 and 1000 keep-alive connections; then RSS with
#           10,000 idle keep-alive connections.
#   consistency  apt-get clients (modern, by-hash, legacy) loop while 20 publishes flip the
#           upstream between two releases, under ftpsync's two-stage rsync and plain rsync into
#           nginx, repomirror without and with pinning, and nginx proxy_cache in front of it;
#           failed runs out of all runs. Not in the default set (about 12 minutes).
#   store   repomirror sync into a local folder against sync into a Ceph RGW bucket (issue 27),
#           then serve on the local mirror against a serve node on the bucket: hot pool files
#           (64 KiB, 1 MiB) with wrk, and every pool file once from a node with an empty cache.
#           Starts the store from .ci/s3 (Ceph's Debian packages). Not in the default set.
#
# Environment for the serve scenario: SIZES="1k 64k" and CONNS="50" pick rows, IDLE=no skips
# the idle-connection RSS test, SMALL_FILE_CACHE=0 turns repomirror's small-file cache off,
# MIRROR=no serves a plain folder rather than one a repomirror sync keeps.
#
# Runs the contenders alternately, several times, and prints medians and ratios. Results go to
# bench/results/<scenario>-<date>.csv. Traffic stays on 127.0.0.1. Needs root for apt-get only
# when a peer is missing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(cd "$here/.." && pwd)"
work="$here/work"
results="$here/results"
runs=5
duration=10
quick=false
scenarios=()

while (( $# )); do
  case "$1" in
    --quick) quick=true; runs=3; duration=3 ;;
    --runs) runs="$2"; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) scenarios+=("$1") ;;
  esac
  shift
done
(( ${#scenarios[@]} )) || scenarios=(serve sync tree)

mkdir -p "$work" "$results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

need() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if (( ${#missing[@]} )); then
    echo "installing ${missing[*]}..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
    "kernel $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), date $(date -u +%FT%TZ)"
}

build() {
  # The launcher finds a JDK 21+ and builds the jar when sources changed; use the same JDK.
  "$top/repomirror" --version >/dev/null
  if [[ -z "${JAVA_HOME:-}" ]] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    for dir in $(ls -d /usr/lib/jvm/*/ | sort -rV); do
      if "${dir%/}/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
        JAVA_HOME="${dir%/}"
        break
      fi
    done
  fi
  export JAVA_HOME
  "$top/mvnw" -q -B -pl bench -am package -DskipTests -Dspotless.check.skip=true -Daot >&2
  # From here on every run uses the jar just built, whatever is edited meanwhile.
  export REPOMIRROR_NO_BUILD=1
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# The sync scenarios' signed apt archive (Debian's size distribution), generated once per size:
# sets files, scale and data (its folder: repo/, keyring.gpg) from FILES and SCALE, or their
# --quick defaults.
generated_archive() {
  files="${FILES:-10000}"
  scale="${SCALE:-1}"
  $quick && { files="${FILES:-2000}"; scale="${SCALE:-0.1}"; }
  data="$work/sync/data-$files-$scale"
  if [[ ! -f "$data/keyring.gpg" ]]; then
    rm -rf "$work/sync"/data-*
    mkdir -p "$data"
    "$JAVA_HOME/bin/java" -cp "$here/../bench/target/benchmarks.jar" org.repomirror.bench.GenerateRepository \
      --out "$data" --files "$files" --seed 1 --scale "$scale" --sizes "$here/data/debian-bookworm-amd64-sizes.txt.gz"
  fi
}

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

for s in "${scenarios[@]}"; do
  if [[ ! -f "$here/scripts/$s.sh" ]]; then
    echo "run.sh: no scenario '$s'" >&2
    exit 2
  fi
done

build
machine
for s in "${scenarios[@]}"; do
  # shellcheck source=/dev/null
  source "$here/scripts/$s.sh"
done
