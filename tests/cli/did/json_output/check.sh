# The JSON result file exists, is whole, and carries the seed, the event
# study with its bands, the placebo and the leave-one-out runs.
f=$TMP/out.json
[ -s "$f" ] || { echo "no output file"; exit 1; }
for k in '"seed": 3' '"bootstrap_draws": 49' '"event_study"' '"band_lo"' \
	'"uniform_critical_value"' '"placebo"' '"months_earlier": 2' \
	'"leave_one_out"' '"left_out": "GBR"' '"bacon"' '"pretest"'; do
	grep -qF -- "$k" "$f" || { echo "missing $k"; exit 1; }
done
tail -c 2 "$f" | grep -q '}' || { echo "truncated"; exit 1; }
