# --method twfe still prints Callaway & Sant'Anna, and before TWFE.
cs=$(grep -n "^Callaway" "$TMP/.out" | cut -d: -f1)
tw=$(grep -n "^Two-way" "$TMP/.out" | cut -d: -f1)
[ -n "$cs" ] && [ -n "$tw" ] && [ "$cs" -lt "$tw" ]
