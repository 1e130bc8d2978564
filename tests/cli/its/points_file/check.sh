#!/bin/sh
# --points writes one row per month of the range, in the layout of
# 'mnrstat plot its'; the counterfactual is empty before the intervention
# and present from it on.
set -eu
p=$TMP/points.csv
[ "$(head -1 "$p")" = "month,observed,fitted,counterfactual,cf_low,cf_high,segment" ]
[ "$(wc -l < "$p")" -eq 157 ]
awk -F, 'NR > 1 && $1 < "2015-06" && ($4 != "" || $7 != 0) { exit 1 }
	 NR > 1 && $1 >= "2015-06" && ($4 == "" || $5 == "" || $7 != 1) { exit 1 }
	 NR > 1 && $1 >= "2015-06" && !($5 + 0 < $4 + 0 && $4 + 0 < $6 + 0) { exit 1 }' "$p"
grep -q '^GBR,reports_total,negbin,classic,level_change,' "$TMP/fit.csv"
