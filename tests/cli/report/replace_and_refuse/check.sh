# A failed run never clobbers a good report; a spent budget is refused; a
# folder that is not a report is never replaced; a good run replaces an
# earlier report whole.
set -e
d=$TMP/out
cases=$SRC/tests/cli/report/data/cases_small.csv
adopt=$SRC/tests/cli/report/data/adoption.csv
test -s "$d/report.html"
# a private report prints no exact record count
grep -q '"case_records": null' "$d/results.json"
grep -q '"rows_dropped_by_bounds": null' "$d/results.json"
grep -q 'exact number of case records is not shown' "$d/report.md"
cp "$d/results.json" "$TMP/first.json"
set +e
"$MNRSTAT" report "$cases" --adoption "$adopt" --country ISL --out-dir "$d" \
	--gnuplot /nonexistent/gnuplot > /dev/null 2>&1
rc=$?
set -e
test $rc = 69
cmp -s "$d/results.json" "$TMP/first.json"
set +e
"$MNRSTAT" report "$cases" --adoption "$adopt" --country ISL --out-dir "$d" \
	--ledger "$TMP/ledger.jsonl" > /dev/null 2> "$TMP/err77"
rc=$?
set -e
test $rc = 77
grep -q 'budget' "$TMP/err77"
cmp -s "$d/results.json" "$TMP/first.json"
test "$(wc -l < "$TMP/ledger.jsonl")" = 2
mkdir "$TMP/mine"
echo keep > "$TMP/mine/notes.txt"
set +e
"$MNRSTAT" report "$cases" --adoption "$adopt" --out-dir "$TMP/mine" \
	--seed 1 > /dev/null 2>&1
rc=$?
set -e
test $rc = 73
test "$(cat "$TMP/mine/notes.txt")" = keep
"$MNRSTAT" report "$cases" --adoption "$adopt" --country ISL --out-dir "$d" \
	--seed 2 > /dev/null 2>&1
grep -q '"seed": 2' "$d/manifest.json"
test -z "$(ls -d "$TMP"/*.tmp.* "$TMP"/*.old.* 2> /dev/null)"
