#!/usr/bin/env bash
# Installs the system packages crosswalk needs on a fresh Debian/Ubuntu machine, and nothing when
# they are there already. Used by the README's two commands and by .ci/run.
#   libclang-dev, g++, make: oxigraph builds RocksDB from C++ and binds it with bindgen;
#   libxml2-utils (xmllint): independent element counts in the EAD/DC corpus tests;
#   yaz (yaz-marcdump): the oracle cross-checks of the MARC tests;
#   curl: the SPARQL endpoint test script;
#   virtuoso-opensource (Virtuoso 7: virtuoso-t, isql-vt): the remote-store tests start one on
#   loopback with a throw-away database (tests/remote.rs, docs/remote-store.md).
set -euo pipefail
need=()
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v yaz-marcdump >/dev/null 2>&1 || need+=(yaz)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  sudo="sudo"
fi
echo "tools/setup.sh: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}" >/dev/null
