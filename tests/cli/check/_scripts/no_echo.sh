#!/bin/sh
# No value from an input file ever appears in what `mnrstat check` prints.
# For every fixture in tests/data/, every field value is extracted with an
# independent CSV reader (awk, RFC 4180 quotes and embedded newlines) and
# searched for in stdout and stderr of check, in text and JSON, with the
# default k and with --k 1.  Left out, because they legitimately appear in
# messages: the header's column names, the brief's enumeration words (also
# with surrounding blanks, and two fixed message words, NaN and inf), values
# shorter than 3 bytes and short digit strings (which coincide with counts
# and positions).  The file's own path is removed from the output first.
# Usage: no_echo.sh MNRSTAT SRC_DIR
set -u
M=$1
SRC=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrnoecho.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Every field of every record, one per line; a value spanning lines gives
# one line per physical line.  Record 1 (the header) goes to header.txt.
extract() {
	LC_ALL=C awk -v hdr="$TMP/header.txt" '
	function emit(v) {
		if (rec == 1) print v > hdr
		else print v
	}
	{
		line = $0
		sub(/\r$/, "", line)
		i = 1; n = length(line)
		if (!inq) { field = ""; }
		while (i <= n) {
			c = substr(line, i, 1)
			if (inq) {
				if (c == "\"") {
					if (substr(line, i + 1, 1) == "\"") { field = field "\""; i++ }
					else inq = 0
				} else field = field c
			} else if (c == "\"") {
				inq = 1
			} else if (c == ",") {
				emit(field); field = ""
			} else field = field c
			i++
		}
		if (inq) { emit(field); field = ""; next }
		emit(field); rec++
	}
	BEGIN { rec = 1; inq = 0 }
	' "$1"
}

# The enumeration words, and two words of the fixed message of rule
# not-finite ("NaN or infinity is not a value").
enums='hotline helpline police industry other charged referred
no_further_action open unknown 0-12 13-15 16-17 adult yes no NaN inf'

fail=0
nfiles=0
nvalues=0
for f in "$SRC"/tests/data/*.csv; do
	nfiles=$((nfiles + 1))
	: > "$TMP/header.txt"
	extract "$f" > "$TMP/all.txt"
	# Filter: length >= 3, not a short digit string, not a header name,
	# not an enumeration word.
	LC_ALL=C awk -v hf="$TMP/header.txt" -v enums="$enums" '
	BEGIN {
		while ((getline h < hf) > 0) skip[h] = 1
		n = split(enums, e, /[ \n]+/)
		for (i = 1; i <= n; i++) skip[e[i]] = 1
	}
	{ t = $0; gsub(/^[ \t]+|[ \t]+$/, "", t) }
	length($0) >= 3 && !($0 in skip) && !(t in skip) &&
	    $0 !~ /^[0-9]{1,6}$/ && !seen[$0]++
	' "$TMP/all.txt" > "$TMP/values.txt"
	nv=$(wc -l < "$TMP/values.txt")
	nvalues=$((nvalues + nv))
	[ "$nv" -gt 0 ] || continue
	for opts in "--format text" "--format json" "--k 1" "--k 1 --format json"; do
		# shellcheck disable=SC2086
		"$M" check $opts "$f" > "$TMP/out" 2> "$TMP/err" < /dev/null
		st=$?
		case $st in 0|65) ;; *) echo "$f ($opts): exit $st"; fail=1 ;; esac
		cat "$TMP/out" "$TMP/err" | LC_ALL=C awk -v p="$f" '
			{ while ((i = index($0, p)) > 0)
				$0 = substr($0, 1, i - 1) "@FILE@" substr($0, i + length(p))
			  print }' > "$TMP/both"
		if LC_ALL=C grep -a -F -f "$TMP/values.txt" "$TMP/both" > "$TMP/hits"; then
			echo "$f ($opts): a value from the file appears in the output:"
			LC_ALL=C grep -a -F -o -f "$TMP/values.txt" "$TMP/both" | sort -u | head -5
			fail=1
		fi
	done
done
[ "$nfiles" -ge 40 ] || { echo "only $nfiles fixtures"; fail=1; }
[ "$nvalues" -ge 300 ] || { echo "only $nvalues values extracted"; fail=1; }
echo "checked $nvalues distinct values from $nfiles files"
exit $fail
