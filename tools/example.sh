#!/bin/sh
# The main job on the bundled example data: validate the case file, then
# aggregate it into the monthly panel.  Output goes to ./mnr-report/.
# Usage: tools/example.sh PATH/TO/mnrstat
set -eu
M=$1
here=$(cd "$(dirname "$0")/.." && pwd)
cases=$here/datasets/example/cases.csv
out=${MNR_OUT:-mnr-report}
mkdir -p "$out"
echo "== mnrstat check $cases"
# check exits 65 when a rule fails (e.g. small k-anonymity groups); the
# example is synthetic, so the report is shown and the run goes on.
"$M" check "$cases" || test $? = 65
echo "== mnrstat aggregate -> $out/panel.csv"
"$M" aggregate "$cases" -o "$out/panel.csv"
echo "wrote $out/panel.csv ($(wc -l < "$out/panel.csv") lines)"
