# Every figure: image of the stated size, script, CSV and Markdown tables.
for f in icmec-legislation ncmec-cybertipline iwf-confirmed; do
	for e in svg gp csv md; do [ -s "$TMP/r/$f.$e" ] || { echo "missing $f.$e"; exit 1; }; done
	grep -q 'width="800"' "$TMP/r/$f.svg" || exit 1
done
grep -q '^2023 138 4$' "$TMP/r/icmec-legislation.gp" || exit 1
grep -q "'%g: claim, unverified'" "$TMP/r/icmec-legislation.gp" || exit 1
grep -q '| 2023 | 138 | countries | claim, unverified |' "$TMP/r/icmec-legislation.md" || exit 1
grep -q '^2024 20512803 3$' "$TMP/r/ncmec-cybertipline.gp" || exit 1
grep -q 'ncmec-cybertipline,1,ncmec_cybertipline_reports,2024,20512803,reports,transcription,' "$TMP/r/ncmec-cybertipline.csv"
