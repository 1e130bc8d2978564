#!/bin/sh
# Benchmark of `did` (issue 5): a simulated 60-country x 120-month panel,
# all estimators (2x2, TWFE with CR1, wild cluster bootstrap and Bacon
# decomposition, Callaway & Sant'Anna with every aggregation, pre-trend
# test), 999 bootstrap draws for the bands and both wild bootstraps.
# Prints the best of five runs.  Target: under one second.
# usage: bench/did.sh [BUILD_DIR]   (default: build)
set -eu
B=${1:-build}
cmake --build "$B" --target bench_did -j2 >/dev/null
"$B/bench_did" 60 120 999 5
