# Nothing is written when gnuplot is missing (checked before any budget).
test ! -e "$TMP/out"
# A gnuplot that starts but fails on the charts: 69 as well, and still
# nothing written (the charts are drawn before any file leaves the
# temporary folder).
set -e
printf '#!/bin/sh\ncase "$2" in exit) exit 0 ;; esac\nexit 1\n' > "$TMP/gp"
chmod +x "$TMP/gp"
set +e
"$MNRSTAT" report "$SRC/tests/cli/report/data/cases_small.csv" \
	--adoption "$SRC/tests/cli/report/data/adoption.csv" --seed 1 \
	--gnuplot "$TMP/gp" --out-dir "$TMP/out2" > /dev/null 2> "$TMP/err"
rc=$?
set -e
test $rc = 69
grep -q 'gnuplot-failed' "$TMP/err"
test ! -e "$TMP/out2"
test -z "$(ls -d "$TMP"/out2.* 2> /dev/null)"
