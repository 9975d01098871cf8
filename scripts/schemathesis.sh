#!/usr/bin/env bash
# schemathesis, the OpenAPI fuzzer the e2e tier runs against both services, from PyPI at a pinned
# version with every dependency pinned too (scripts/schemathesis-constraints.txt: the same
# generator under the same seed makes the same cases), in a virtual environment cached under
# $SITREP_CACHE_DIR/tools. Prints SCHEMATHESIS=path for the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
SCHEMATHESIS_VERSION=4.32.5
cache="${SITREP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sitrep}/tools"
venv="$cache/schemathesis-$SCHEMATHESIS_VERSION-$(sha256sum scripts/schemathesis-constraints.txt | cut -c1-12)"
if [ ! -f "$venv/.installed" ]; then
  echo "sitrep: installing schemathesis $SCHEMATHESIS_VERSION from PyPI (once; cached in $venv)" >&2
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --constraint scripts/schemathesis-constraints.txt "schemathesis==$SCHEMATHESIS_VERSION" >&2
  touch "$venv/.installed"
fi
echo "SCHEMATHESIS=$venv/bin/schemathesis"
