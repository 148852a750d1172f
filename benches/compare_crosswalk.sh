#!/usr/bin/env bash
# The MARC crosswalk side by side with its peers, on the same generated records: prints
# records/s, CPU time and peak RSS of each, and the ratios. Benchmark only: not part of CI.
#
#   benches/compare_crosswalk.sh [N] [ROUNDS]     (defaults: 100000 records, 5 rounds)
#
# - crosswalk: `convert --mapping mappings/marc21-dcterms.toml --to nt` (all cores);
# - pymarc: ../shared/bench/pymarc_dc.py (a hand-written pymarc crosswalk to N-Triples);
# - xsltproc with the Library of Congress MARC21slim2RDFDC.xsl on the same records as MARCXML,
#   when LOC_RDFDC_XSL names the stylesheet (it is not in ../shared; get it from
#   https://www.loc.gov/standards/marcxml/xslt/ or with MarcEdit's XSLT files, with
#   MARC21slimUtils.xsl beside it; keep both outside the repository).
# Each round runs every tool once, in turn; the figures are the medians of the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/gen_data.sh "${1:-100000}"
ROUNDS="${2:-5}"
SHARED="${CROSSWALK_SHARED:-../shared}"
python3 -c 'import pymarc' 2>/dev/null || { echo "needs: pip install pymarc"; exit 1; }
cargo build --release --quiet --bin crosswalk
CW="${CARGO_TARGET_DIR:-target}/release/crosswalk"
XML=""
if [ -n "${LOC_RDFDC_XSL:-}" ]; then
  command -v xsltproc >/dev/null || { echo "needs xsltproc: apt-get install -y xsltproc"; exit 1; }
  XML="$DATA/gen$N.xml"
  [ -s "$XML" ] || "$CW" marc convert --to marcxml "$MRC" -o "$XML"
fi

# run NAME CMD... : appends "NAME wall user+sys rss_kib" to $results
results=$(mktemp)
run() {
  local name=$1; shift
  local t; t=$(mktemp)
  # Every tool starts alike: the input in the page cache, the machine settled after the last.
  sleep 5
  cat "$MRC" > /dev/null
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" >/dev/null 2>&1 || { echo "$name failed"; exit 1; }
  read -r wall user sys rss < <(tail -1 "$t"); rm -f "$t"
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $rss" | tee -a "$results"
}

echo "$N records ($MRC); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$ROUNDS"); do
  run crosswalk "$CW" convert --mapping mappings/marc21-dcterms.toml "$MRC" --to nt
  run pymarc python3 "$SHARED/bench/pymarc_dc.py" "$MRC" /dev/null
  [ -z "$XML" ] || run xsltproc xsltproc --nonet "$LOC_RDFDC_XSL" "$XML"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
awk -v n="$N" '
  { k=$1; c[k]++; w[k, c[k]]=$2; cpu[k, c[k]]=$3; r[k, c[k]]=$4 }
  function median(a, k,   i, j, m, v, t) {
    m = c[k]; for (i = 1; i <= m; i++) v[i] = a[k, i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
  }
  END {
    printf "%-10s %9s %12s %9s %9s\n", "tool", "wall s", "records/s", "CPU s", "RSS MiB"
    for (k in c) {
      mw[k] = median(w, k)
      printf "%-10s %9.2f %12.0f %9.2f %9.1f\n", k, mw[k], n / mw[k], median(cpu, k), median(r, k) / 1024
    }
    print ""
    printf "crosswalk / pymarc:   %.1fx (wall)\n", mw["pymarc"] / mw["crosswalk"]
    if ("xsltproc" in mw) printf "crosswalk / xsltproc: %.1fx (wall)\n", mw["xsltproc"] / mw["crosswalk"]
  }' "$results"
rm -f "$results"
