#!/bin/sh
# Simulation check of honesty for 'mnrstat its' (issue 3, item 6): coverage
# of 95% intervals for the level change under AR(1) errors, for classic,
# Newey-West and Prais-Winsten errors at n = 24 and n = 120 months.
# Usage: bench/its_coverage.sh [REPS [SEED]]   (defaults 2000, 20261127)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target its_bench -j2 >/dev/null
"$build/its_bench" coverage "${1:-2000}" "${2:-20261127}"
