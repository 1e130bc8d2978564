#!/bin/sh
# The full 2 x 3 grid is released (absent cells too), every row and the
# manifest are stamped NOT PRIVATE, the output equals the committed one for
# this seed, and the ledger verifies with the spend recorded.
set -e
[ "$(wc -l < "$TMP/out.csv")" -eq 7 ]
[ "$(grep -c ',NOT PRIVATE$' "$TMP/out.csv")" -eq 6 ]
grep -q '"WARNING": "NOT PRIVATE' "$TMP/out.csv.manifest.json"
grep -q '"private": false' "$TMP/out.csv.manifest.json"
cmp "$TMP/out.csv" "$CASE/expected.csv"
"$MNRSTAT" budget "$TMP/ledger" | grep -q 'spent:     rho = 1/2 (0.5) in 1 release$'
