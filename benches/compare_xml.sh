#!/usr/bin/env bash
# EAD and DC readers side by side with `xmllint --stream` (libxml2's streaming parser, the floor to
# compare with: it only checks well-formedness) on the same generated files. Prints MB/s,
# components or records per second, peak RSS and the ratio. Benchmark only: not part of CI.
#
#   benches/compare_xml.sh [EAD_COMPONENTS] [DC_RECORDS]    (default 1000000 and 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
NC="${1:-1000000}"
NR="${2:-1000000}"
DATA="${BENCH_DATA:-/var/tmp/crosswalk-bench}"
mkdir -p "$DATA"
EAD="$DATA/gen-ead-$NC.xml"
OAI="$DATA/gen-oai-$NR.xml"
[ -s "$EAD" ] || python3 tools/gen_ead.py "$NC" "$EAD"
[ -s "$OAI" ] || python3 tools/gen_oai.py "$NR" "$OAI"
command -v xmllint >/dev/null || { echo "needs xmllint: apt-get install -y libxml2-utils"; exit 1; }
cargo build --release --quiet
CW="${CARGO_TARGET_DIR:-target}/release/crosswalk"

run() {
  local name=$1 n=$2 file=$3; shift 3
  local t; t=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$t" "$@" >/dev/null 2>&1 || true
  local out; out=$(tail -1 "$t"); rm -f "$t"
  local bytes; bytes=$(stat -c %s "$file")
  echo "$name $n $bytes $out"
}

{
  run crosswalk-ead "$NC" "$EAD" "$CW" ead check "$EAD"
  run xmllint-ead "$NC" "$EAD" xmllint --stream --noout "$EAD"
  run crosswalk-dc "$NR" "$OAI" "$CW" dc check "$OAI"
  run xmllint-dc "$NR" "$OAI" xmllint --stream --noout "$OAI"
} | awk '
  { t[$1]=$4; n[$1]=$2; b[$1]=$3; rss[$1]=$5 }
  END {
    printf "%-16s %9s %12s %9s %9s\n", "tool", "seconds", "items/s", "MB/s", "RSS MiB"
    for (k in t) printf "%-16s %9.2f %12.0f %9.1f %9.1f\n", k, t[k], n[k]/t[k], b[k]/t[k]/1e6, rss[k]/1024
    printf "\nEAD: crosswalk / xmllint --stream = %.2fx\n", t["xmllint-ead"]/t["crosswalk-ead"]
    printf "DC:  crosswalk / xmllint --stream = %.2fx\n", t["xmllint-dc"]/t["crosswalk-dc"]
  }'
