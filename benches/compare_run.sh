#!/usr/bin/env bash
# `crosswalk run` into an empty on-disk store, side by side with oxigraph's own bulk loader
# (pyoxigraph) loading the same quads from a pre-serialised N-Quads file; then a rerun over the
# unchanged input and a cross-collection query. Prints seconds, rates, peak RSS and the ratio.
# Benchmark only: not part of CI.
#
#   benches/compare_run.sh [N]        (default N = 1000000 records)
#
# Data: ../shared/bench/gen_marc.py writes the synthetic MARC corpus (as for compare_peers.sh)
# into $BENCH_DATA (default /var/tmp/crosswalk-bench). Peer: pyoxigraph (PyPI), the same oxigraph
# version as the crate's, run exactly as below.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/gen_data.sh "$@"
WORK="${BENCH_WORK:-$DATA/run-$N}"
python3 -c 'import pyoxigraph' 2>/dev/null || { echo "needs: pip install pyoxigraph"; exit 1; }
cargo build --release --quiet
CW="$(pwd)/${CARGO_TARGET_DIR:-target}/release/crosswalk"
rm -rf "$WORK" && mkdir -p "$WORK"
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
{
  timed run "$CW" run "$WORK/bench.toml" --quiet
  timed rerun "$CW" run "$WORK/bench.toml" --quiet
} | tee "$results"
"$CW" export --store "$WORK/store" --format nq -o "$WORK/all.nq"
QUADS=$(wc -l < "$WORK/all.nq")
cat > "$WORK/bulk.py" <<'EOF'
import sys
from pyoxigraph import Store, RdfFormat
store = Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=RdfFormat.N_QUADS)
store.flush()
EOF
cat "$WORK/all.nq" > /dev/null
timed pyoxigraph-bulk python3 "$WORK/bulk.py" "$WORK/pystore" "$WORK/all.nq" | tee -a "$results"

# A typical cross-collection question: the items about the most used subject, with their
# collection, through the CLI (process start and store opening included).
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
  "$CW query --store $WORK/store -f $WORK/query.rq --format tsv" > "$WORK/query.txt" 2>&1 || true
QUERY_MS=$(python3 -c "import json;r=json.load(open('$WORK/query.json'))['results'][0];print(round(r['mean']*1000,1))")

python3 - "$results" "$N" "$QUADS" "$QUERY_MS" <<'EOF'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, secs, rss = line.split()
    rows[name] = (float(secs), int(rss))
n, quads, query_ms = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
run, rerun, bulk = rows["run"], rows["rerun"], rows["pyoxigraph-bulk"]
print(f"{n} records, {quads} quads")
print(f"{'':26}{'seconds':>10}{'records/s':>12}{'quads/s':>12}{'peak RSS MB':>13}")
for name, (s, rss) in [("crosswalk run (empty)", run), ("crosswalk rerun (same)", rerun), ("pyoxigraph bulk_load nq", bulk)]:
    qps = f"{quads / s:,.0f}" if name != "crosswalk rerun (same)" else ""
    print(f"{name:26}{s:>10.1f}{n / s:>12,.0f}{qps:>12}{rss / 1024:>13.0f}")
print(f"run / bulk loader: {bulk[0] / run[0]:.2f}x (target >= 0.9)")
print(f"rerun: {n / rerun[0]:,.0f} records/s (target >= 50,000)")
print(f"cross-collection query via the CLI (process start included): {query_ms} ms mean")
EOF
