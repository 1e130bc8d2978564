#!/bin/sh
# refused: no output; the ledger records nothing (an empty file may remain)
[ ! -e "$TMP/out.csv" ] && [ ! -e "$TMP/out.csv.manifest.json" ] && [ ! -s "$TMP/ledger" ]
