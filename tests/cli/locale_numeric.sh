#!/bin/sh
# Numbers never follow LC_NUMERIC: under a comma-decimal locale (de_DE)
# mnrstat must read "1.5" and write "." exactly as under C.  The locale is
# compiled into a scratch directory with localedef (no root needed); the
# test is skipped (77) when the locale sources are not installed.
# Usage: locale_numeric.sh MNRSTAT SRC_DIR
set -u
M=$1
SRC=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/mnrloc.XXXXXX")
trap 'rm -rf "$T"' EXIT
command -v localedef > /dev/null 2>&1 || exit 77
localedef -i de_DE -f UTF-8 "$T/de_DE.UTF-8" > /dev/null 2>&1 || exit 77
# The compiled locale must really use a decimal comma, or the test proves
# nothing.
[ "$(LOCPATH=$T LC_ALL=de_DE.UTF-8 /usr/bin/printf '%.2f' 1,5 2>/dev/null)" = "1,50" ] || exit 77
cat > "$T/panel.csv" <<'CSV'
country,month,metric,value
GBR,2020-01,m,10.5
GBR,2020-02,m,12.25
GBR,2020-03,m,11
GBR,2020-04,m,13.5
GBR,2020-05,m,20.75
GBR,2020-06,m,21
GBR,2020-07,m,22.5
GBR,2020-08,m,23.25
CSV
run() {
	"$M" compare "$T/panel.csv" --metric m --country GBR \
		--intervention 2020-05 --kind level --format json
}
LC_ALL=C run > "$T/c.json" 2> "$T/c.err" || { echo "C run failed"; cat "$T/c.err"; exit 1; }
LOCPATH=$T LC_ALL=de_DE.UTF-8 run > "$T/de.json" 2> "$T/de.err" || {
	echo "de_DE run failed"; cat "$T/de.err"; exit 1; }
cmp -s "$T/c.json" "$T/de.json" || {
	echo "output differs under de_DE.UTF-8:"
	diff "$T/c.json" "$T/de.json" | head -n 20
	exit 1
}
grep -q '"mean": 11\.8125' "$T/c.json" || { echo "pre mean not read as 11.8125"; exit 1; }
echo ok
