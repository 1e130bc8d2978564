# PNG header: width 800 and the height written in the script.
set -- $(od -An -tu1 -j16 -N8 "$TMP/m.png")
w=$(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))
h=$(( ($5 << 24) + ($6 << 16) + ($7 << 8) + $8 ))
want=$(sed -n 's/^set terminal pngcairo size 800,\([0-9]*\) .*/\1/p' "$TMP/m.gp")
[ "$w" = 800 ] && [ "$h" = "$want" ] && [ "$h" -gt 400 ] || { echo "size ${w}x$h, want 800x$want"; exit 1; }
cmp "$TMP/m.gp" "$SRC/tests/golden/plot/cli_multiples.gp"
