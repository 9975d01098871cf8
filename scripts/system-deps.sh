#!/usr/bin/env bash
# Debian packages the test suites need: a JDK (the Kafka broker), Maven (fetches the broker from
# Maven Central), Alertmanager (end-to-end tests), Prometheus and promtool (the recorder's impact
# tests, which backfill series into their own server) and PostgreSQL (the recorder's store tests,
# which start their own throw-away cluster), python3-venv (the OpenAPI fuzzer's environment), wrk
# (the load generator of npm run bench:compare).
# Installed only when missing.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# The deploy-file checks (scripts/deploy-tools.sh) build kubeconform and Docker Compose with Go
# and take the Kubernetes schemas from PyPI.
command -v go >/dev/null 2>&1 || [ -x /usr/local/go/bin/go ] || missing+=(golang-go)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
# The OpenAPI fuzzer (scripts/schemathesis.sh) lives in a virtual environment; Debian splits venv
# (and the ensurepip it needs) out of python3.
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
# The Kafka TLS tests make their CA and broker certificate with openssl (not in a bare Debian).
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# The web UI's browser tests (test/ui) drive Debian's Chromium with playwright-core; no browser download.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "sitrep: missing Debian packages: ${missing[*]}; install them (as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "sitrep: installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# Debian's package starts a service; our tests run their own instance with their own config.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus-alertmanager >/dev/null 2>&1 || true; fi
pkill -f '^/usr/bin/prometheus-alertmanager' 2>/dev/null || true
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
# Anchored on the space or end after the name: the pattern must not match prometheus-alertmanager.
pkill -f '^/usr/bin/prometheus( |$)' 2>/dev/null || true
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
