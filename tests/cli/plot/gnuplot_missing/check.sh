# The script (with its data) is written; no image appears.
grep -q '^\$km1 << EOD$' "$TMP/km.gp" || exit 1
[ ! -e "$TMP/km.svg" ]
