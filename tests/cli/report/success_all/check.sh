# The whole folder is there, the page is self-contained, seeded output is
# stamped NOT PRIVATE, and the manifest carries the input's SHA-256.
set -e
d=$TMP/out
for f in report.html report.md results.json manifest.json ledger.jsonl; do
	test -s "$d/$f"
done
ls "$d"/charts/*.svg > /dev/null
ls "$d"/charts/*.gp > /dev/null
# (set -e ignores a command prefixed with '!', so these exit explicitly)
if grep -q '<script' "$d/report.html"; then exit 1; fi
if grep -q '<link' "$d/report.html"; then exit 1; fi
if grep -Eq '(src|href)="(https?:)?//' "$d/report.html"; then exit 1; fi
grep -q '<svg' "$d/report.html"
test "$(grep -o 'NOT PRIVATE: the noise was drawn from --seed 1' "$d/report.html" | wc -l)" -ge 2
grep -q 'NOT PRIVATE' "$d/report.md"
grep -q '"not_private": true' "$d/results.json"
grep -q '"not_private": true' "$d/manifest.json"
sha=$(sha256sum "$SRC/tests/cli/report/data/cases_small.csv" | cut -d' ' -f1)
grep -q "\"sha256\": \"$sha\"" "$d/manifest.json"
test "$(wc -l < "$d/ledger.jsonl")" = 2
for dom in "Policy and governance" "Criminal justice" \
	"Victim support and empowerment" "Societal prevention" \
	"Industry engagement" "Communication and media"; do
	grep -q "$dom" "$d/report.html"
	grep -q "^## $dom" "$d/report.md"
done
# the staggered-adoption analysis is in the all-country report
grep -q '"event_study"' "$d/results.json"
# Person-level bounds, recomputed independently: each person keeps the
# first 2 of their distinct UTC report months (country + month) and one
# record in each; the report must have left out exactly the rest.
grep -q '"privacy_unit": "person"' "$d/results.json"
grep -q '"max_cells": 2' "$d/results.json"
tail -n +2 "$SRC/tests/cli/report/data/cases_small.csv" |
	awk -F, '$2 != "" { print $2, $3, $5 }' |
	while read -r person country at; do
		printf '%s %s%s\n' "$person" "$country" \
			"$(date -u -d "$at" +%Y-%m)"
	done | sort > "$TMP/cells"
want=$(awk '{ if ($1 != p) { p = $1; n = 0; c = "" }
	      if ($2 == c) { drop++; next }
	      c = $2; n++; if (n > 2) drop++ }
	    END { print drop + 0 }' "$TMP/cells")
grep -q "\"rows_dropped_by_bounds\": $want," "$d/results.json"
# The same seed gives the same numbers (only the ledger entry id, which
# hashes the entry's time, differs).
"$MNRSTAT" report "$SRC/tests/cli/report/data/cases_small.csv" \
	--adoption "$SRC/tests/cli/report/data/adoption.csv" \
	--out-dir "$TMP/again" --seed 1 > /dev/null 2>&1
grep -v '"entry"' "$d/results.json" > "$TMP/a.json"
grep -v '"entry"' "$TMP/again/results.json" > "$TMP/b.json"
cmp -s "$TMP/a.json" "$TMP/b.json"
cmp -s "$d/charts/reports_total_countries.svg" \
	"$TMP/again/charts/reports_total_countries.svg"
# The released counts are in the panel format, readable by the analyses.
head -n 1 "$d/released_panel.csv" | grep -qx 'country,month,metric,value,noise_variance'
"$MNRSTAT" compare "$d/released_panel.csv" --metric reports_total \
	--country ISL --intervention 2021-01 > /dev/null
