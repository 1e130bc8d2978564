#!/bin/sh
# datasets/metrics.csv lists exactly the metrics aggregate writes, each with
# an MNR domain, a definition, a unit and a direction (higher/lower/none).
# Usage: catalogue.sh MNRSTAT SRC_DIR
set -eu
M=$1
SRC=$2
CAT=$SRC/datasets/metrics.csv
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mnrcat.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
head -n 1 "$CAT" | grep -qx 'metric,domain,definition,unit,direction' ||
	{ echo "metrics.csv: unexpected header" >&2; exit 1; }
"$M" aggregate --quiet "$SRC/tests/cli/aggregate/small_panel/cases.csv" |
	awk -F, 'NR > 1 { print $3 }' | LC_ALL=C sort -u > "$TMP/written"
# The metric name never needs quoting; the definition may.
tail -n +2 "$CAT" | cut -d, -f1 | LC_ALL=C sort -u > "$TMP/listed"
diff "$TMP/listed" "$TMP/written" >&2 ||
	{ echo "metrics.csv and aggregate's metrics differ" >&2; exit 1; }
# Domain is one of the six MNR domains; direction one of three words.
tail -n +2 "$CAT" | awk -F, '
	{ d = $2; dir = $NF }
	d !~ /^(policy and governance|criminal justice|victim support and empowerment|societal prevention|industry engagement|communication and media)$/ { print "bad domain on line " NR + 1; bad = 1 }
	dir !~ /^(higher|lower|none)$/ { print "bad direction on line " NR + 1; bad = 1 }
	END { exit bad }' >&2
echo "metrics.csv lists the $(wc -l < "$TMP/written") metrics aggregate writes"
