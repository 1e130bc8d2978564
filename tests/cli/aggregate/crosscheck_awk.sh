#!/bin/sh
# Independent cross-check: the whole panel of the bundled example, computed
# by awk straight from the CSV, must equal `mnrstat aggregate` byte for
# byte.  awk splits on commas, which is exact only when no counted field
# holds a quote, so that is asserted first (every line has exactly 11
# comma-separated fields and no '"' at all).
# Usage: crosscheck_awk.sh MNRSTAT SRC_DIR
set -eu
M=$1
SRC=$2
CASES=${CASES:-$SRC/datasets/example/cases.csv}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrawk.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

head -n 1 "$CASES" | grep -qx 'case_id,person_id,country,source,reported_at,removed_at,closed_at,outcome,victim_age_band,support_offered,victim_treated_as_suspect' ||
	{ echo "unexpected header" >&2; exit 1; }
if grep -q '"' "$CASES"; then
	echo "the example holds quotes: awk's comma split would not be exact" >&2
	exit 1
fi
awk -F, 'NF != 11 { bad++ } END { exit bad ? 1 : 0 }' "$CASES" ||
	{ echo "a line without exactly 11 fields" >&2; exit 1; }

"$M" aggregate --quiet "$CASES" > "$TMP/mnrstat.csv"

# Pass 1: UTC seconds of every date, the latest date (the default as-of),
# one line per report with what the panel needs.
awk -F, '
function days(y, m, d) {	# days since 1970-01-01 (proleptic Gregorian)
	if (m <= 2) { y--; m += 12 }
	return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) \
	       + int((153 * (m - 3) + 2) / 5) + d - 719469
}
function utc(s,   t, off, sign) {	# ISO 8601 as written by mnrgen
	t = days(substr(s, 1, 4) + 0, substr(s, 6, 2) + 0, substr(s, 9, 2) + 0) * 86400
	if (length(s) == 10) return t
	t += substr(s, 12, 2) * 3600 + substr(s, 15, 2) * 60 + substr(s, 18, 2)
	if (substr(s, 20, 1) == "Z") return t
	sign = substr(s, 20, 1) == "-" ? -1 : 1
	off = substr(s, 21, 2) * 3600 + substr(s, 24, 2) * 60
	return t - sign * off
}
function month(t,   z, era, doe, yoe, y, doy, mp, m) {	# civil from days
	z = int(t / 86400) + 719468
	era = int(z / 146097); doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153); m = mp < 10 ? mp + 3 : mp - 9
	if (m <= 2) y++
	return sprintf("%04d-%02d", y, m)
}
NR > 1 {
	r = utc($5); if (r > max) max = r
	rem = $6 == "" ? -1 : utc($6); if (rem > max) max = rem
	clo = $7 == "" ? -1 : utc($7); if (clo > max) max = clo
	print $3, month(r), r, rem, clo, ($4 == "" ? "other" : $4), \
	      ($8 == "" ? "unknown" : $8), $10, $11
}
END { print "MAX", max > "/dev/stderr" }' "$CASES" > "$TMP/rows" 2> "$TMP/max"
max=$(awk '{ print $2 }' "$TMP/max")

