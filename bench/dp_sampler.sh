#!/bin/sh
# Sampler throughput of the exact discrete DP samplers (issue 4), with the
# raw getrandom byte rate and GSL's float Gaussian as same-run baselines.
# Usage: bench/dp_sampler.sh [build-dir] [seconds-per-case]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$here/build-bench"}
secs=${2:-1}
if [ ! -x "$build/dp_sampler_bench" ]; then
	cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$build" --target dp_sampler_bench -j2 >/dev/null
fi
echo "# $(uname -m) $(date -u +%Y-%m-%dT%H:%MZ), ${secs}s per case"
exec "$build/dp_sampler_bench" "$secs"
