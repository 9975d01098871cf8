#!/usr/bin/env bash
# `npm test`: typecheck, lint, format check, then the unit, integration (real Kafka) and
# end-to-end (real Kafka, Alertmanager, Chromium) tiers. Prints one "N passed, N failed" line per
# tier and a total at the end. The fault tier (three brokers of its own, processes killed and
# frozen) runs last; SITREP_TEST_FAULTS=0 leaves it out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
. scripts/ensure-workspace.sh

export TURBO_TELEMETRY_DISABLED=1
export TURBO_CACHE_DIR="${TURBO_CACHE_DIR:-$SITREP_CACHE_DIR/turbo}"
npx --no-install turbo run build typecheck lint --output-logs=errors-only --concurrency=2
npx --no-install prettier --check . >/dev/null || { npx --no-install prettier --check .; exit 1; }

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
tiers="unit integration e2e"
if [ "${SITREP_TEST_FAULTS:-1}" != 0 ]; then tiers="$tiers faults"; fi
for tier in $tiers; do
  echo "=== $tier tests ==="
  npx --no-install vitest run --project "$tier" --reporter=default --reporter=json \
    --outputFile.json="$results/$tier.json" || status=1
done

node -e '
  const fs = require("node:fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const tier of process.argv[2].split(" ")) {
    const file = `${process.argv[1]}/${tier}.json`;
    if (!fs.existsSync(file)) { console.log(`${tier}: no report (the run crashed)`); failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    const s = r.numPendingTests + r.numTodoTests;
    console.log(`${tier}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${s} skipped`);
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += s;
  }
  console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (passed === 0) { console.log("no test ran"); process.exit(1); }
  process.exit(failed > 0 ? 1 : 0);
' "$results" "$tiers" || status=1
exit $status
