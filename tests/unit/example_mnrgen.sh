#!/bin/sh
# End-to-end checks of tools/mnrgen (the synthetic-data generator).
# usage: example_mnrgen.sh MNRGEN WORKDIR
#   regen  MNRGEN WORKDIR SRCDIR : regenerate the example with the committed
#          seed and compare byte for byte with SRCDIR/datasets/example
#   cli    MNRGEN WORKDIR        : determinism, exact --rows, usage errors,
#          no partial output on failure
set -eu
mode=$1 gen=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

case $mode in
regen)
	src=$4
	seed=$(sed -n 's/^SEED=\([0-9][0-9]*\)$/\1/p' "$src/datasets/example/regenerate.sh")
	[ -n "$seed" ] || { echo "FAIL: no SEED= line in regenerate.sh"; exit 1; }
	"$gen" --seed "$seed" --out-dir "$work/example" 2>"$work/stderr" ||
		fail "mnrgen exited $?"
	grep -q "seed $seed" "$work/stderr" || fail "seed not printed on stderr"
	for f in cases.csv adoption.csv population.csv effects.csv; do
		cmp "$work/example/$f" "$src/datasets/example/$f" ||
			fail "$f differs from the committed file"
	done
	;;
cli)
	# same seed, same bytes; exact row count; header
	"$gen" --seed 7 --rows 20000 --out "$work/a.csv" 2>/dev/null || fail "rows run 1"
	"$gen" --seed 7 --rows 20000 --out "$work/b.csv" 2>/dev/null || fail "rows run 2"
	cmp -s "$work/a.csv" "$work/b.csv" || fail "same seed gave different bytes"
	[ "$(wc -l <"$work/a.csv")" -eq 20001 ] || fail "--rows 20000 did not give 20000 rows"
	head -n 1 "$work/a.csv" | grep -qx 'case_id,person_id,country,source,reported_at,removed_at,closed_at,outcome,victim_age_band,support_offered,victim_treated_as_suspect' ||
		fail "header"
	"$gen" --seed 8 --rows 20000 --out "$work/c.csv" 2>/dev/null || fail "seed 8 run"
	cmp -s "$work/a.csv" "$work/c.csv" && fail "different seeds gave the same bytes"
	# every month and every country present in a big-enough file
	n=$(awk -F, 'NR>1{print $3, substr($5,1,4)}' "$work/a.csv" | sort -u | wc -l)
	[ "$n" -eq 156 ] || fail "rows not spread over 12 countries x 13 years ($n pairs)"
	# --countries and --rows 0
	"$gen" --countries 2 --rows 500 --out "$work/d.csv" 2>/dev/null || fail "--countries 2"
	[ "$(cut -d, -f3 "$work/d.csv" | sed 1d | sort -u | tr '\n' ' ')" = "BRA GBR " ] ||
		fail "--countries 2 did not keep GBR and BRA only"
	"$gen" --rows 0 --out "$work/e.csv" 2>/dev/null || fail "--rows 0"
	[ "$(wc -l <"$work/e.csv")" -eq 1 ] || fail "--rows 0 must write the header only"
	"$gen" --countries 3 --out-dir "$work/small" 2>/dev/null || fail "--out-dir with --countries"
	[ "$(sed 1d "$work/small/adoption.csv" | cut -d, -f1 | tr '\n' ' ')" = "GBR KEN " ] ||
		fail "adoption.csv for 3 countries"
	# usage errors exit 64 and write nothing
	for args in "--rows 10" "--out $work/u.csv" "--rows -5 --out $work/u.csv" \
		"--rows 12x --out $work/u.csv" "--seed 4294967296 --out-dir $work/u" \
		"--countries 13 --out-dir $work/u" "--countries 0 --out-dir $work/u" \
		"--bogus 1 --out-dir $work/u" "--out-dir $work/u --out $work/u.csv" "stray"; do
		rc=0
		# shellcheck disable=SC2086
		"$gen" $args >/dev/null 2>&1 || rc=$?
		[ "$rc" -eq 64 ] || fail "'$args' exited $rc, want 64"
	done
	[ ! -e "$work/u.csv" ] && [ ! -e "$work/u" ] || fail "usage error left output"
	# unwritable output: exit 73, no temporary file left, old file untouched
	rc=0
	"$gen" --rows 10 --out "$work/missing/dir/x.csv" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 73 ] || fail "output in a missing directory exited $rc, want 73"
	# the target is a directory: the data are written, the rename fails;
	# exit 73 and the temporary file is removed
	mkdir "$work/target"
	rc=0
	"$gen" --rows 10 --out "$work/target" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 73 ] || fail "rename onto a directory exited $rc, want 73"
	[ -d "$work/target" ] && [ -z "$(ls "$work/target")" ] || fail "target directory changed"
	ls "$work" | grep -q '\.tmp\.' && fail "temporary file left behind"
	;;
*)
	echo "unknown mode $mode"; exit 2 ;;
esac
[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo ok
