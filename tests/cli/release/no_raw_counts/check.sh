# Issue 4: nothing but the released values may carry a cell's count.  The
# true counts (chosen to be distinctive) must not appear in the manifest,
# the ledger or any file written besides the released values themselves,
# and a released value is the true count only when the noise drew 0.
set -eu
for f in "$TMP"/*; do
	case $f in *released.csv) continue ;; esac
	while IFS= read -r s; do
		if grep -qF -- "$s" "$f"; then
			echo "true count found in $(basename "$f")"
			exit 1
		fi
	done < "$CASE/secrets"
done
test -s "$TMP/released.csv"
test -s "$TMP/ledger.jsonl"
ls "$TMP" | grep -q manifest
