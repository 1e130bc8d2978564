#!/bin/sh
# Ingest benchmark (issue 2, item 8): on 1M- and 10M-row synthetic case
# files, time in the same run and on the same (page-cached) files
#   wc -l, a memchr line count          (the floor: reading the bytes)
#   awk group-by count                  (count per country x month)
#   DuckDB, explicit types, 2 threads   (count, removed, median hours per
#                                        country x month; the ratios are to
#                                        this run)
#   DuckDB, dates as text, 2 threads    (its lower bound: the two counts by
#                                        the month as written, no median)
#   mnrstat aggregate, 1 and 2 threads  (the whole monthly panel)
# and print wall time, MB/s, rows/s, peak memory (max RSS from
# /usr/bin/time) and the ratio of each time to DuckDB's.
#
# Usage: bench/ingest.sh [ROWS...]          (default: 1000000 10000000)
# Environment: REPEAT=3 (best of N wall times), BUILD=DIR (build tree,
# default build-bench), MNRSTAT / MNRGEN (use these binaries instead of
# building), THREADS=2 (DuckDB's and mnrstat's parallel run).
# Files go to bench/work/ (git-ignored); DuckDB is installed with npm into
# bench/node_modules (git-ignored) from bench/package.json.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=$here/work
REPEAT=${REPEAT:-3}
THREADS=${THREADS:-2}
mkdir -p "$work"

if [ ! -x /usr/bin/time ]; then
	echo "ingest.sh: /usr/bin/time is missing (apt-get install time)" >&2
	exit 69
fi
if [ -z "${MNRSTAT:-}" ] || [ -z "${MNRGEN:-}" ]; then
	BUILD=${BUILD:-$root/build-bench}
	cmake -S "$root" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DBUILD_TESTING=OFF -DMNR_TEST_HOOKS=OFF > "$work/cmake.log"
	cmake --build "$BUILD" --target mnrstat mnrgen -j2 >> "$work/cmake.log"
	MNRSTAT=${MNRSTAT:-$BUILD/mnrstat}
	MNRGEN=${MNRGEN:-$BUILD/mnrgen}
fi
cc -O2 -o "$work/linecount" "$here/linecount.c"
have_duckdb=0
if command -v node > /dev/null; then
	if [ ! -d "$here/node_modules/@duckdb/node-api" ] && command -v npm > /dev/null; then
		(cd "$here" && npm install --no-audit --no-fund > "$work/npm.log" 2>&1) ||
			echo "ingest.sh: npm install failed, see $work/npm.log" >&2
	fi
	[ -d "$here/node_modules/@duckdb/node-api" ] && have_duckdb=1
fi
[ $have_duckdb = 1 ] || echo "ingest.sh: DuckDB unavailable (needs node and npm): skipped" >&2

# run NAME COMMAND...: best-of-REPEAT wall time and the largest max RSS.
run() {
	name=$1
	shift
	best=
	peak=0
	i=0
	while [ $i -lt "$REPEAT" ]; do
		/usr/bin/time -f '%e %M' -o "$work/time.out" "$@" > "$work/out.$name" 2> "$work/err.$name" || {
			echo "ingest.sh: $name failed:" >&2
			cat "$work/err.$name" >&2
			exit 70
		}
		read -r wall rss < "$work/time.out"
		best=$(awk -v a="${best:-$wall}" -v b="$wall" 'BEGIN { print (b < a ? b : a) }')
		[ "$rss" -gt "$peak" ] && peak=$rss
		i=$((i + 1))
	done
	echo "$name $best $peak" >> "$work/results"
}

[ $# -gt 0 ] || set -- 1000000 10000000
for rows in "$@"; do
	f=$work/cases_$rows.csv
	if [ ! -s "$f" ]; then
		echo "== generating $f"
		"$MNRGEN" --rows "$rows" --out "$f" 2> /dev/null
	fi
	bytes=$(wc -c < "$f")
	cat "$f" > /dev/null # into the page cache: every tool reads it warm
	: > "$work/results"
	run wc_l wc -l "$f"
	run memchr_count "$work/linecount" "$f"
	run awk_groupby awk -F, 'NR > 1 { k = $3 FS substr($5, 1, 7); n[k]++; if ($6 != "") r[k]++ }
		END { for (k in n) print k, n[k], r[k] + 0 }' "$f"
	if [ $have_duckdb = 1 ]; then
		run duckdb_${THREADS}t node "$here/duckdb_groupby.mjs" "$f" "$THREADS" "$work/duckdb_$rows.csv"
		run duckdb_${THREADS}t_text node "$here/duckdb_groupby.mjs" "$f" "$THREADS" --varchar
	fi
	run mnrstat_1t "$MNRSTAT" aggregate --quiet "$f" -o "$work/panel_1t_$rows.csv"
	run mnrstat_${THREADS}t "$MNRSTAT" aggregate --quiet --threads "$THREADS" "$f" -o "$work/panel_${THREADS}t_$rows.csv"
	cmp -s "$work/panel_1t_$rows.csv" "$work/panel_${THREADS}t_$rows.csv" ||
		{ echo "ingest.sh: --threads $THREADS panel differs" >&2; exit 70; }

	echo
	echo "== $rows rows, $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }') ($f), best of $REPEAT, $(nproc) cores"
	duck=$(awk -v t="duckdb_${THREADS}t" '$1 == t { print $2 }' "$work/results")
	awk -v bytes="$bytes" -v rows="$rows" -v duck="${duck:-0}" '
		BEGIN { printf "%-14s %8s %9s %12s %9s %9s\n", "tool", "wall s", "MB/s", "rows/s", "peak MB", "vs DuckDB" }
		{ printf "%-14s %8.3f %9.1f %12.0f %9.1f %9s\n", $1, $2, bytes / 1e6 / $2, rows / $2,
			$3 / 1024, (duck > 0 ? sprintf("%.2fx", $2 / duck) : "-") }' "$work/results"
	if [ $have_duckdb = 1 ]; then
		# The two agree on what both compute (months with reports).
		awk -F, 'NR == FNR { if (FNR > 1) d[$1 "," $2] = $3 "," $4 "," $5; next }
			FNR > 1 && $4 != "" && ($3 == "reports_total" || $3 == "reports_removed" || $3 == "removal_hours_median") {
				k = $1 "," $2; v[k, $3] = $4 }
			END {
				for (k in d) {
					split(d[k], a, ",")
					if (v[k, "reports_total"] != a[1] || v[k, "reports_removed"] != a[2] ||
					    (a[3] != "" && v[k, "removal_hours_median"] + 0 != a[3] + 0)) { bad++; if (bad < 4) print "differs: " k > "/dev/stderr" }
					n++
				}
				printf "DuckDB and mnrstat agree on %d of %d country-months (reports, removed, median hours)\n", n - bad, n
			}' "$work/duckdb_$rows.csv" "$work/panel_1t_$rows.csv"
	fi
done
