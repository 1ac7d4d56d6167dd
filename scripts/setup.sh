#!/usr/bin/env bash
# Set up a fresh machine for bpss-kg: Debian packages the tests need (when run as root),
# a virtual environment in .venv, and the package with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in chromium fonts-wqy-microhei virtuoso-opensource; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

# The W3C SHACL test suite (w3c/data-shapes), as shipped in pySHACL's source distribution on
# PyPI, for the engine conformance tests (tests/test_w3c_shacl.py). Not committed: fetched here.
suite=.cache/shacl-test-suite
if [ ! -f "$suite/core/manifest.ttl" ]; then
  tmp=$(mktemp -d)
  .venv/bin/python -m pip download -q --no-deps --no-binary :all: -d "$tmp" pyshacl==0.40.1
  mkdir -p "$suite"
  tar -xzf "$tmp"/pyshacl-0.40.1.tar.gz -C "$tmp"
  cp -r "$tmp"/pyshacl-0.40.1/test/resources/sht_tests/. "$suite"/
  cp "$tmp"/pyshacl-0.40.1/LICENSE.txt "$suite"/PYSHACL-LICENSE.txt 2>/dev/null || true
  rm -rf "$tmp"
fi

# The W3C SPARQL 1.1 query-evaluation tests (w3c/rdf-tests), as shipped in rdflib's source
# distribution on PyPI, for the analytical engine's conformance run (tests/test_engine_w3c.py).
sparql_suite=.cache/sparql11-test-suite
if [ ! -f "$sparql_suite/aggregates/manifest.ttl" ]; then
  tmp=$(mktemp -d)
  .venv/bin/python -m pip download -q --no-deps --no-binary :all: -d "$tmp" rdflib==7.6.0
  mkdir -p "$sparql_suite"
  tar -xzf "$tmp"/rdflib-7.6.0.tar.gz -C "$tmp"
  cp -r "$tmp"/rdflib-7.6.0/test/data/suites/w3c/sparql11/. "$sparql_suite"/
  cp "$tmp"/rdflib-7.6.0/LICENSE "$sparql_suite"/RDFLIB-LICENSE 2>/dev/null || true
  rm -rf "$tmp"
fi
