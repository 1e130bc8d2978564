# The JSON lands in the named file, whole, and nothing on stdout.
grep -q '"command": "removal"' "$TMP/removal.json" &&
grep -q '"chisq": 0.535' "$TMP/removal.json" &&
tail -c 2 "$TMP/removal.json" | grep -q '}'
