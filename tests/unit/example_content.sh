#!/bin/sh
# Independent check of the bundled SYNTHETIC example data (datasets/example):
# schema and invariants of every case row, and that the data agree with the
# truth written in effects.csv and population.csv.  The model is re-derived
# here in awk from those two files, not taken from tools/mnrgen.c, so a drift
# between the generator and its truth file fails this test.
#
# usage: example_content.sh DIR [--counts]
#   DIR holds cases.csv, adoption.csv, population.csv, effects.csv.
#   --counts: print only the reference monthly report counts by UTC month,
#   country,month,reports for all 156 months (zeros included), sorted; an
#   independent count for cross-checking `mnrstat aggregate`.
# Statistical checks use 4 standard errors; the data are fixed (seeded), so
# the outcome is deterministic.  Prints one line per failed rule; exit 1 on any.
set -eu
dir=${1:?usage: example_content.sh DIR [--counts]}
mode=${2:-check}
for f in cases.csv adoption.csv population.csv effects.csv; do
	[ -s "$dir/$f" ] || { echo "missing or empty: $dir/$f"; exit 1; }
done

run() {
LC_ALL=C awk -F, -v mode="$mode" '
function fail(msg) { print "FAIL: " msg; bad++ }
function days(y, m, d) {   # days since 1970-01-01, proleptic Gregorian
	if (m <= 2) { y--; m += 12 }
	return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + d - 719469
}
# epoch seconds (UTC) of an ISO 8601 value, or -1 when the form is unknown;
# sets KIND to "date", "utc" or "offset"
function epoch(s,    t, off, sg) {
	if (s ~ /^[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]$/) {
		KIND = "date"
		return days(substr(s, 1, 4) + 0, substr(s, 6, 2) + 0, substr(s, 9, 2) + 0) * 86400
	}
	if (s !~ /^[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](Z|[+-][0-1][0-9]:[0-5][0-9])$/)
		return -1
	t = days(substr(s, 1, 4) + 0, substr(s, 6, 2) + 0, substr(s, 9, 2) + 0) * 86400 \
	    + substr(s, 12, 2) * 3600 + substr(s, 15, 2) * 60 + substr(s, 18, 2)
	if (substr(s, 20, 1) == "Z") { KIND = "utc"; return t }
	KIND = "offset"
	sg = substr(s, 20, 1) == "-" ? -1 : 1
	off = sg * (substr(s, 21, 2) * 3600 + substr(s, 24, 2) * 60)
	return t - off
}
function month_of(e,    d, z, era, doe, yoe, y, doy, mp, m) {   # "YYYY-MM" of epoch (UTC)
	d = int(e / 86400); z = d + 719468
	era = int(z / 146097); doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153); m = mp < 10 ? mp + 3 : mp - 9
	if (m <= 2) y++
	return sprintf("%04d-%02d", y, m)
}
function mindex(ym) { return (substr(ym, 1, 4) - 2012) * 12 + substr(ym, 6, 2) - 1 }
function se_check(name, phat, p, n) {
	if (n < 30) return
	if ((phat - p) ^ 2 > 16 * p * (1 - p) / n)
		fail(sprintf("%s: observed share %.4f, truth %.4f, n=%d (beyond 4 SE)", name, phat, p, n))
}

