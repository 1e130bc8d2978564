#!/bin/sh
# Time 'its --sensitivity' work over every country x metric series of the
# example data: aggregate datasets/example into a panel, then run the
# sensitivity grid (all models and error methods the data allow, Fourier
# seasonality K = 1) on each series in one process.  Also times the CLI
# end to end on one series.
# Usage: bench/its_timing.sh [ROUNDS]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target its_bench mnrstat -j2 >/dev/null
"$build/mnrstat" aggregate -q --population "$src/datasets/example/population.csv" \
	-o "$tmp/panel.csv" "$src/datasets/example/cases.csv"
"$build/its_bench" timing "$tmp/panel.csv" "$src/datasets/example/adoption.csv" "${1:-3}"
