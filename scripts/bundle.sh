#!/usr/bin/env bash
# The production bundle the container images ship: the `sitrep` program and every dependency it
# imports in one ESM file (plus nothing else: no dev dependencies, no sources, no node_modules).
# Usage: scripts/bundle.sh [out-dir]   (default dist/bundle)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/ensure-workspace.sh
out="${1:-dist/bundle}"
mkdir -p "$out"
# CommonJS dependencies (kafkajs, pg, express) call require(): give the ESM bundle one.
# pg-native is pg's optional C binding, never used here.
npx --no-install esbuild packages/cli/bin/sitrep.js \
  --bundle --platform=node --format=esm --target=node22.12 \
  --outfile="$out/sitrep.mjs" \
  --external:pg-native \
  --banner:js="import { createRequire as __sitrepRequire } from 'node:module'; const require = __sitrepRequire(import.meta.url);" \
  --legal-comments=external --log-level=warning
# The web UI's browser script, bundled as the recorder does at start in development
# (services/recorder/src/ui/assets.ts); the recorder serves it from beside sitrep.mjs.
npx --no-install esbuild services/recorder/dist/ui/client/main.js \
  --bundle --platform=browser --format=esm --target=es2022 --minify \
  --outfile="$out/sitrep-ui.js" --legal-comments=none --log-level=warning
echo "sitrep: bundle at $out/sitrep.mjs ($(du -h "$out/sitrep.mjs" | cut -f1))" >&2
