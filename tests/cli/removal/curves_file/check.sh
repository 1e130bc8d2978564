# The curves file holds both Kaplan-Meier curves exactly.
cmp -s "$CASE/km.csv" "$TMP/km.csv"
