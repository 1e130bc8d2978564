#!/bin/sh
# The main job on the bundled SYNTHETIC example data: one command builds the
# evaluator's report (all countries, staggered adoption, differentially
# private by default) into ./mnr-report/ (or $MNR_OUT).
# Usage: tools/example.sh PATH/TO/mnrstat
set -eu
M=$1
out=${MNR_OUT:-mnr-report}
echo "== mnrstat report --out-dir $out   (bundled SYNTHETIC example)"
start=$(date +%s.%N 2> /dev/null || date +%s)
"$M" report --out-dir "$out"
end=$(date +%s.%N 2> /dev/null || date +%s)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo
echo "The report is in $out/ (made in $secs s):"
echo "  open $(cd "$out" && pwd)/report.html in a browser,"
echo "  or read $out/report.md; every number is in $out/results.json."
