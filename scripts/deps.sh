#!/usr/bin/env bash
# Installs the Debian packages overlap builds and tests with, and the npm packages of
# the report page (web/, pinned by web/package-lock.json). Idempotent: it asks apt only
# for what is missing and runs npm ci only when web/node_modules is missing or older
# than the lockfile, so a second run costs a second or so.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-context1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libssl-dev openssl libcrypt-dev libcli11-dev libgtest-dev libsqlite3-dev
  python3 curl
  nginx-light
  nodejs npm
  chromium fonts-dejavu-core
  clang libclang-rt-dev
  libopenmpi-dev openmpi-bin
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm may come from elsewhere than Debian (a newer Node): take them if present.
if command -v node >/dev/null && command -v npm >/dev/null; then
  kept=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || kept+=("$p"); done
  missing=("${kept[@]}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The report page's charting library, exactly as web/package-lock.json pins it.
web="$(cd "$(dirname "$0")/.." && pwd)/web"
if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
  echo "deps: npm ci in web/"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