# Pass 2: counts per cell, and removal hours per cell for the median.
awk -v max="$max" -v hours="$TMP/hours" '
{
	k = $1 " " $2; cell[k] = 1
	if (!(($1) in lo) || $2 < lo[$1]) lo[$1] = $2
	if (!(($1) in hi) || $2 > hi[$1]) hi[$1] = $2
	n[k]++; src[k, $6]++; out[k, $7]++
	if ($8 == "yes") sy[k]++; if ($8 == "yes" || $8 == "no") sk[k]++
	if ($9 == "yes") vy[k]++; if ($9 == "yes" || $9 == "no") vk[k]++
	if ($5 >= 0) closed[k]++
	d = $4 >= 0 ? $4 - $3 : -1
	if (d >= 0) {
		rem[k]++; if (d <= 86400) r24[k]++; if (d <= 259200) r72[k]++
		print $1, $2, int(d / 3600) > hours
	}
	if ($3 + 86400 <= max) { d24[k]++; if (d >= 0 && d <= 86400) n24[k]++ }
	if ($3 + 259200 <= max) { d72[k]++; if (d >= 0 && d <= 259200) n72[k]++ }
}
function share(a, b) { return b ? sprintf("%.10g", a / b) : "" }
END {
	for (c in lo) {
		y = substr(lo[c], 1, 4) + 0; m = substr(lo[c], 6, 2) + 0
		for (;;) {
			mo = sprintf("%04d-%02d", y, m); k = c " " mo
			print c, mo, "cases_closed", closed[k] + 0
			print c, mo, "outcome_charged", out[k, "charged"] + 0
			print c, mo, "outcome_no_further_action", out[k, "no_further_action"] + 0
			print c, mo, "outcome_open", out[k, "open"] + 0
			print c, mo, "outcome_referred", out[k, "referred"] + 0
			print c, mo, "outcome_unknown", out[k, "unknown"] + 0
			print c, mo, "removed_24h_share_all", share(n24[k], d24[k])
			print c, mo, "removed_24h_share_removed", share(r24[k], rem[k])
			print c, mo, "removed_72h_share_all", share(n72[k], d72[k])
			print c, mo, "removed_72h_share_removed", share(r72[k], rem[k])
			print c, mo, "reports_helpline", src[k, "helpline"] + 0
			print c, mo, "reports_hotline", src[k, "hotline"] + 0
			print c, mo, "reports_industry", src[k, "industry"] + 0
			print c, mo, "reports_other", src[k, "other"] + 0
			print c, mo, "reports_police", src[k, "police"] + 0
			print c, mo, "reports_removed", rem[k] + 0
			print c, mo, "reports_total", n[k] + 0
			print c, mo, "support_offered_known", sk[k] + 0
			print c, mo, "support_offered_yes", sy[k] + 0
			print c, mo, "victim_suspect_known", vk[k] + 0
			print c, mo, "victim_suspect_yes", vy[k] + 0
			if (mo == hi[c]) break
			if (++m > 12) { m = 1; y++ }
		}
	}
}' "$TMP/rows" > "$TMP/counts"

# Medians: sort the hours of each cell, take the middle (mean of two).
sort -k1,1 -k2,2 -k3,3n "$TMP/hours" | awk '
function flush() { if (cnt) print pc, pm, "removal_hours_median", \
	sprintf("%.10g", cnt % 2 ? h[(cnt + 1) / 2] : (h[cnt / 2] + h[cnt / 2 + 1]) / 2) }
{ if ($1 != pc || $2 != pm) { flush(); cnt = 0; pc = $1; pm = $2 } h[++cnt] = $3 }
END { flush() }' > "$TMP/medians"

# Months without removals have an empty median.
awk 'NR == FNR { med[$1 " " $2] = $4; next }
$3 == "reports_total" { k = $1 " " $2; print $1, $2, "removal_hours_median", (k in med ? med[k] : "") }
{ print }' "$TMP/medians" "$TMP/counts" |
	LC_ALL=C sort -t ' ' -k1,1 -k2,2 -k3,3 |
	awk 'BEGIN { print "country,month,metric,value" } { print $1 "," $2 "," $3 "," $4 }' > "$TMP/awk.csv"

if ! cmp -s "$TMP/awk.csv" "$TMP/mnrstat.csv"; then
	echo "aggregate and awk disagree:" >&2
	diff "$TMP/awk.csv" "$TMP/mnrstat.csv" | head -n 20 >&2
	exit 1
fi
rows=$(grep -c ',reports_total,' "$TMP/mnrstat.csv")
total=$(awk -F, '$3 == "reports_total" { s += $4 } END { print s }' "$TMP/mnrstat.csv")
want=$(($(wc -l < "$CASES") - 1))
[ "$total" = "$want" ] || { echo "reports_total sums to $total, file has $want rows" >&2; exit 1; }
echo "aggregate == awk on $rows country-months, $total reports"
