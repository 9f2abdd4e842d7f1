#!/usr/bin/env bash
# Renders the README's pictures of `overlap report` with headless Chromium:
# docs/images/report-*.png, from generated fixtures by default
# (tests/report/make_fixtures.py: a model of each strategy, not a measurement), or from
# a directory of real result files (the README's come from `make demo`'s demo-results/).
# usage: scripts/report_pictures.sh [OVERLAP] [INPUT_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
overlap=$(realpath "${1:-$root/build/bin/overlap}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=${2:-}
if [ -z "$inputs" ]; then
  inputs=$work/inputs
  python3 "$root/tests/report/make_fixtures.py" "$inputs" --requests 100000
fi
(cd "$inputs" && "$overlap" report ./*.json -o "$work/report.html" >/dev/null) # short names on the page
mkdir -p "$root/docs/images"

# shot NAME SECTIONS HEIGHT: the page showing only SECTIONS, 1400 px wide.
shot() {
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" --hide-scrollbars \
    --virtual-time-budget=30000 --window-size=1400,"$3" --screenshot="$root/docs/images/report-$1.png" \
    "file://$work/report.html?only=$2" >/dev/null 2>&1
  echo "docs/images/report-$1.png"
}
shot crawl crawl,timelines 1480
shot sweep sweep 720
shot workload workload,workload-timelines 1560
