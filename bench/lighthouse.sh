#!/usr/bin/env bash
# Lighthouse (npm, bench/lighthouse/package-lock.json) against Debian's Chromium, mobile
# emulation with simulated slow 4G (Lighthouse's default), on the pages the app touches.
# Prints: page, performance, accessibility, best practices, then the metrics behind the
# performance score (FCP and LCP in seconds, total blocking time in ms, CLS), the KiB transferred
# (the service worker's first caching included) and Lighthouse's CPU benchmark index of the run.
# TBT, and with it the score, follows the CPU the browser got: a loaded machine shows a low
# index and long tasks in parsing and layout, not in the pages' scripts.
# LH_CPU_SLOWDOWN=n replaces Lighthouse's 4x CPU slowdown, which assumes a desktop-class CPU:
# on a machine whose benchmark index shows it is already a few times slower (a shared, loaded
# one), a smaller multiplier stands for the same phone. The README's figures are at the default.
# Lighthouse 13 has no installability audit any more: the browser test
# txng/pwa/tests/test_browser.py asks Chromium itself (Page.getInstallabilityErrors).
#
#   make demo                       # in another terminal (npm present: the decoder is built)
#   bash bench/lighthouse.sh [http://127.0.0.1:8000]
#
# Business pages (diary, receipt, activation) are measured logged in as the demo "business".
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-http://127.0.0.1:8000}
CHROME=${CHROMIUM:-/usr/bin/chromium}
command -v npm >/dev/null || { echo "npm is needed for Lighthouse"; exit 1; }
(cd bench/lighthouse && [ -d node_modules/lighthouse ] || npm ci --no-audit --no-fund --loglevel=error)
LH=bench/lighthouse/node_modules/.bin/lighthouse
# LH_REPORTS=dir keeps each page's full JSON report there.
OUT=${LH_REPORTS:-$(mktemp -d /tmp/txng-lh.XXXXXX)}
mkdir -p "$OUT"
[ -n "${LH_REPORTS:-}" ] || trap 'rm -rf "$OUT"' EXIT

mapfile -t LINES < <(DEBUG=1 .venv/bin/python bench/lighthouse_pages.py)
printf '%-11s %5s %5s %5s %6s %6s %6s %6s %6s %6s\n' page perf a11y bp FCP LCP TBT CLS KiB cpu
for line in "${LINES[@]}"; do
  read -r name path cookie <<<"$line"
  headers='{}'
  [ "$cookie" != - ] && headers="{\"Cookie\": \"$cookie\"}"
  CHROME_PATH=$CHROME "$LH" "$BASE$path" --quiet --output=json --output-path="$OUT/$name.json" \
    --only-categories=performance,accessibility,best-practices \
    ${LH_CPU_SLOWDOWN:+--throttling.cpuSlowdownMultiplier=$LH_CPU_SLOWDOWN} \
    --extra-headers="$headers" \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run" \
    >/dev/null 2>"$OUT/$name.log" || { echo "$name: lighthouse failed (see below)"; tail -5 "$OUT/$name.log"; continue; }
  node -e '
    const r = require(process.argv[1]); const c = r.categories, a = r.audits;
    const s = k => c[k] ? Math.round(c[k].score * 100) : "-";
    const v = k => a[k] ? a[k].numericValue : NaN;
    const cells = [s("performance"), s("accessibility"), s("best-practices")].map(x => String(x).padStart(5));
    cells.push((v("first-contentful-paint") / 1000).toFixed(2).padStart(6),
      (v("largest-contentful-paint") / 1000).toFixed(2).padStart(6),
      String(Math.round(v("total-blocking-time"))).padStart(6),
      v("cumulative-layout-shift").toFixed(3).padStart(6),
      String(Math.round(v("total-byte-weight") / 1024)).padStart(6),
      String(Math.round(r.environment.benchmarkIndex)).padStart(6));
    console.log([process.argv[2].padEnd(11), ...cells].join(" "));
  ' "$OUT/$name.json" "$name"
done
