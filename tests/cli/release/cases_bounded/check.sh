#!/bin/sh
# p1 keeps 2 cells (ALB 2020-01 with 2 of its 3 rows, ALB 2020-03) and
# loses its BRA row: 2 of 7 rows dropped; sensitivity l1 = 2 x 2 = 4, so
# epsilon 1 means discrete Laplace scale 4; the grid is 2 countries x 3 months.
set -e
m="$TMP/out.csv.manifest.json"
grep -q '"rows_dropped": 2,' "$m"
grep -q '"rows_without_person_id": 1,' "$m"
grep -q '"units": 3,' "$m"
grep -q '"l1": 4,' "$m"
grep -q '"scale": "4"' "$m"
grep -q '"epsilon": "1"' "$m"
[ "$(wc -l < "$TMP/out.csv")" -eq 7 ]
