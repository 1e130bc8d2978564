#!/bin/sh
# Browser test of the report (issue 6, item 4): build the report of the
# bundled example with the real mnrstat and gnuplot, open report.html in
# headless Chromium (Debian's chromium package) and fail on console errors,
# external requests, blank charts or a page that scrolls sideways on a
# phone.  Screenshots are kept in OUTDIR (desktop.png, phone.png,
# chart.png) for people to look at.
# Exit 77 (skipped) when chromium, node or gnuplot is missing.
# Usage: report_browser.sh MNRSTAT SRC_DIR OUTDIR
set -u
MNRSTAT=$1
SRC=$2
OUT=$3
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	echo "SKIP: chromium not installed (apt-get install chromium)"
	exit 77
fi
if ! command -v node > /dev/null 2>&1; then
	echo "SKIP: node not installed"
	exit 77
fi
if ! command -v gnuplot > /dev/null 2>&1; then
	echo "SKIP: gnuplot not installed"
	exit 77
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrbrowser.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
MNR_DATADIR=$SRC/datasets "$MNRSTAT" report --out-dir "$TMP/report" \
	> "$TMP/out" 2>&1 || { cat "$TMP/out"; echo "FAIL: report"; exit 1; }
mkdir -p "$OUT"
node "$SRC/tests/browser/check_report.js" "$chromium" \
	"$TMP/report/report.html" "$OUT"
