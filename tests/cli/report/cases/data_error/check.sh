test ! -e "$TMP/out"
