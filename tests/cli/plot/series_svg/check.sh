# The image is an 800 x 500 SVG; the script next to it matches its golden.
grep -q '<svg' "$TMP/alb.svg" || exit 1
grep -q 'width="800" height="500"' "$TMP/alb.svg" || exit 1
cmp "$TMP/alb.gp" "$SRC/tests/golden/plot/cli_series.gp"
