#!/usr/bin/env bash
# The SPARQL endpoint checked with curl: `crosswalk serve` (the debug build) over a store loaded
# from tests/data/sparql/fixture.nq, on a free loopback port, with a 0.5 s timeout and a limit
# of 3 results; the server is stopped at the end. Run from anywhere after `cargo build` (or
# `cargo test`); CROSSWALK_BIN overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CROSSWALK_BIN:-${CARGO_TARGET_DIR:-target}/debug/crosswalk}"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" load --store "$work/store" tests/data/sparql/fixture.nq
"$bin" serve --store "$work/store" --bind 127.0.0.1:0 --timeout 0.5 --limit 3 2>"$work/serve.log" &
pid=$!
url=""
for _ in $(seq 100); do
  url="$(grep -o 'http://[^ ]*/sparql' "$work/serve.log" || true)"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
case "$url" in http://127.0.0.1:*) ;; *) echo "not on loopback: $url" >&2; exit 1 ;; esac

failed=0
checks=0
# request NAME EXPECTED_STATUS BODY_PATTERN CURL_ARGS...: the status, and a fixed string that
# the body (or, for a pattern starting with "header:", the headers) must hold.
request() {
  local name="$1" want="$2" pattern="$3"
  shift 3
  checks=$((checks + 1))
  local status
  status="$(curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@")"
  local where="$work/body" text="$pattern"
  case "$pattern" in header:*) where="$work/headers"; text="${pattern#header:}" ;; esac
  if [ "$status" != "$want" ] || ! grep -qiF -- "$text" "$where"; then
    echo "FAIL $name: status $status (want $want), looking for: $text" >&2
    sed 's/^/  | /' "$work/headers" "$work/body" >&2
    failed=$((failed + 1))
  else
    echo "ok   $name"
  fi
}

titles='PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?r ?title WHERE { ?r dcterms:title ?title } ORDER BY ?r'
walden='PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?title WHERE { <https://w3id.org/crosswalk/uva/r2> dcterms:title ?title }'
construct='CONSTRUCT WHERE { <https://w3id.org/crosswalk/uva/r2> ?p ?o }'
slow='SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }'

request "SELECT as JSON" 200 '"value":"Walden","xml:lang":"en"' \
  -G "$url" --data-urlencode "query=$walden" -H 'Accept: application/sparql-results+json'
request "SELECT as XML" 200 '<literal xml:lang="en">Walden</literal>' \
  -G "$url" --data-urlencode "query=$walden" -H 'Accept: application/sparql-results+xml'
request "SELECT as CSV" 200 'title' \
  -G "$url" --data-urlencode "query=$walden" -H 'Accept: text/csv'
request "SELECT as TSV" 200 '"Walden"@en' \
  -G "$url" --data-urlencode "query=$walden" -H 'Accept: text/tab-separated-values'
request "CORS header" 200 'header:access-control-allow-origin: *' \
  -G "$url" --data-urlencode "query=$walden"
request "ASK" 200 '"boolean":true' \
  -G "$url" --data-urlencode 'query=ASK { ?s ?p ?o }'
request "CONSTRUCT as N-Triples" 200 '<https://w3id.org/crosswalk/uva/r2> <http://purl.org/dc/terms/title> "Walden"@en .' \
  -G "$url" --data-urlencode "query=$construct" -H 'Accept: application/n-triples'
request "CONSTRUCT as Turtle" 200 'dcterms:title "Walden"@en' \
  -G "$url" --data-urlencode "query=$construct" -H 'Accept: text/turtle'
request "CONSTRUCT as JSON-LD" 200 '"dcterms:title": {"@value": "Walden", "@language": "en"}' \
  -G "$url" --data-urlencode "query=$construct" -H 'Accept: application/ld+json'
request "POST application/sparql-query" 200 '"Walden"@en' \
  "$url" -H 'Content-Type: application/sparql-query' -H 'Accept: text/tab-separated-values' \
  --data-binary "$walden"
request "POST form" 200 '"Walden"@en' \
  "$url" -H 'Accept: text/tab-separated-values' --data-urlencode "query=$walden"
request "UPDATE as form refused" 403 'read-only' \
  "$url" --data-urlencode 'update=INSERT DATA { <http://example.org/s> <http://example.org/p> "x" }'
request "UPDATE as body refused" 403 'read-only' \
  "$url" -H 'Content-Type: application/sparql-update' --data-binary 'CLEAR ALL'
request "nothing was changed" 200 '"boolean":false' \
  -G "$url" --data-urlencode 'query=ASK { ?s ?p "x" }'
request "malformed query" 400 'line 2, column' \
  -G "$url" --data-urlencode 'query=SELECT * WHERE {
  ?s ?p }'
request "timeout" 503 'timed out' \
  -G "$url" --data-urlencode "query=$slow"
request "result limit" 200 'header:x-crosswalk-truncated: true' \
  -G "$url" --data-urlencode "query=$titles" -H 'Accept: text/csv'
lines="$(wc -l <"$work/body")"
checks=$((checks + 1))
if [ "$lines" -eq 4 ]; then echo "ok   result limit: header and 3 rows"; else
  echo "FAIL result limit: $lines lines" >&2; failed=$((failed + 1)); fi
request "unacceptable Accept" 406 'offered' \
  -G "$url" --data-urlencode "query=$walden" -H 'Accept: image/png'

echo "$((checks - failed)) of $checks endpoint checks passed"
[ "$failed" -eq 0 ]
