#!/bin/sh
# Coverage of 95% intervals for the level change (its) and the rate ratio
# (compare) on differentially private released series, with the known
# noise variance accounted for and ignored (issue 4, item 7).
# A SIMULATION, NOT A RELEASE: the noise comes from the insecure seeded
# source (NOT PRIVATE); the seed is printed.
# Usage: bench/noise_coverage.sh [REPS [SEED]]   (defaults 4000, 20261128)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-bench}
cmake -S "$src" -B "$build" >/dev/null
cmake --build "$build" --target noise_coverage -j2 >/dev/null
"$build/noise_coverage" "${1:-4000}" "${2:-20261128}"
