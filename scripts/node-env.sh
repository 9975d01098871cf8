# Source this file (". scripts/node-env.sh") to put Node.js 24 first on PATH.
#
# The machines we build on ship an end-of-life Node 20. Rather than depend on nvm or a download
# host, we take Node from the npm registry: the `node` package ships the official binary for the
# platform. It is cached outside the repository so later runs on the same machine reuse it.
SITREP_NODE_VERSION="${SITREP_NODE_VERSION:-24.9.0}"
SITREP_CACHE_DIR="${SITREP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sitrep}"

sitrep_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(sitrep_node_major)" -lt 22 ] || { [ "$(sitrep_node_major)" -eq 22 ] && [ "$(node -p '+process.versions.node.split(".")[1]')" -lt 12 ]; }; then
  _sitrep_node_prefix="$SITREP_CACHE_DIR/node/$SITREP_NODE_VERSION"
  _sitrep_node_bin="$_sitrep_node_prefix/node_modules/node/bin"
  if [ ! -x "$_sitrep_node_bin/node" ] || ! "$_sitrep_node_bin/node" --version >/dev/null 2>&1; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "sitrep: npm is needed to fetch Node.js $SITREP_NODE_VERSION; install Debian's npm package first" >&2
      return 1 2>/dev/null || exit 1
    fi
    echo "sitrep: fetching Node.js $SITREP_NODE_VERSION from the npm registry into $_sitrep_node_prefix" >&2
    mkdir -p "$_sitrep_node_prefix"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_sitrep_node_prefix" "node@$SITREP_NODE_VERSION" >&2 \
      || { echo "sitrep: could not install node@$SITREP_NODE_VERSION" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_sitrep_node_bin:$PATH"
  unset _sitrep_node_prefix _sitrep_node_bin
fi
# npm's own shebang uses `env node`, so with PATH set above npm also runs on Node 24.
export SITREP_CACHE_DIR
