# Sourced by the other scripts: Node 24 on PATH, npm dependencies installed, TypeScript built.
# Each step is skipped when already done, so repeated runs cost a second or two.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
# kafkajs trips Node 24's negative-timeout warning; node:sqlite is still flagged
# experimental. Both are known and harmless; keep the output readable.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning --disable-warning=ExperimentalWarning"

# npm writes node_modules/.package-lock.json after every install; a lockfile newer than it (a pull,
# a checkout) means node_modules may be out of date.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "sitrep: installing npm dependencies (npm ci)" >&2
  # `npm ci` installs exactly the lockfile, which lists every platform's optional binaries, and
  # fails when it and a package.json disagree instead of quietly rewriting it. It deletes
  # node_modules first, hence only when the check above says an install is needed.
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
if [ "${SITREP_SKIP_BUILD:-}" != "1" ]; then
  npx --no-install tsc -b
fi
