#!/bin/sh
# the small count (3) is hidden with three complements; output exact
set -e
cmp "$TMP/out.csv" "$CASE/expected.csv"
grep -q '"mechanism": "cell_suppression"' "$TMP/out.csv.manifest.json"
