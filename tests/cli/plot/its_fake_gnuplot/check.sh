# gnuplot gets: -e "outfile='<image>.tmp.XXXXXX'" - and the script on stdin.
[ "$(sed -n 1p "$TMP/argv")" = "-e" ] || exit 1
sed -n 2p "$TMP/argv" | grep -q "^outfile='$TMP/its.png.tmp.......'\$" || exit 1
[ "$(sed -n 3p "$TMP/argv")" = "-" ] || exit 1
[ "$(wc -l < "$TMP/argv")" -eq 3 ] || exit 1
cmp "$TMP/stdin" "$TMP/its.gp" || exit 1
cmp "$TMP/its.gp" "$SRC/tests/golden/plot/cli_its.gp" || exit 1
[ "$(cat "$TMP/its.png")" = "fake image" ]
