#!/bin/sh
# Run one end-to-end CLI case: tests/cli/<sub>/<case>/ holds
#   args      one argument per line; @CASE@ = this directory, @SRC@ = source
#             tree, @TMP@ = a fresh scratch directory, @DATA@ = tests/data
#   stdin     (optional) fed to the program
#   status    expected exit status (required)
#   stdout    (optional) expected standard output, compared exactly
#   stderr    (optional) expected standard error, compared exactly
#   secrets   (optional) strings, one per line, that must appear in neither
#             output (data values that must never be echoed)
#   check.sh  (optional) run afterwards with CASE, TMP, SRC, MNRSTAT set;
#             must exit 0
# A scratch directory left holding a temporary file (*.tmp.*) is a failure:
# outputs are written to a temporary file and renamed, never left partial.
# Usage: run_case.sh MNRSTAT CASE_DIR SRC_DIR
set -u
MNRSTAT=$1
CASE=$2
SRC=$3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrcase.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

[ -f "$CASE/status" ] || fail "missing $CASE/status"
set --
if [ -f "$CASE/args" ]; then
	while IFS= read -r a || [ -n "$a" ]; do
		a=$(printf '%s' "$a" | sed -e "s|@CASE@|$CASE|g" -e "s|@SRC@|$SRC|g" \
			-e "s|@TMP@|$TMP|g" -e "s|@DATA@|$SRC/tests/data|g")
		set -- "$@" "$a"
	done < "$CASE/args"
fi
if [ -f "$CASE/stdin" ]; then
	(cd "$TMP" && "$MNRSTAT" "$@" < "$CASE/stdin" > "$TMP/.out" 2> "$TMP/.err")
else
	(cd "$TMP" && "$MNRSTAT" "$@" < /dev/null > "$TMP/.out" 2> "$TMP/.err")
fi
got=$?
want=$(cat "$CASE/status")
sed -e "s|$TMP|@TMP@|g" -e "s|$SRC|@SRC@|g" "$TMP/.out" > "$TMP/.out.n"
sed -e "s|$TMP|@TMP@|g" -e "s|$SRC|@SRC@|g" "$TMP/.err" > "$TMP/.err.n"
status=0
if [ "$got" != "$want" ]; then
	echo "exit status $got, want $want" >&2
	status=1
fi
if [ -f "$CASE/stdout" ] && ! cmp -s "$CASE/stdout" "$TMP/.out.n"; then
	echo "stdout differs:" >&2
	diff "$CASE/stdout" "$TMP/.out.n" >&2
	status=1
fi
if [ -f "$CASE/stderr" ] && ! cmp -s "$CASE/stderr" "$TMP/.err.n"; then
	echo "stderr differs:" >&2
	diff "$CASE/stderr" "$TMP/.err.n" >&2
	status=1
fi
if [ -f "$CASE/secrets" ]; then
	while IFS= read -r s || [ -n "$s" ]; do
		[ -n "$s" ] || continue
		if grep -qF -- "$s" "$TMP/.out" "$TMP/.err"; then
			echo "a data value was echoed in the output" >&2
			status=1
		fi
	done < "$CASE/secrets"
fi
leftover=$(find "$TMP" -name '*.tmp.*' | head -n 1)
if [ -n "$leftover" ]; then
	echo "partial output left behind: $leftover" >&2
	status=1
fi
if [ -f "$CASE/check.sh" ]; then
	CASE=$CASE TMP=$TMP SRC=$SRC MNRSTAT=$MNRSTAT sh "$CASE/check.sh" || {
		echo "check.sh failed" >&2
		status=1
	}
fi
if [ $status != 0 ]; then
	echo "--- stderr was:" >&2
	head -c 2000 "$TMP/.err" >&2
fi
exit $status
