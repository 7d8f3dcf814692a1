# The consistency scenario: sourced by bench/run.sh (work, results, stamp, need, top). Real apt-get
# clients (modern with by-hash off and pipelining, modern with by-hash, legacy Maemo with an
# MD5-only Release) loop on update and a download of every package while the upstream flips
# between two signed releases, published 20 times (PUBLISHES) under each setup: ftpsync's two-stage
# rsync and a plain rsync into nginx's tree, repomirror without and with pinning, and nginx
# proxy_cache in front of repomirror (not trusted, trusted, and keeping every file 3 s by its own
# clock). Counts failed runs out of all runs, and how many different Releases the clients updated
# to (a mirror that froze them on one would be consistent and useless). The harness is
# ConsistencyBenchmark in http-server's tests. SETUPS and VARIANTS (comma-separated) pick rows;
# WINDOW sets the pin window in seconds (5: every client comes from 127.0.0.1, one address).
need nginx rsync apt-get

csv="$results/consistency-$stamp.csv"
log="$work/consistency-$stamp.log"
"$top/mvnw" -q -B install -DskipTests -Dspotless.check.skip=true -pl config,sync-core -am >&2
if ! "$top/mvnw" -B -pl http-server test -Dspotless.check.skip=true \
    -Dtest=ConsistencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dconsistency.setups="${SETUPS:-}" -Dconsistency.variants="${VARIANTS:-}" \
    -Dconsistency.publishes="${PUBLISHES:-20}" -Dconsistency.window="${WINDOW:-5}" -Dconsistency.results="$csv" >"$log" 2>&1; then
  echo "consistency: BENCHMARK RUN FAILED, no counts are valid; see $log" >&2
  grep -E "runs failed|FAIL|ERROR" "$log" | head -20 >&2
  exit 1
fi

echo
echo "consistency: failed apt-get runs out of all runs (different Releases the clients updated to)," \
  "${PUBLISHES:-20} publishes per row ($csv)"
python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
variants = []
for r in rows:
    if r["variant"] not in variants: variants.append(r["variant"])
setups = []
for r in rows:
    if r["setup"] not in setups: setups.append(r["setup"])
cell = {(r["setup"], r["variant"]): f'{r["failed"]} of {r["runs"]} ({r["releases_seen"]})' for r in rows}
print("| setup | " + " | ".join(variants) + " |")
print("|---|" + "---|" * len(variants))
for s in setups:
    print(f"| {s} | " + " | ".join(cell.get((s, v), "-") for v in variants) + " |")
print()
for r in rows:
    if r["first_failure"]:
        print(f'{r["setup"]} {r["variant"]}: {r["first_failure"]}')
PY
