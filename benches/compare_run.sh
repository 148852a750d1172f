#!/usr/bin/env bash
# `crosswalk run` into an empty on-disk store, side by side with oxigraph's own bulk loader
# (pyoxigraph) loading the same quads from a pre-serialised N-Quads file; then a rerun over the
# unchanged input and a cross-collection query. Prints seconds, rates, peak RSS and the ratio.
# Benchmark only: not part of CI.
#
#   benches/compare_run.sh [N [STEP...]]     (default N = 1000000 records, all steps)
#
# Steps, in this order when all run: run (into an empty store), rerun (the unchanged input),
# query, export (the store as gzipped N-Quads), bulk (pyoxigraph loads them), report. Each step
# appends its figures to $WORK/results, so steps may run one at a time, for instance the peer's
# load later on a quiet machine. A store of 1,000,000 generated records takes about 29 GB on
# disk and so does pyoxigraph's: with BENCH_DROP_STORE=1 the bulk step deletes crosswalk's store
# first. The N-Quads stay gzipped (14 GB as text) and reach pyoxigraph through a named pipe from
# zcat, which runs beside it (on the second core, a small handicap for the peer).
#
# Data: ../shared/bench/gen_marc.py writes the synthetic MARC corpus (as for compare_peers.sh)
# into $BENCH_DATA (default /var/tmp/crosswalk-bench). Peer: pyoxigraph (PyPI), the same oxigraph
# version as the crate's, run exactly as below.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/gen_data.sh "$@"
shift || true
STEPS=" ${*:-run rerun query export bulk report} "
step() { [[ "$STEPS" == *" $1 "* ]]; }
WORK="${BENCH_WORK:-$DATA/run-$N}"
python3 -c 'import pyoxigraph' 2>/dev/null || { echo "needs: pip install pyoxigraph"; exit 1; }
# CROSSWALK_BIN: a crosswalk binary to measure instead of building the release profile here.
if [ -n "${CROSSWALK_BIN:-}" ]; then
  CW="$CROSSWALK_BIN"
else
  cargo build --release --quiet
  CW="$(pwd)/${CARGO_TARGET_DIR:-target}/release/crosswalk"
fi
mkdir -p "$WORK"
cat > "$WORK/bench.toml" <<EOF
[consortium]
name = "benchmark"
base = "https://bench.example.org/"
reports = "reports"

[store]
path = "store"

[[institution]]
id = "lib"
name = "A library"

[[collection]]
id = "books"
institution = "lib"
format = "marc"
files = ["$MRC"]
crosswalk = "$(pwd)/mappings/marc21-dcterms.toml"
rights = "http://rightsstatements.org/vocab/InC/1.0/"
EOF
cat "$MRC" > /dev/null  # warm the page cache

# timed NAME CMD... : runs CMD, prints "NAME seconds peak_rss_kib"
timed() {
  local name=$1; shift
  local t; t=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$t" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || true
  local out; out=$(tail -1 "$t"); rm -f "$t"
  echo "$name $out"
}

results="$WORK/results"
if step run; then
  rm -rf "$WORK/store" "$WORK/reports" "$results"
  timed run "$CW" run "$WORK/bench.toml" --quiet | tee -a "$results"
fi
if step rerun; then
  timed rerun "$CW" run "$WORK/bench.toml" --quiet | tee -a "$results"
fi

# A typical cross-collection question: the items about the most used subject, with their
# collection, through the CLI (process start and store opening included).
if step query; then
  SUBJECT=$("$CW" query --store "$WORK/store" --format tsv \
    'SELECT ?s (COUNT(*) AS ?n) WHERE { ?i <http://purl.org/dc/terms/subject> ?s } GROUP BY ?s ORDER BY DESC(?n) LIMIT 1' \
    | sed -n 2p | cut -f1)
  cat > "$WORK/query.rq" <<EOF
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?item ?title ?collection WHERE {
  GRAPH ?g { ?item dcterms:subject $SUBJECT ; dcterms:title ?title }
  GRAPH ?p { ?g dcterms:isPartOf ?collection ; prov:wasAttributedTo ?institution }
} LIMIT 50
EOF
  hyperfine --warmup 2 --runs 10 --export-json "$WORK/query.json" \
    "$CW query --store $WORK/store -f $WORK/query.rq --format tsv" > "$WORK/query.txt" 2>&1
  python3 -c "import json; r = json.load(open('$WORK/query.json'))['results'][0]; print('query', r['mean'], 0)" \
    | tee -a "$results"
  # The same question to the SPARQL endpoint of a running `crosswalk serve` (the store open).
  "$CW" serve --store "$WORK/store" --bind 127.0.0.1:7879 > "$WORK/serve.log" 2>&1 &
  serve=$!
  for _ in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:7879/sparql?query=ASK%7B%7D && break; sleep 0.2; done
  for i in $(seq 33); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H 'Accept: text/tab-separated-values' \
      --data-urlencode "query@$WORK/query.rq" http://127.0.0.1:7879/sparql
  done | tail -30 > "$WORK/endpoint.txt"
  kill $serve
  python3 -c "import statistics as s; t = sorted(float(l) for l in open('$WORK/endpoint.txt')); print('endpoint', s.median(t), 0)" \
    | tee -a "$results"
fi

if step export; then
  "$CW" export --store "$WORK/store" --format nq | gzip -1 > "$WORK/all.nq.gz"
  echo "quads $(zcat "$WORK/all.nq.gz" | wc -l) 0" | tee -a "$results"
fi

if step bulk; then
  if [ "${BENCH_DROP_STORE:-0}" = 1 ]; then rm -rf "$WORK/store"; fi
  cat > "$WORK/bulk.py" <<'EOF'
import sys
from pyoxigraph import Store, RdfFormat
store = Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=RdfFormat.N_QUADS)
store.flush()
EOF
  rm -rf "$WORK/pystore" "$WORK/all.nq.pipe" && mkfifo "$WORK/all.nq.pipe"
  zcat "$WORK/all.nq.gz" > "$WORK/all.nq.pipe" &
  timed pyoxigraph-bulk python3 "$WORK/bulk.py" "$WORK/pystore" "$WORK/all.nq.pipe" \
    | tee -a "$results"
  wait
  rm -f "$WORK/all.nq.pipe"
fi

step report || exit 0
python3 - "$results" "$N" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, secs, rss = line.split()
    rows[name] = (float(secs), int(rss))
n, quads = int(sys.argv[2]), int(rows["quads"][0])
run, rerun, bulk = rows["run"], rows["rerun"], rows["pyoxigraph-bulk"]
print(f"{n} records, {quads} quads")
print(f"{'':26}{'seconds':>10}{'records/s':>12}{'quads/s':>12}{'peak RSS MB':>13}")
for name, (s, rss) in [("crosswalk run (empty)", run), ("crosswalk rerun (same)", rerun), ("pyoxigraph bulk_load nq", bulk)]:
    qps = f"{quads / s:,.0f}" if name != "crosswalk rerun (same)" else ""
    print(f"{name:26}{s:>10.1f}{n / s:>12,.0f}{qps:>12}{rss / 1024:>13.0f}")
print(f"run / bulk loader: {bulk[0] / run[0]:.2f}x (target >= 0.9)")
print(f"rerun: {n / rerun[0]:,.0f} records/s (target >= 50,000)")
print(f"cross-collection query via the CLI (process start included): {rows['query'][0] * 1000:.1f} ms mean")
if "endpoint" in rows:
    print(f"the same query to the endpoint (curl, HTTP included): {rows['endpoint'][0] * 1000:.1f} ms median of 30 (target < 100)")
EOF
