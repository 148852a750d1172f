#!/usr/bin/env bash
# Installs the system packages crosswalk needs on a fresh Debian/Ubuntu machine, and nothing when
# they are there already. Used by the README's two commands and by .ci/run.
#   libclang-dev, g++, make: oxigraph builds RocksDB from C++ and binds it with bindgen;
#   libxml2-utils (xmllint): independent element counts in the EAD/DC corpus tests;
#   yaz (yaz-marcdump): the oracle cross-checks of the MARC tests;
#   curl: the SPARQL endpoint test script;
#   chromium, chromium-driver, nodejs, npm: the browser tests of the pages (tests/browser/), which
#   drive Debian's Chromium headless with playwright-core and check it with axe-core, both
#   installed from tests/browser/package-lock.json (npm ci) when not there yet.
#   virtuoso-opensource (Virtuoso 7: virtuoso-t, isql-vt): the remote-store tests start one on
#   loopback with a throw-away database (tests/remote.rs, docs/remote-store.md).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
need=()
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v yaz-marcdump >/dev/null 2>&1 || need+=(yaz)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    sudo="sudo"
  fi
  echo "tools/setup.sh: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The browser tests' npm packages, as locked; again only when the lock file changed.
browser="$here/tests/browser"
if [ ! -f "$browser/node_modules/.package-lock.json" ] \
   || [ "$browser/package-lock.json" -nt "$browser/node_modules/.package-lock.json" ]; then
  echo "tools/setup.sh: npm ci in tests/browser" >&2
  (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