FILENAME ~ /effects.csv$/ {
	if (FNR == 1) { if ($0 != "country,mnr_start,metric,effect,value,ramp_months,model") fail("effects.csv header"); next }
	P[$1 SUBSEP $3 SUBSEP $4] = $5; RAMP[$1 SUBSEP $3] = $6
	next
}
FILENAME ~ /population.csv$/ {
	if (FNR == 1) { if ($0 != "country,year,population") fail("population.csv header"); next }
	POP[$1 SUBSEP $2] = $3; npop[$1]++
	next
}
FILENAME ~ /adoption.csv$/ {
	if (FNR == 1) { if ($0 != "country,mnr_start") fail("adoption.csv header"); next }
	if ($2 !~ /^20[12][0-9]-[01][0-9]$/) fail("adoption.csv line " FNR ": mnr_start form")
	START[$1] = mindex($2); nadopt++
	next
}
FNR == 1 {
	if ($0 != "case_id,person_id,country,source,reported_at,removed_at,closed_at,outcome,victim_age_band,support_offered,victim_treated_as_suspect")
		fail("cases.csv header")
	cutoff = days(2025, 1, 1) * 86400
	next
}
{
	rows++
	if (NF != 11) { fail("line " FNR ": " NF " fields"); next }
	if ($1 !~ /^c[bcdfghjklmnpqrst]{12}$/ && $1 !~ /^c[bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst][bcdfghjklmnpqrst]$/)
		fail("line " FNR ": case_id form")
	if (seen[$1]++) fail("line " FNR ": duplicate case_id")
	if ($2 == "") noperson++
	else { if (length($2) != 11 || $2 !~ /^p[bcdfghjklmnpqrst]+$/) fail("line " FNR ": person_id form"); per[$2]++ }
	c = $3
	if (!((c SUBSEP "reports" SUBSEP "base_mean_2012_01") in P)) { fail("line " FNR ": country not in effects.csv"); next }
	if ($4 !~ /^(hotline|helpline|police|industry|other)$/) fail("line " FNR ": source")
	if ($8 !~ /^(charged|referred|no_further_action|open|unknown)$/) fail("line " FNR ": outcome")
	if ($9 !~ /^(0-12|13-15|16-17|adult|unknown)$/) fail("line " FNR ": age band")
	if ($10 !~ /^(yes|no|unknown)$/ || $11 !~ /^(yes|no|unknown)$/) fail("line " FNR ": yes/no/unknown")

	r = epoch($5); kind = KIND
	if (r < 0) { fail("line " FNR ": reported_at form"); next }
	nkind[kind]++
	ym = month_of(r)
	if (ym < "2012-01" || ym > "2024-12") fail("line " FNR ": reported_at outside 2012-01..2024-12")
	if (kind == "offset" && substr($5, 1, 7) != ym) crossmonth++
	t = mindex(ym); cnt[c SUBSEP t]++; tot[c]++
	if (!(c in tmin) || t < tmin[c]) tmin[c] = t
	if (!(c in tmax) || t > tmax[c]) tmax[c] = t
	k = (c in START && t >= START[c]) ? t - START[c] : -1
	seg = k < 0 ? "pre" : "post"

	if ($6 != "") {
		e = epoch($6)
		if (e < 0 || KIND != "utc") fail("line " FNR ": removed_at form")
		else if (e <= r || e >= cutoff) fail("line " FNR ": removed_at not in (reported_at, cutoff)")
		if (kind == "date") fail("line " FNR ": removal on a date-only report")
		lh = log((e - r) / 3600); rn[c, seg]++; rs[c, seg] += lh
		src_rem[$4]++
	}
	if ($7 == "") { if ($8 != "open") fail("line " FNR ": closed_at empty but outcome not open") }
	else {
		e = epoch($7)
		if (e < 0) fail("line " FNR ": closed_at form")
		else if (e <= r || e >= cutoff) fail("line " FNR ": closed_at not in (reported_at, cutoff)")
		if ($8 == "open") fail("line " FNR ": closed case with outcome open")
		# charged share of closed: pre, and post once the ramp is complete
		if (k < 0) { chn[c, "pre"]++; chy[c, "pre"] += ($8 == "charged") }
		else if (k >= RAMP[c, "charged_share_of_closed"] - 1) { chn[c, "post"]++; chy[c, "post"] += ($8 == "charged") }
	}
	if ($10 != "unknown") {
		if (k < 0) { sun[c, "pre"]++; suy[c, "pre"] += ($10 == "yes") }
		else if (k >= RAMP[c, "support_offered_yes_share_of_known"] - 1) { sun[c, "post"]++; suy[c, "post"] += ($10 == "yes") }
	}
	if ($11 != "unknown") { ssn[c, seg]++; ssy[c, seg] += ($11 == "yes") }
	src[$4]++
}
END {
	if (mode == "--counts") {
		for (c in tot)
			for (t = 0; t < 156; t++)
				printf "%s,%04d-%02d,%d\n", c, 2012 + int(t / 12), t % 12 + 1, cnt[c SUBSEP t]
		exit 0
	}
	if (rows < 40000 || rows > 50000) fail("rows " rows " outside 40000..50000")
	if (nadopt != 6) fail("adoption.csv: " nadopt " adopters, want 6")
	for (c in tot) {
		if (npop[c] != 13) fail(c ": population years " npop[c] ", want 13")
		# the documented span: every country has reports in 2012-01 and 2024-12 (UTC)
		if (tmin[c] != 0 || tmax[c] != 155) fail(c ": first or last UTC month is not 2012-01 / 2024-12")
		s2 = P["*", "reports", "noise_sd_log"] ^ 2; A = P["*", "reports", "season_amplitude_log"]
		for (t = 0; t < 156; t++) {
			y = 2012 + int(t / 12); moy = t % 12 + 1
			lm = log(P[c, "reports", "base_mean_2012_01"]) + log(POP[c, y] / POP[c, 2012]) \
			     + P[c, "reports", "trend_log_per_month"] * t \
			     + A * cos(2 * 3.14159265358979 * (moy - P[c, "reports", "season_peak_month"]) / 12)
			k = (c in START && t >= START[c]) ? t - START[c] : -1
			m0 = exp(lm + s2 / 2)   # E N without the adoption effect
			m = k < 0 ? m0 : exp(lm + log(P[c, "reports", "level_ratio"]) + P[c, "reports", "log_slope_change_per_month"] * k + s2 / 2)
			seg = k < 0 ? "pre" : "post"
			E[seg] += m; V[seg] += m + (m / exp(s2 / 2)) ^ 2 * (exp(2 * s2) - exp(s2))
			E0[seg] += m0; V0[seg] += m0 + (m0 / exp(s2 / 2)) ^ 2 * (exp(2 * s2) - exp(s2))
			if (!((c SUBSEP t) in cnt)) zero++
			O[seg] += cnt[c SUBSEP t]
		}
		for (seg in E) {
			if ((O[seg] - E[seg]) ^ 2 > 16 * V[seg])
				fail(sprintf("%s %s: %d reports, model expects %.1f (sd %.1f)", c, seg, O[seg], E[seg], sqrt(V[seg])))
		}
		# the adoption effect on reporting is visible in the larger adopters
		if ((c in START) && P[c, "reports", "base_mean_2012_01"] >= 10 && O["post"] - E0["post"] < 4 * sqrt(V0["post"]))
			fail(c ": post-adoption reports not above the no-effect expectation")
		printf "%s reports pre %d (model %.0f) post %d (model %.0f, without effect %.0f), months with 0 reports %d\n", c, O["pre"], E["pre"], O["post"], E["post"], E0["post"], zero
		zero = 0
		delete E; delete V; delete E0; delete V0; delete O

		se_check(c " charged pre", chn[c, "pre"] ? chy[c, "pre"] / chn[c, "pre"] : 0, P[c, "charged_share_of_closed", "pre_value"], chn[c, "pre"])
		se_check(c " support pre", sun[c, "pre"] ? suy[c, "pre"] / sun[c, "pre"] : 0, P[c, "support_offered_yes_share_of_known", "pre_value"], sun[c, "pre"])
		se_check(c " suspect pre", ssn[c, "pre"] ? ssy[c, "pre"] / ssn[c, "pre"] : 0, P[c, "suspect_yes_share_of_known", "pre_value"], ssn[c, "pre"])
		med = P[c, "removal_hours", "median_pre"]
		if (rn[c, "pre"] >= 30 && (rs[c, "pre"] / rn[c, "pre"] - log(med)) ^ 2 > 16 / rn[c, "pre"])
			fail(sprintf("%s removal pre: mean log hours %.3f, truth %.3f", c, rs[c, "pre"] / rn[c, "pre"], log(med)))
		if (!(c in START)) continue
		se_check(c " charged post", chn[c, "post"] ? chy[c, "post"] / chn[c, "post"] : 0, P[c, "charged_share_of_closed", "pre_value"] + P[c, "charged_share_of_closed", "share_change"], chn[c, "post"])
		se_check(c " support post", sun[c, "post"] ? suy[c, "post"] / sun[c, "post"] : 0, P[c, "support_offered_yes_share_of_known", "pre_value"] + P[c, "support_offered_yes_share_of_known", "share_change"], sun[c, "post"])
		se_check(c " suspect post", ssn[c, "post"] ? ssy[c, "post"] / ssn[c, "post"] : 0, P[c, "suspect_yes_share_of_known", "pre_value"] + P[c, "suspect_yes_share_of_known", "share_change"], ssn[c, "post"])
		med = P[c, "removal_hours", "median_pre"] * P[c, "removal_hours", "quantile_ratio"]
		if (rn[c, "post"] >= 30 && (rs[c, "post"] / rn[c, "post"] - log(med)) ^ 2 > 16 / rn[c, "post"])
			fail(sprintf("%s removal post: mean log hours %.3f, truth %.3f", c, rs[c, "post"] / rn[c, "post"], log(med)))
	}
	# repeat victims: contribution bounding must matter
	maxp = 0; rep = 0
	for (p in per) { if (per[p] > maxp) maxp = per[p]; if (per[p] > 1) rep++ }
	if (maxp < 20) fail("no person with 20 or more records (max " maxp ")")
	if (rep < 1000) fail("fewer than 1000 repeat persons (" rep ")")
	if (noperson / rows < 0.15 || noperson / rows > 0.25) fail("share of empty person_id")
	for (s in src) if (src[s] / rows < 0.05) fail("source " s " too rare")
	if (nkind["date"] < 100 || nkind["offset"] < 1000 || nkind["utc"] < 1000) fail("reported_at styles not mixed")
	if (crossmonth < 1) fail("no local time stamp in a different month than its UTC instant")
	printf "rows %d, countries %d, styles utc %d offset %d date %d, local-month != UTC-month %d, persons repeated %d (max %d records), empty person_id %d\n", \
		rows, length(tot), nkind["utc"], nkind["offset"], nkind["date"], crossmonth, rep, maxp, noperson
	if (bad) { print bad " rule(s) failed"; exit 1 }
	print "ok"
}
' "$dir/effects.csv" "$dir/population.csv" "$dir/adoption.csv" "$dir/cases.csv"
}
if [ "$mode" = --counts ]; then
	echo country,month,reports
	run | LC_ALL=C sort
else
	run
fi
