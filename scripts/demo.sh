#!/usr/bin/env bash
# `make demo`: the chapter's laboratory on the embedded delay server, in about a minute:
# the crawlers in every concurrency style (Table 8-1), a short concurrency sweep
# (Figure 8-3), the CPU + I/O workload in every mode (Table 8-2's setting, Figures
# 8-9 to 8-11), then one HTML report of it all. Results go to demo-results/.
set -euo pipefail
overlap=${1:-build/bin/overlap}
results=${DEMO_RESULTS:-demo-results}
report=${DEMO_REPORT:-report.html}
mkdir -p "$results"
say() { printf '\n== %s\n' "$*"; }

say "overlap crawl --strategy all -n 1000 -c 100 --delay 100 (the book's Table 8-1; serial runs 100 requests and is scaled up, as the book did)"
"$overlap" crawl --strategy all -n 1000 -c 100 --delay 100 \
  --json "$results/crawl.json" --timeline "$results/crawl_timeline.json"

say "overlap sweep --delays 50,100 -n 100 --concurrency 5,10,25,50,100 (a short Figure 8-3)"
"$overlap" sweep --delays 50,100 -n 100 --concurrency 5,10,25,50,100 --json "$results/sweep.json" 2>/dev/null

say "overlap workload --mode all -n 50 --difficulty 8,9,10 (bcrypt, each hash saved with a 100 ms POST; every mode at each cost, Figures 8-10 and 8-11)"
"$overlap" workload --mode all -n 50 --difficulty 8,9,10 \
  --json "$results/workload.json" --timeline "$results/workload_timeline.json"

say "overlap report: every figure in one page"
"$overlap" report "$results"/crawl.json "$results"/crawl_timeline.json "$results"/sweep.json \
  "$results"/workload.json "$results"/workload_timeline.json -o "$report"
echo "open it in a browser: it needs no network and no file beside it."
