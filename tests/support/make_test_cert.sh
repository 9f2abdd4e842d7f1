#!/usr/bin/env bash
# Makes a self-signed certificate for tests: CN=localhost with subjectAltName
# DNS:localhost and IP:127.0.0.1, written as cert.pem and key.pem into DIR (created if
# missing). Usage: make_test_cert.sh DIR. Prints DIR. Needs the openssl command.
set -euo pipefail
dir="${1:?usage: make_test_cert.sh DIR}"
mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
echo "$dir"
