#!/bin/sh
# Rebuilds the SYNTHETIC example data in this folder byte for byte:
# cases.csv, adoption.csv, population.csv and effects.csv (README.md is
# written by hand).  The CTest data.example_regenerates runs the same command
# and compares the result with the committed files.
#
# usage: datasets/example/regenerate.sh [OUTDIR]
#   MNRGEN=/path/to/mnrgen  use an already-built generator; otherwise it is
#                           built in build-mnrgen/ at the top of the tree.
set -eu
SEED=20261127
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here}
gen=${MNRGEN:-}
if [ -z "$gen" ]; then
	cmake -S "$root" -B "$root/build-mnrgen" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$root/build-mnrgen" --target mnrgen >/dev/null
	gen="$root/build-mnrgen/mnrgen"
fi
"$gen" --seed "$SEED" --out-dir "$out"
