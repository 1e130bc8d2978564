#!/bin/sh
# A released panel (36 small counts + discrete Gaussian noise of variance 1,
# made by `mnrstat release --rho 1/2 --insecure-seed 11`, NOT PRIVATE;
# month 2021-01 is negative): poisson and quasipoisson fit it and say how
# the noise was accounted for (text and JSON); ignoring it is not an
# option of the CLI; negbin refuses the negative released value and points
# to the models that account for the noise.
set -eu
grep -q '"code": *"privacy-noise"' "$TMP/out.json" ||
	{ echo "json: no privacy-noise warning"; exit 1; }
grep -q 'is added to the model.s (var y = mu + s) in a sandwich covariance' "$TMP/out.json" ||
	{ echo "json: the poisson noise method is not stated"; exit 1; }
"$MNRSTAT" its "$CASE/released.csv" --metric reports_total --country ISL \
	--intervention 2020-07 --model quasipoisson > "$TMP/q.txt"
grep -q 'privacy noise accounted for: its known variance s is added to the model.s (var y = phi mu + s, phi estimated net of s)' "$TMP/q.txt" ||
	{ echo "text: quasipoisson noise method not stated"; exit 1; }
"$MNRSTAT" its "$CASE/released.csv" --metric reports_total --country ISL \
	--intervention 2020-07 --model ols > "$TMP/o.txt"
grep -q 'privacy noise accounted for: the residual variance is estimated from the released values' "$TMP/o.txt" ||
	{ echo "text: ols noise handling not stated"; exit 1; }
st=0
"$MNRSTAT" its "$CASE/released.csv" --metric reports_total --country ISL \
	--intervention 2020-07 --model negbin > "$TMP/n.txt" 2> "$TMP/n.err" || st=$?
[ "$st" -eq 65 ] || { echo "negbin: exit $st, want 65"; exit 1; }
grep -q 'released value is negative (privacy noise); negbin needs non-negative counts: use poisson or quasipoisson' "$TMP/n.err" ||
	{ echo "negbin: refusal does not name the noise"; exit 1; }
# The sensitivity grid fits the count models on the released values.
"$MNRSTAT" its "$CASE/released.csv" --metric reports_total --country ISL \
	--intervention 2020-07 --model poisson --sensitivity --format csv > "$TMP/s.csv"
grep -q '^.*poisson.*classic' "$TMP/s.csv" || { echo "sensitivity: no poisson row"; exit 1; }
