# The event-study file has the plot columns, one row per event time
# (-5 .. 7 in the reference panel), and bands where estimable.
f=$TMP/es.csv
[ "$(head -n 1 "$f")" = "event_time,estimate,ci_low,ci_high,band_low,band_high" ] || exit 1
[ "$(wc -l < "$f")" -eq 14 ] || exit 1
[ "$(sed -n 2p "$f" | cut -d, -f1)" = "-5" ] || exit 1
[ "$(tail -n 1 "$f" | cut -d, -f1)" = "7" ] || exit 1
# e = 0 has a band; e = 7 (a one-country cohort only) has none.
[ -n "$(grep '^0,' "$f" | cut -d, -f5)" ] || exit 1
[ -z "$(grep '^7,' "$f" | cut -d, -f5)" ] || exit 1
grep -q '^Callaway' "$TMP/out.txt"
