#!/bin/sh
# The map/reduce recipe of docs/distributed.md, run locally: the example's
# lines are cut into input splits the way Hadoop's TextInputFormat cuts
# them (at newlines, the header in the first split only), each split goes
# through mapper.sh, the one-line partials through a line sort (the
# shuffle), and reducer.sh writes the panel -- which must equal a single
# `mnrstat aggregate` run byte for byte.
# Usage: mapreduce.sh MNRSTAT SRC_DIR
set -eu
MNRSTAT=$1
SRC=$2
export MNRSTAT
D=$SRC/tests/cli/aggregate/mapreduce
CASES=$SRC/datasets/example/cases.csv
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrmr.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
"$MNRSTAT" aggregate --quiet "$CASES" > "$TMP/single.csv"
split -n l/5 "$CASES" "$TMP/split."
for s in "$TMP"/split.*; do
	sh "$D/mapper.sh" < "$s" | sed 's/$/\t/' >> "$TMP/mapped"
done
[ "$(wc -l < "$TMP/mapped")" = 5 ] || { echo "want 5 one-line partials" >&2; exit 1; }
LC_ALL=C sort "$TMP/mapped" | sh "$D/reducer.sh" > "$TMP/panel.csv"
cmp "$TMP/single.csv" "$TMP/panel.csv"
# An empty split maps to an empty partial, which merges as nothing.
sh "$D/mapper.sh" < /dev/null > "$TMP/empty"
cat "$TMP/empty" "$TMP/mapped" | sh "$D/reducer.sh" | cmp - "$TMP/single.csv"
echo "mapper/reducer over 5 splits == single pass"
