# Sourced by the comparison scripts: sets N (first argument, default 1,000,000), DATA and MRC, the
# generated MARC file of N records, making it once with ../shared/bench/gen_marc.py (pymarc,
# deterministic) into $BENCH_DATA (default /var/tmp/crosswalk-bench).
N="${1:-1000000}"
SHARED="${CROSSWALK_SHARED:-../shared}"
DATA="${BENCH_DATA:-/var/tmp/crosswalk-bench}"
mkdir -p "$DATA"
MRC="$DATA/gen$N.mrc"
if [ ! -s "$MRC" ]; then
  echo "generating $N records into $MRC (pymarc; takes a while)"
  python3 "$SHARED/bench/gen_marc.py" "$N" --mrc "$MRC" --jobs 2
fi
