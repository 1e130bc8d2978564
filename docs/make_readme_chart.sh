#!/bin/sh
# Regenerate the chart shown in README.md from the bundled SYNTHETIC example:
# aggregate -> its (negative binomial, population offset, one Fourier pair)
# -> plot its.  Usage: docs/make_readme_chart.sh PATH/TO/mnrstat
set -eu
M=$1
here=$(cd "$(dirname "$0")" && pwd)
ex=$here/../datasets/example
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$M" aggregate -q "$ex/cases.csv" --population "$ex/population.csv" -o "$tmp/panel.csv"
"$M" its "$tmp/panel.csv" --metric reports_total --country GBR \
	--intervention 2015-06 --model negbin --offset population \
	--seasonality fourier:1 --points "$tmp/points.csv" > /dev/null
"$M" plot its "$tmp/points.csv" \
	--title "GBR (synthetic example): monthly reports, MNR adopted 2015-06" \
	--ylabel "reports per month" --synthetic --date 2026-11-28 \
	--out "$here/img/gbr_reports_its.png"
