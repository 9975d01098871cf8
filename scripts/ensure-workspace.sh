# Sourced by the other scripts: Node 24 on PATH, npm dependencies installed, TypeScript built.
# Each step is skipped when already done, so repeated runs cost a second or two.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
# kafkajs trips Node 24's negative-timeout warning; node:sqlite is still flagged
# experimental. Both are known and harmless; keep the output readable.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning --disable-warning=ExperimentalWarning"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "sitrep: installing npm dependencies" >&2
  # Not `npm ci`: the lockfile cannot list the optional platform binaries of other operating
  # systems (turbo's darwin/windows builds) when the registry in use does not serve them, and
  # `npm ci` refuses such a lockfile. `npm install` honours the lockfile for everything it lists.
  npm install --no-audit --no-fund --loglevel=error >&2
fi
if [ "${SITREP_SKIP_BUILD:-}" != "1" ]; then
  npx --no-install tsc -b
fi
