#!/bin/sh
# Generated inputs too large to commit, for `mnrstat check`:
#   huge_field   a 70000-byte field (the reader's limit is 64 KiB)
#   huge_record  a record of 20 fields, 17 of them 62000 bytes (limit 1 MiB)
#   many_rows    every problem counted over 200000 rows, 5 positions kept,
#                and peak memory the same for 20000 and 200000 rows
#   json_path    a file name that is not UTF-8, in the JSON summary
#   dev_full     stdout that cannot be written (exit 74)
# Each asserts the exit status, the exact stderr (FILE:LINE:COLUMN and
# rule) and that the value is not echoed.
# Usage: generated.sh MNRSTAT WHAT
set -u
M=$1
WHAT=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrgen.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A run of n copies of character c, without a shell loop.
run_of() { head -c "$1" /dev/zero | tr '\0' "$2"; }

expect() { # status file
	"$M" check --k 1 "$TMP/in.csv" > "$TMP/out" 2> "$TMP/err" < /dev/null
	st=$?
	[ "$st" = "$1" ] || fail "exit $st, want $1"
	printf '%s\n' "$2" > "$TMP/want"
	sed "s|$TMP|@TMP@|g" "$TMP/err" > "$TMP/err.n"
	cmp -s "$TMP/want" "$TMP/err.n" || {
		diff "$TMP/want" "$TMP/err.n"
		fail "stderr differs"
	}
}

H=case_id,country,source,reported_at,removed_at,closed_at,outcome,victim_age_band,notes
case $WHAT in
huge_field)
	{
		echo "$H"
		echo "qx7rt2,GBR,hotline,2020-01-03,,,referred,13-15,short"
		printf 'mm3kpw,GBR,hotline,2020-01-04,,,referred,13-15,"'
		run_of 35000 q
		run_of 35000 z
		printf '"\n'
	} > "$TMP/in.csv"
	expect 65 "mnrstat check: @TMP@/in.csv:3:48: field longer than the limit [field-too-long]"
	grep -q qqqqqqqq "$TMP/out" "$TMP/err" && fail "value echoed"
	grep -q '^reading stopped at line 3;' "$TMP/out" || fail "no stop notice"
	;;
huge_record)
	{
		printf 'case_id,country,reported_at'
		i=4
		while [ $i -le 20 ]; do printf ',c%d' $i; i=$((i + 1)); done
		echo
		printf 'qx7rt2,GBR,2020-01-03'
		i=4
		while [ $i -le 20 ]; do printf ','; run_of 62000 w; i=$((i + 1)); done
		echo
	} > "$TMP/in.csv"
	expect 65 "mnrstat check: @TMP@/in.csv:2:1: record longer than the limit [record-too-long]"
	grep -q wwwwwwww "$TMP/out" "$TMP/err" && fail "value echoed"
	;;
many_rows)
	gen() { # rows -> in.csv: every row has a bad country and a phone number
		LC_ALL=C awk -v n="$1" -v h="$H" 'BEGIN {
			print h
			for (i = 0; i < n; i++)
				printf "r%07d,ZZZ,hotline,2020-01-%02d,,,referred,13-15,call +44 20 7946 %04d\n", i, i % 28 + 1, i % 10000
		}' > "$TMP/in.csv"
	}
	peak() { # peak resident memory (KiB) of a check over in.csv
		/usr/bin/time -f %M -o "$TMP/rss" "$M" check --qi country,month \
			--k 1 "$TMP/in.csv" > "$TMP/out" 2> "$TMP/err"
		[ $? = 65 ] || fail "exit status, want 65"
		tail -n 1 "$TMP/rss"
	}
	gen 20000
	small=$(peak)
	gen 200000
	big=$(peak)
	grep -q '^  country-code  *200000  2:10, 3:10, 4:10, 5:10, 6:10$' "$TMP/out" ||
		fail "country-code count or positions"
	grep -q '^  identifier-phone  *200000  2:50, 3:50, 4:50, 5:50, 6:50$' "$TMP/out" ||
		fail "identifier-phone count or positions"
	grep -q '^  1 group; smallest 200000;' "$TMP/out" || fail "k-anonymity"
	[ "$(wc -l < "$TMP/err")" = 10 ] || fail "stderr should hold 5 positions per rule"
	grep -q '7946' "$TMP/out" "$TMP/err" && fail "value echoed"
	# Constant memory: ten times the rows, at most 2 MiB more (allocator noise).
	[ $((big - small)) -le 2048 ] ||
		fail "peak memory grew from $small KiB to $big KiB"
	echo "peak RSS: $small KiB (20000 rows), $big KiB (200000 rows)"
	;;
json_path)
	# A file name that is not UTF-8 still yields valid JSON naming it.
	f=$(printf '%s/caf\351.csv' "$TMP")
	printf 'country,reported_at\nGBR,2020-01-01\n' > "$f"
	"$M" check --k 1 --format json "$f" > "$TMP/out" 2> "$TMP/err"
	[ $? = 0 ] || fail "exit status, want 0"
	grep -q "^  \"file\": \"$TMP/caf?.csv\",\$" "$TMP/out" || fail "file member"
	[ -s "$TMP/err" ] && fail "unexpected stderr"
	;;
dev_full)
	# A summary that cannot be written is an I/O error (74), not success.
	printf 'country,reported_at\nGBR,2020-01-01\n' > "$TMP/in.csv"
	"$M" check --k 1 "$TMP/in.csv" > /dev/full 2> "$TMP/err"
	st=$?
	[ "$st" = 74 ] || fail "exit $st, want 74"
	grep -q '^mnrstat: write error' "$TMP/err" || fail "no write error message"
	;;
*)
	fail "unknown test $WHAT"
	;;
esac
echo "ok: $WHAT"
