#!/usr/bin/env bash
# Runs crosswalk and the peer tools side by side on the same generated MARC file and prints
# records/s, peak RSS and the ratios. Benchmark only: not part of CI.
#
#   benches/compare_peers.sh [N]        (default N = 1000000 records)
#
# Data: ../shared/bench/gen_marc.py (pymarc, deterministic) writes the synthetic corpus the issue
# figures were measured on; it is generated once into $BENCH_DATA (default /var/tmp/crosswalk-bench).
# Peers: yaz-marcdump (Debian package yaz), pymarc and mrrc (PyPI), run exactly as below.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/gen_data.sh "$@"
command -v yaz-marcdump >/dev/null || { echo "needs yaz-marcdump: apt-get install -y yaz"; exit 1; }
python3 -c 'import pymarc, mrrc' 2>/dev/null || { echo "needs: pip install pymarc mrrc"; exit 1; }
cargo build --release --quiet
CW="${CARGO_TARGET_DIR:-target}/release/crosswalk"
BYTES=$(stat -L -c %s "$MRC")
cat "$MRC" > /dev/null  # warm the page cache so that no tool pays for the first read

# run NAME CMD... : prints "NAME seconds peak_rss_kib"
run() {
  local name=$1; shift
  local t; t=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$t" "$@" >/dev/null 2>&1 || true
  local out; out=$(tail -1 "$t"); rm -f "$t"
  echo "$name $out"
}

results=$(mktemp)
{
  run crosswalk-read "$CW" marc check "$MRC"
  run yaz-read yaz-marcdump -n "$MRC"
  run pymarc-read python3 benches/peers/pymarc_read.py "$MRC"
  run mrrc-read python3 benches/peers/mrrc_read.py "$MRC"
  run crosswalk-marcxml "$CW" marc convert --to marcxml "$MRC" -o /dev/null
  run yaz-marcxml yaz-marcdump -o marcxml "$MRC"
} | tee "$results"

echo
awk -v n="$N" -v bytes="$BYTES" '
  { t[$1]=$2; rss[$1]=$3 }
  END {
    printf "%-20s %10s %12s %10s %10s\n", "tool", "seconds", "records/s", "MB/s", "RSS MiB"
    for (k in t) printf "%-20s %10.2f %12.0f %10.1f %10.1f\n", k, t[k], n/t[k], bytes/t[k]/1e6, rss[k]/1024
    print ""
    printf "read:    crosswalk / yaz-marcdump -n         = %.2fx\n", t["yaz-read"]/t["crosswalk-read"]
    printf "read:    crosswalk / pymarc                  = %.2fx\n", t["pymarc-read"]/t["crosswalk-read"]
    printf "read:    crosswalk / mrrc                    = %.2fx\n", t["mrrc-read"]/t["crosswalk-read"]
    printf "marcxml: crosswalk / yaz-marcdump -o marcxml = %.2fx\n", t["yaz-marcxml"]/t["crosswalk-marcxml"]
  }' "$results"
