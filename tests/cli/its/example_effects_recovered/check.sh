#!/bin/sh
# The example data's built-in effect on reports (datasets/example/effects.csv:
# level ratio 1.25 and a log slope change of 0.003 a month at each adopter's
# start) is recovered by its: the 95% intervals of exp(level_change) and
# slope_change from the negative-binomial model with the population offset
# and one Fourier pair (the generator's own form) contain the truth for all
# six adopters.  A never-adopter given a placebo date shows no level change.
set -eu
"$MNRSTAT" aggregate -q --population "$SRC/datasets/example/population.csv" \
	-o "$TMP/panel.csv" "$SRC/datasets/example/cases.csv"
check() { # country start truth_ratio truth_slope
	"$MNRSTAT" its "$TMP/panel.csv" --metric reports_total --country "$1" \
		--intervention "$2" --model negbin --offset population \
		--seasonality fourier:1 --format csv > "$TMP/$1.csv"
	awk -F, -v c="$1" -v r="$3" -v s="$4" '
		$5 == "level_change" { lv = ($12 < r && r < $13) }
		$5 == "slope_change" { sl = ($8 < s && s < $9) }
		END { if (!lv || !sl) { print c ": truth outside the interval"; exit 1 } }' \
		"$TMP/$1.csv"
}
check GBR 2015-06 1.25 0.003
check KEN 2016-09 1.25 0.003
check ALB 2017-11 1.25 0.003
check PHL 2018-07 1.25 0.003
check NAM 2019-10 1.25 0.003
check ISL 2021-01 1.25 0.003
check BRA 2018-01 1 0
