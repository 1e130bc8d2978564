# Interrupted time series, written by mnrstat.
# The data are inline below (datablocks).  Restyle freely, then run
#   gnuplot THIS.gp                            (writes the image named below)
#   gnuplot -e "outfile='other.svg'" THIS.gp   (another name)
if (!exists("outfile")) outfile = 'its.png'
set terminal pngcairo size 800,500 noenhanced font 'Sans,11' background rgb 'white'
set output outfile
set encoding utf8

# Okabe-Ito palette, safe for colour-blind readers (Okabe and Ito,
# "Color Universal Design", 2008).
black = '#000000'; orange = '#E69F00'; skyblue = '#56B4E9'
green = '#009E73'; yellow = '#F0E442'; blue = '#0072B2'
vermillion = '#D55E00'; purple = '#CC79A7'; grey = '#767676'
set linetype 1 lc rgb blue lw 2 pt 7 ps 0.8
set linetype 2 lc rgb vermillion lw 2 pt 5 ps 0.8
set linetype 3 lc rgb green lw 2 pt 9 ps 0.9
set linetype 4 lc rgb orange lw 2 pt 11 ps 0.9
set linetype 5 lc rgb skyblue lw 2 pt 13 ps 0.9
set linetype 6 lc rgb purple lw 2 pt 7 ps 0.8
set linetype 7 lc rgb black lw 2 pt 5 ps 0.8
set linetype 8 lc rgb grey lw 2 pt 9 ps 0.9
set linetype cycle 8
set border 3 lc rgb '#444444'
set tics nomirror out
set grid ytics lc rgb '#dddddd' lw 1 dt 1
# Legend inside at the top, in two columns, with head room kept
# free above the data (offsets) so that it never hides a point.
set key inside top left horizontal maxcols 2 reverse Left noopaque nobox samplen 2.5 spacing 1.1 width 2
set offsets 0, 0, graph 0.25, 0

set title 'Interrupted time series' font ',14'
set xlabel 'month'
set ylabel 'value'
set bmargin 5
set label 8999 'Data: its.csv · synthetic data · drawn 2026-01-01 with mnrstat' at character 1, character 1 left font ',9' tc rgb '#555555'

$observed << EOD
# month value
2018-01 20
2018-02 23.3
2018-03 19.8
2018-04 18.1
2018-05 22.7
2018-06 23.9
2018-07 19.7
2018-08 20.2
2018-09 25
2018-10 23.9
2018-11 20.1
2018-12 22.9
2019-01 26.6
2019-02 23.6
2019-03 21.3
2019-04 25.6
2019-05 NaN
2019-06 NaN
2019-07 23.2
2019-08 28
2019-09 27.6
2019-10 23.6
2019-11 25.7
2019-12 29.9
2020-01 27.3
2020-02 24.5
2020-03 34.4
2020-04 37.3
2020-05 33.8
2020-06 33.4
2020-07 38.6
2020-08 39.2
2020-09 35.5
2020-10 37.4
2020-11 42.2
2020-12 40.7
2021-01 37.8
2021-02 41.7
2021-03 45.1
2021-04 41.9
2021-05 40.9
2021-06 46
2021-07 47.3
2021-08 43.5
2021-09 44.7
2021-10 49.8
2021-11 48.8
2021-12 45.6
EOD

$fit << EOD
# month fitted counterfactual cf_low cf_high segment
2018-01 20 NaN NaN NaN 0
2018-02 20.3 NaN NaN NaN 0
2018-03 20.6 NaN NaN NaN 0
2018-04 20.9 NaN NaN NaN 0
2018-05 21.2 NaN NaN NaN 0
2018-06 21.5 NaN NaN NaN 0
2018-07 21.8 NaN NaN NaN 0
2018-08 22.1 NaN NaN NaN 0
2018-09 22.4 NaN NaN NaN 0
2018-10 22.7 NaN NaN NaN 0
2018-11 23 NaN NaN NaN 0
2018-12 23.3 NaN NaN NaN 0
2019-01 23.6 NaN NaN NaN 0
2019-02 23.9 NaN NaN NaN 0
2019-03 24.2 NaN NaN NaN 0
2019-04 24.5 NaN NaN NaN 0
2019-05 24.8 NaN NaN NaN 0
2019-06 25.1 NaN NaN NaN 0
2019-07 25.4 NaN NaN NaN 0
2019-08 25.7 NaN NaN NaN 0
2019-09 26 NaN NaN NaN 0
2019-10 26.3 NaN NaN NaN 0
2019-11 26.6 NaN NaN NaN 0
2019-12 26.9 NaN NaN NaN 0
2020-01 27.2 NaN NaN NaN 0
2020-02 27.5 NaN NaN NaN 0

