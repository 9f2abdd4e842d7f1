#!/usr/bin/env bash
# `make bench`: every benchmark in turn, markdown on stdout, progress on stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for script in crawl_bench.sh crawl_peers.sh serve_bench.sh open_model_bench.sh shard_bench.sh; do
    echo "<!-- bench/$script -->"
    bash "$here/$script"
    echo
done
