#!/bin/sh
# End-to-end: on the bundled SYNTHETIC example (six adopters at staggered
# dates, six never adopting) `mnrstat did` recovers the built-in effect on
# monthly reports per 100 000: the Callaway & Sant'Anna overall effect's
# interval holds the true value, computed here in awk from effects.csv and
# population.csv (rate effect = counterfactual rate x (1.25 e^(0.003 k) - 1),
# averaged over each cohort's post months, then over the six cohorts).
# The panel comes from the independent awk count of example_content.sh.
# usage: example_recovers.sh MNRSTAT SRC_DIR
set -eu
M=$1
SRC=$2
EX=$SRC/datasets/example
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrdid.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

sh "$SRC/tests/unit/example_content.sh" "$EX" --counts > "$TMP/counts.csv"
LC_ALL=C awk -F, 'NR == FNR { if (FNR > 1) pop[$1 "," $2] = $3; next }
FNR == 1 { print "country,month,metric,value,population"; next }
{ print $1 "," $2 ",reports," $3 "," pop[$1 "," substr($2, 1, 4)] }' \
	"$EX/population.csv" "$TMP/counts.csv" > "$TMP/panel.csv"

truth=$(LC_ALL=C awk -F, '
FILENAME ~ /effects/ && $3 == "reports" {
	if ($4 == "base_mean_2012_01") base[$1] = $5
	if ($4 == "trend_log_per_month") tr[$1] = $5
	if ($4 == "season_peak_month") pk[$1] = $5
	if ($4 == "level_ratio") lr[$1] = $5
	if ($4 == "log_slope_change_per_month") sl[$1] = $5
	if ($1 == "*" && $4 == "season_amplitude_log") amp = $5
	if ($1 == "*" && $4 == "noise_sd_log") sd = $5
	next }
FILENAME ~ /adoption/ { if (FNR > 1) { split($2, a, "-"); st[$1] = (a[1] - 2012) * 12 + a[2] - 1 }; next }
FILENAME ~ /population/ { if (FNR > 1 && $2 == 2012) p12[$1] = $3; next }
END { pi = atan2(0, -1); tot = 0; nc = 0
	for (c in st) { s = 0; n = 0
		for (t = st[c]; t < 156; t++) { moy = t % 12 + 1; k = t - st[c]
			r0 = base[c] / p12[c] * 1e5 * exp(tr[c] * t + amp * cos(2 * pi * (moy - pk[c]) / 12) + sd * sd / 2)
			s += r0 * (lr[c] * exp(sl[c] * k) - 1); n++ }
		tot += s / n; nc++ }
	printf "%.10g\n", tot / nc }' "$EX/effects.csv" "$EX/adoption.csv" "$EX/population.csv")

status=0
for control in never notyet; do
	"$M" did "$TMP/panel.csv" --adoption "$EX/adoption.csv" --metric reports \
		--per population --control "$control" --boot 199 --format csv > "$TMP/out.csv"
	LC_ALL=C awk -F, -v truth="$truth" -v control="$control" '
	$1 == "cs_overall" { found = 1
		printf "did example (%s): truth %.4g, CS overall %.4g [%.4g, %.4g]\n", control, truth, $5, $7, $8
		if (!($7 <= truth && truth <= $8)) { print "FAIL: interval misses the truth"; bad = 1 } }
	$1 == "cs_cohort" { ncoh++ }
	END { if (!found) { print "FAIL: no cs_overall row"; bad = 1 }
		if (ncoh != 6) { print "FAIL: want 6 cohorts, got " ncoh; bad = 1 }
		exit bad }' "$TMP/out.csv" || status=1
done
exit $status
