#!/usr/bin/env bash
# The newcomer's two commands (see README.md):
#   ./bootstrap.sh example   install what is missing, build, run the main job
#                            on the bundled example data
#   ./bootstrap.sh test      install what is missing, build, run the whole
#                            test suite, then again under ASan + UBSan
# Installs Debian packages only when they are missing; when not root it
# prints the exact apt-get line to run and stops.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-}
case "$mode" in
example|test) ;;
*) echo "usage: ./bootstrap.sh example|test" >&2; exit 64 ;;
esac

# Build and run-time needs; the test run also needs what the browser and
# reference checks use.
pkgs=(cmake gcc make pkg-config libgsl-dev libcsv-dev libcmocka-dev
      libjansson-dev gnuplot-nox)
if [ "$mode" = test ]; then
	pkgs+=(time chromium nodejs)
fi

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "bootstrap: installing ${missing[*]}" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "bootstrap: missing packages; run as root:" >&2
		echo "  sudo apt-get install -y ${missing[*]}" >&2
		exit 69
	fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
build() { # build DIR [cmake args...]
	local dir=$1; shift
	cmake -S . -B "$dir" -DMNR_REQUIRE_TESTS=ON "$@" >/dev/null
	cmake --build "$dir" -j"$jobs" ${target:+--target "$target"} >/dev/null
}

if [ "$mode" = example ]; then
	target=mnrstat build build-release -DCMAKE_BUILD_TYPE=Release
	exec sh tools/example.sh build-release/mnrstat
fi

build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --test-dir build --output-on-failure -j"$jobs"
build build-asan -DCMAKE_BUILD_TYPE=Debug -DMNR_SANITIZE=ON
ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE slow
