#!/usr/bin/env bash
# Entry point behind `npm start`, `npm run kafka`, `npm run demo` and friends: works on a fresh machine (it fetches
# Node 24 and the dependencies on first use), then runs the named program.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-workspace.sh

command="${1:-start}"
shift || true
case "$command" in
  kafka) exec node packages/testkit/dist/kafka-cli.js "$@" ;;
  bench-ingest) exec node bench/ingest/run.ts "$@" ;;
  bench-correlate) exec node --expose-gc bench/correlate/run.ts "$@" ;;
  bench-record) exec node --expose-gc bench/record/run.ts "$@" ;;
  bench-compare) exec node bench/compare/run.ts "$@" ;;
  demo) exec node --disable-warning=ExperimentalWarning packages/simulator/dist/demo.js "$@" ;;
  *) exec node --disable-warning=ExperimentalWarning packages/cli/bin/sitrep.js "$command" "$@" ;;
esac
