#!/bin/sh
# Scripted end-to-end checks of 'mnrstat release' and 'mnrstat budget'
# (issue 4): a failing random source releases nothing and spends nothing;
# concurrent releases never overspend; a tampered ledger is refused; the
# Laplace, (eps, delta) and --clamp-zero paths write what they promise.
# Usage: dp_release.sh MNRSTAT SRC_DIR
set -u
M=$1
SRC=$2
P=$SRC/tests/cli/release/data/panel.csv
T=$(mktemp -d "${TMPDIR:-/tmp}/mnrdp.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. failing random source (test-build hook): exit 77, nothing written or spent
for after in 0 5 200; do
	MNR_TEST_RANDOM_FAIL_AFTER=$after "$M" release "$P" --ledger "$T/l1" \
		--rho 1/2 --budget-rho 1 --metric reports_total -o "$T/o1.csv" --from 2015-01 \
		2> "$T/err"
	rc=$?
	[ "$rc" = 77 ] || fail "random failure after $after bytes: exit $rc"
	grep -q 'random source failed; nothing was released \[random-source\]' "$T/err" \
		|| fail "random failure message"
	[ ! -e "$T/o1.csv" ] && [ ! -e "$T/o1.csv.manifest.json" ] \
		|| fail "output written despite random failure"
	[ ! -e "$T/l1" ] || fail "ledger touched despite random failure"
	ls "$T" | grep -q '\.tmp\.' && fail "temporary file left"
done

# 2. six concurrent releases of rho 1/4 against a budget of 1: exactly 4 succeed
i=0
while [ $i -lt 6 ]; do
	( "$M" release "$P" --ledger "$T/l2" --rho 1/4 --budget-rho 1 \
		--metric reports_total -o "$T/c$i.csv" 2>/dev/null; echo $? > "$T/rc$i" ) &
	i=$((i + 1))
done
wait
ok=$(cat "$T"/rc* | grep -c '^0$')
refused=$(cat "$T"/rc* | grep -c '^77$')
[ "$ok" = 4 ] && [ "$refused" = 2 ] || fail "concurrent: $ok ok, $refused refused"
[ "$(ls "$T"/c*.csv | grep -vc manifest)" = 4 ] || fail "concurrent: outputs"
"$M" budget "$T/l2" | grep -q 'spent:     rho = 1 (1) in 4 releases$' \
	|| fail "concurrent: ledger total"

# 3. tampered ledger: release refused (65), nothing written
sed 's/"charged":"1\/4"/"charged":"1\/8"/' "$T/l2" > "$T/l3"
"$M" release "$P" --ledger "$T/l3" --rho 1/4 --metric reports_total \
	-o "$T/o3.csv" 2> "$T/err"
rc=$?
[ "$rc" = 65 ] || fail "tampered ledger: exit $rc"
grep -q '\[ledger-chain\]' "$T/err" || fail "tampered ledger message"
[ ! -e "$T/o3.csv" ] || fail "output written on a tampered ledger"

# 4. discrete Laplace on a rho budget is charged eps^2/2; --clamp-zero
"$M" release "$P" --ledger "$T/l4" --epsilon 1/2 --budget-rho 1 \
	--metric reports_total --clamp-zero -o "$T/o4.csv" 2>/dev/null \
	|| fail "laplace release"
grep -q '"mechanism": "discrete_laplace"' "$T/o4.csv.manifest.json" || fail "laplace mechanism"
grep -q '"charged": "1/8"' "$T/o4.csv.manifest.json" || fail "laplace charge"
grep -q '"max_bias"' "$T/o4.csv.manifest.json" || fail "clamp bias stated"
awk -F, 'NR > 1 && ($4 < 0 || $7 < 0) { bad = 1 } END { exit bad }' "$T/o4.csv" \
	|| fail "clamp-zero left a negative value"

# 5. (eps, delta): discrete Gaussian meeting the requested delta
"$M" release "$P" --ledger "$T/l5" --epsilon 1 --delta 1e-6 --budget-rho 1 \
	--metric reports_total -o "$T/o5.csv" 2>/dev/null || fail "eps-delta release"
grep -q '"sigma2": "573/32"' "$T/o5.csv.manifest.json" || fail "eps-delta sigma2"
grep -q '"curve_method": "exact discrete Gaussian' "$T/o5.csv.manifest.json" \
	|| fail "eps-delta curve method"
exit 0
