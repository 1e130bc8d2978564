# Nothing is written when gnuplot is missing (checked before any budget).
test ! -e "$TMP/out"
