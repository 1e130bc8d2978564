# An internal report: no noise, no ledger, every page stamped, removal
# curves shown.
set -e
d=$TMP/isl
test -s "$d/report.html"
test ! -e "$d/ledger.jsonl"
test "$(grep -o 'INTERNAL - NOT FOR PUBLICATION' "$d/report.html" | wc -l)" -ge 2
test "$(grep -c 'INTERNAL - NOT FOR PUBLICATION' "$d/report.md")" -ge 2
grep -q '"mode": "internal"' "$d/results.json"
test -s "$d/charts/removal_km.svg"
grep -q 'Time from report to removal' "$d/report.html"
# Raw counts never leave an internal report as a table.
test ! -e "$d/released_panel.csv"
# --col maps a renamed column: the same report from a file whose
# reported_at is called date_received.
sed '1s/reported_at/date_received/' \
	"$SRC/tests/cli/report/data/cases_small.csv" > "$TMP/mapped.csv"
"$MNRSTAT" report "$TMP/mapped.csv" \
	--adoption "$SRC/tests/cli/report/data/adoption.csv" --country ISL \
	--internal --col reported_at=date_received --out-dir "$TMP/mapped" \
	> /dev/null 2>&1
cmp -s "$d/results.json" "$TMP/mapped/results.json"
