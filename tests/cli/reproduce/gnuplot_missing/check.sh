for e in gp csv md; do [ -s "$TMP/iwf-confirmed.$e" ] || exit 1; done
[ ! -e "$TMP/iwf-confirmed.svg" ]
