#!/usr/bin/env bash
# Installs the Debian packages overlap builds and tests with. Idempotent: it asks
# apt only for what is missing, so a second run costs a second or so.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost1.81-dev libboost-context1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libcurl4-openssl-dev libcrypt-dev libcli11-dev libgtest-dev libsqlite3-dev
  python3 curl
  clang libclang-rt-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
