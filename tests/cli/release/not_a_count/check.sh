#!/bin/sh
# nothing written: no output, no manifest, no ledger
[ ! -e "$TMP/out.csv" ] && [ ! -e "$TMP/out.csv.manifest.json" ] && [ ! -e "$TMP/ledger" ]
