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
