#!/usr/bin/env bash
# The tools that check deploy/: kubeconform and Docker Compose (built from the Go module proxy)
# and the Kubernetes JSON schemas (strict variant, from PyPI's kubernetes-validate wheel: the
# schema host kubeconform uses by default is not reachable from CI). Cached under
# $SITREP_CACHE_DIR/tools; prints NAME=path lines for the tests.
set -euo pipefail
cache="${SITREP_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sitrep}/tools"
KUBECONFORM_VERSION=v0.6.7
COMPOSE_VERSION=v2.32.4
SCHEMA_PACKAGE_VERSION=1.37.0
K8S_VERSION=v1.33.0
[ -d /usr/local/go/bin ] && export PATH="/usr/local/go/bin:$PATH"
mkdir -p "$cache"

go_tool() { # module@version, binary name in the cache, name go gives it
  local target="$cache/$2-$3"
  if [ ! -x "$target" ]; then
    echo "sitrep: building $1 (once; cached in $cache)" >&2
    local gobin; gobin="$(mktemp -d)"
    GOBIN="$gobin" GOFLAGS=-mod=mod go install "$1" >&2
    mv "$gobin/$4" "$target"
    rm -rf "$gobin"
  fi
  echo "$target"
}

kubeconform="$(go_tool "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION" kubeconform "$KUBECONFORM_VERSION" kubeconform)"
compose="$(go_tool "github.com/docker/compose/v2/cmd@$COMPOSE_VERSION" docker-compose "$COMPOSE_VERSION" cmd)"

schemas="$cache/kubernetes-json-schema-$SCHEMA_PACKAGE_VERSION"
if [ ! -d "$schemas/$K8S_VERSION-local-strict" ]; then
  echo "sitrep: fetching Kubernetes JSON schemas (kubernetes-validate $SCHEMA_PACKAGE_VERSION from PyPI)" >&2
  wheel_dir="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --dest "$wheel_dir" "kubernetes-validate==$SCHEMA_PACKAGE_VERSION" >&2
  unzip -q -o "$wheel_dir"/*.whl "kubernetes_validate/kubernetes-json-schema/$K8S_VERSION-local-strict/*" -d "$wheel_dir/x"
  mkdir -p "$schemas"
  mv "$wheel_dir/x/kubernetes_validate/kubernetes-json-schema/$K8S_VERSION-local-strict" "$schemas/"
  rm -rf "$wheel_dir"
  # The schemas refer to their shared definitions as /api/_definitions.json; kubeconform compiles
  # each schema without a base location, so point those references at the file itself.
  dir="$schemas/$K8S_VERSION-local-strict"
  sed -i "s#\"/api/_definitions.json\##\"file://$dir/_definitions.json\##g" "$dir"/*.json
fi

echo "KUBECONFORM=$kubeconform"
echo "DOCKER_COMPOSE=$compose"
echo "K8S_SCHEMA_LOCATION=$schemas/$K8S_VERSION-local-strict/{{ .ResourceKind }}{{ .KindSuffix }}.json"
