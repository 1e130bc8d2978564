#!/bin/sh
# A released panel (small counts + discrete Gaussian noise of variance 1,
# `mnrstat release --rho 1/2 --insecure-seed 11`, NOT PRIVATE) with a
# negative released month: still a count series; the rate ratio's Wald and
# quasi-Poisson intervals include the noise variance (18 months a side of
# variance 0.99999979 each: V = 17.999996) and the output says how.
set -eu
grep -q '"kind": "count"' "$TMP/out.json" || { echo "not a count series"; exit 1; }
grep -q 'privacy noise accounted for: its known variance is added to the Wald interval' "$TMP/out.json" ||
	{ echo "json: noise method not stated"; exit 1; }
# Wald standard error: sqrt((34 + V)/34^2 + (39 + V)/39^2).
awk '/"term": "rate_ratio_wald"/ { w = 1 } w && /"std_error"/ {
	gsub(/[^0-9.eE-]/, "", $2); v = 18 * 0.9999997887677281
	want = sqrt((34 + v) / 34^2 + (39 + v) / 39^2)
	if ((($2 - want) / want)^2 > 1e-20) { print "wald se " $2 " want " want; exit 1 }
	exit 0 }' "$TMP/out.json"
"$MNRSTAT" compare "$CASE/released.csv" --metric reports_total --country ISL \
	--intervention 2020-07 > "$TMP/t.txt"
grep -q 'the exact interval cannot include it' "$TMP/t.txt" ||
	{ echo "text: noise note missing"; exit 1; }
