#!/bin/sh
# Shard + merge equals a single pass, byte for byte: the example's rows are
# shuffled, dealt into 1, 2 and 7 shards, each shard aggregated to a
# partial, and the partials merged in shuffled orders (and as a tree of
# merges).  Also: --threads 2 gives the single-threaded bytes.
# Usage: shards.sh MNRSTAT SRC_DIR
set -eu
M=$1
SRC=$2
CASES=$SRC/datasets/example/cases.csv
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrshard.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# A fixed stream of bytes as shuf's randomness, so runs are repeatable.
seeded() { yes "mnrstat-shards-$1" | head -c 1048576; }

"$M" aggregate --quiet "$CASES" -o "$TMP/single.csv"
"$M" aggregate --quiet --threads 2 "$CASES" -o "$TMP/threads2.csv"
cmp "$TMP/single.csv" "$TMP/threads2.csv" || fail "--threads 2 differs from one thread"
"$M" aggregate --quiet --threads 7 "$CASES" -o "$TMP/threads7.csv"
cmp "$TMP/single.csv" "$TMP/threads7.csv" || fail "--threads 7 differs from one thread"

head -n 1 "$CASES" > "$TMP/header"
tail -n +2 "$CASES" > "$TMP/body"
seeded rows > "$TMP/seed"
shuf --random-source="$TMP/seed" "$TMP/body" > "$TMP/shuffled"
for n in 1 2 7; do
	rm -f "$TMP"/shard.* "$TMP"/part.*
	# Deal rows round-robin: every shard spans the whole period.
	awk -v n=$n -v dir="$TMP" '{ print > (dir "/shard." (NR % n)) }' "$TMP/shuffled"
	i=0
	while [ $i -lt $n ]; do
		cat "$TMP/header" "$TMP/shard.$i" > "$TMP/shard.$i.csv"
		"$M" aggregate --quiet --partial "$TMP/shard.$i.csv" -o "$TMP/part.$i"
		i=$((i + 1))
	done
	for order in a b c; do
		seeded "$n$order" > "$TMP/seed"
		# shellcheck disable=SC2046
		"$M" merge $(ls "$TMP"/part.* | shuf --random-source="$TMP/seed") \
			-o "$TMP/merged.csv"
		cmp "$TMP/single.csv" "$TMP/merged.csv" ||
			fail "$n shards merged in order $order differ from one pass"
	done
	if [ $n = 7 ]; then
		# A tree: ((0 1 2) (3 4)) (5 6), partial merges in between.
		"$M" merge --partial "$TMP/part.0" "$TMP/part.1" "$TMP/part.2" -o "$TMP/t1"
		"$M" merge --partial "$TMP/part.4" "$TMP/part.3" -o "$TMP/t2"
		"$M" merge --partial "$TMP/t2" "$TMP/t1" -o "$TMP/t3"
		"$M" merge "$TMP/part.6" "$TMP/t3" "$TMP/part.5" -o "$TMP/merged.csv"
		cmp "$TMP/single.csv" "$TMP/merged.csv" || fail "tree merge differs"
		# The merged partial equals the partial of one pass.
		"$M" aggregate --quiet --partial "$CASES" -o "$TMP/whole.part"
		"$M" merge --partial "$TMP"/part.* -o "$TMP/all.part"
		cmp "$TMP/whole.part" "$TMP/all.part" || fail "merged partial differs"
	fi
	echo "$n shards: merged == single pass"
done