2020-03 33.8 27.8 25.8 29.8 1
2020-04 34.5 28.1 25.95 30.25 1
2020-05 35.2 28.4 26.1 30.7 1
2020-06 35.9 28.7 26.25 31.15 1
2020-07 36.6 29 26.4 31.6 1
2020-08 37.3 29.3 26.55 32.05 1
2020-09 38 29.6 26.7 32.5 1
2020-10 38.7 29.9 26.85 32.95 1
2020-11 39.4 30.2 27 33.4 1
2020-12 40.1 30.5 27.15 33.85 1
2021-01 40.8 30.8 27.3 34.3 1
2021-02 41.5 31.1 27.45 34.75 1
2021-03 42.2 31.4 27.6 35.2 1
2021-04 42.9 31.7 27.75 35.65 1
2021-05 43.6 32 27.9 36.1 1
2021-06 44.3 32.3 28.05 36.55 1
2021-07 45 32.6 28.2 37 1
2021-08 45.7 32.9 28.35 37.45 1
2021-09 46.4 33.2 28.5 37.9 1
2021-10 47.1 33.5 28.65 38.35 1
2021-11 47.8 33.8 28.8 38.8 1
2021-12 48.5 34.1 28.95 39.25 1
EOD

set xdata time
set timefmt '%Y-%m'
set xrange [(strptime('%Y-%m','2018-01') - 15*86400):(strptime('%Y-%m','2022-01') - 15*86400)]
set xtics ('Jan 2018' strptime('%Y-%m','2018-01'), 'Jul 2018' strptime('%Y-%m','2018-07'), 'Jan 2019' strptime('%Y-%m','2019-01'), 'Jul 2019' strptime('%Y-%m','2019-07'), 'Jan 2020' strptime('%Y-%m','2020-01'), 'Jul 2020' strptime('%Y-%m','2020-07'), 'Jan 2021' strptime('%Y-%m','2021-01'), 'Jul 2021' strptime('%Y-%m','2021-07'))
set yrange [0:*]
set arrow 1 from (strptime('%Y-%m','2020-03') - 15*86400), graph 0 to (strptime('%Y-%m','2020-03') - 15*86400), graph 1 nohead lc rgb black lw 1.5 dt 2 front
set label 1 ' intervention 2020-03' at (strptime('%Y-%m','2020-03') - 15*86400), graph 0.04 left font ',10' front
set object 1 rect from (strptime('%Y-%m','2019-05') - 15*86400), graph 0 to (strptime('%Y-%m','2019-07') - 15*86400), graph 1 behind fc rgb '#e8e8e8' fs solid 1.0 noborder

plot $fit using 1:4:5 with filledcurves fc rgb skyblue fs transparent solid 0.35 noborder title 'counterfactual 95% interval', \
     $fit using 1:3 with lines lc rgb blue lw 2 dt 2 title 'counterfactual (trend before continued)', \
     $fit using 1:($6 == 0 ? $2 : NaN) with lines lt 1 lw 2.5 title 'fitted before', \
     $fit using 1:($6 > 0 ? $2 : NaN) with lines lt 2 lw 2.5 title 'fitted after', \
     $observed using 1:2 with points pt 7 ps 0.7 lc rgb black title 'observed', \
     keyentry with boxes fc rgb '#e8e8e8' fs solid 1.0 border lc rgb grey title 'month without data'
