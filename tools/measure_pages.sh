#!/usr/bin/env bash
# Server time of every page type of `crosswalk serve` over a store (docs/web.md, "Server time").
#
#   tools/measure_pages.sh STORE CONFIG.toml [PORT]
#
# Starts `crosswalk serve` on the store (read-only; $CROSSWALK, default
# ${CARGO_TARGET_DIR:-target}/debug/crosswalk), finds the most used subject (the object of the
# most `skos:exactMatch` links; or $SUBJECT), a record, the collection and the institution, then
# waits until the server has gathered the dashboard's counts and made the pages of the most linked
# resources (it says how long that took), then requests every page type: a first time and $RUNS
# more times (default 3), and prints per page the first and the median `Server-Timing: app;dur=`
# (ms), the median total time curl saw (ms) and the size. The concept page of the most used subject is measured at page 1, at a middle
# page and at its last page, and with a facet filter. A first request that answered without the
# list (a large list still being made in the background, `browse::LIST_WAIT`) is marked `*`.
# $MORE_SUBJECTS (IRIs, space-separated) are measured too, each at page 1, its last page and with
# the institution facet: resources whose pages were not made at start. Stops the server at the
# end.
set -euo pipefail

store=${1:?usage: measure_pages.sh STORE CONFIG.toml [PORT]}
config=${2:?usage: measure_pages.sh STORE CONFIG.toml [PORT]}
port=${3:-7979}
runs=${RUNS:-3}
bin=${CROSSWALK:-${CARGO_TARGET_DIR:-target}/debug/crosswalk}
base="http://127.0.0.1:$port"
log=$(mktemp)
body=$(mktemp)

"$bin" serve --store "$store" --config "$config" --bind "127.0.0.1:$port" --timeout 600 \
  >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log" "$body"' EXIT
# Ready when it says where the pages are (not another server on the same port).
for _ in $(seq 1 600); do
  grep -q 'pages at' "$log" && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
grep -q 'pages at' "$log" || { echo "the server did not start" >&2; exit 1; }

sparql() {
  curl -s -m 900 -H 'Accept: text/csv' --data-urlencode "query=$1" "$base/sparql" | tail -n +2 | tr -d '\r'
}
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

echo "# $(date -u +%FT%TZ) $(uptime | sed 's/.*load/load/')" >&2
subject=${SUBJECT:-$(sparql 'SELECT ?s (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c <http://www.w3.org/2004/02/skos/core#exactMatch> ?s } } GROUP BY ?s ORDER BY DESC(?n) LIMIT 1' | cut -d, -f1)}
record=$(sparql 'SELECT ?r WHERE { GRAPH ?pg { ?g <https://w3id.org/crosswalk/vocab#describes> ?r } } LIMIT 1')
collection=$(sparql 'SELECT ?c WHERE { ?c a <http://purl.org/dc/dcmitype/Collection> } LIMIT 1')
institution=$(sparql 'SELECT ?i WHERE { ?i a <http://xmlns.com/foaf/0.1/Organization> } LIMIT 1')
language=$(sparql 'SELECT ?l (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?r <http://purl.org/dc/terms/language> ?l } FILTER(isIRI(?l)) } GROUP BY ?l ORDER BY DESC(?n) LIMIT 1' | cut -d, -f1)
echo "# subject $subject; record $record; collection $collection; institution $institution; language $language" >&2

# The number of pages of the page measured last ("Page 1 of N"): its last request's body.
pages() {
  grep -o 'Page 1 of [0-9,]*' "$body" | head -1 | sed 's/Page 1 of //; s/,//g' || true
}

# measure NAME PATH [HEADER]: cold, median server time, median curl time, bytes.
measure() {
  local name=$1 path=$2 header=${3:-X-Measure: 1} first="" server=() total=() size=0
  for i in $(seq 0 "$runs"); do
    local out
    out=$(curl -s -H "$header" -o "$body" -D - -w 'total %{time_total} size %{size_download}\n' "$base$path")
    local dur
    dur=$(grep -i '^server-timing:' <<<"$out" | sed 's/.*dur=\([0-9.]*\).*/\1/' | tr -d '\r')
    local t
    t=$(sed -n 's/^total \([0-9.]*\) size.*/\1/p' <<<"$out")
    size=$(sed -n 's/.* size \([0-9]*\)$/\1/p' <<<"$out")
    if [ "$i" = 0 ]; then
      first=$dur
      grep -q 'that link here is being made\|are being counted' "$body" && first="$first*"
    else
      server+=("$dur")
      total+=("$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')")
    fi
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$first" "$(median "${server[@]}")" \
    "$(median "${total[@]}")" "$size"
}

s=$(enc "$subject")
# Wait for the dashboard's background counts and the pages the server makes in advance.
for _ in $(seq 1 1800); do
  if ! curl -s "$base/dashboard" | grep -q 'still being gathered' &&
    grep -q 'made the pages' "$log"; then
    break
  fi
  sleep 1
done
grep 'made the pages' "$log" | sed 's/^/# /' >&2 || true

echo "| page | first ms | median ms (server) | median ms (curl) | bytes |"
echo "|---|---|---|---|---|"
measure "/" "/"
measure "/workbench" "/workbench"
measure "/workbench, SELECT * LIMIT 100" "/workbench?query=$(enc 'SELECT * WHERE { ?s ?p ?o } LIMIT 100')"
measure "/dashboard" "/dashboard"
measure "/dashboard/headings" "/dashboard/headings"
measure "/dashboard/headings, filtered" "/dashboard/headings?q=history&sort=heading"
measure "record" "/resource?iri=$(enc "$record")"
measure "most used subject, page 1" "/resource?iri=$s"
n=$(pages); n=${n:-1}
measure "most used subject, page $(((n + 1) / 2)) of $n" "/resource?iri=$s&page=$(((n + 1) / 2))"
measure "most used subject, page $n of $n (last)" "/resource?iri=$s&page=$n"
measure "most used subject, institution facet" "/resource?iri=$s&inst=$(enc "$institution")"
measure "most used subject, page 2, in German" "/resource?iri=$s&page=2" "Accept-Language: de"
measure "collection, page 1" "/resource?iri=$(enc "$collection")"
cn=$(pages); cn=${cn:-1}
measure "collection, page $cn of $cn (last)" "/resource?iri=$(enc "$collection")&page=$cn"
measure "institution" "/resource?iri=$(enc "$institution")"
measure "the most used language" "/resource?iri=$(enc "$language")"
for more in ${MORE_SUBJECTS:-}; do
  m=$(enc "$more")
  measure "$more, page 1" "/resource?iri=$m"
  # Its number of pages once its list is made (the first requests may answer without it).
  for _ in $(seq 1 600); do
    curl -s -o "$body" "$base/resource?iri=$m"
    grep -q 'that link here is being made\|are being counted' "$body" || break
    sleep 0.1
  done
  mn=$(pages); mn=${mn:-1}
  measure "$more, page $mn of $mn (last)" "/resource?iri=$m&page=$mn"
  measure "$more, institution facet" "/resource?iri=$m&inst=$(enc "$institution")"
done
