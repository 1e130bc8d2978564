# Kaplan-Meier curves, written by mnrstat.
# The data are inline below (datablocks).  Restyle freely, then run
#   gnuplot THIS.gp                            (writes the image named below)
#   gnuplot -e "outfile='other.svg'" THIS.gp   (another name)
if (!exists("outfile")) outfile = 'km.svg'
set terminal svg size 800,500 fixed noenhanced font 'Sans,12' background rgb 'white'
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

set title 'Time to removal' font ',14'
set xlabel 'time since report (hours)'
set ylabel 'share not yet removed'
set bmargin 5
set label 8999 'Data: fixture.csv · synthetic data · drawn 2026-01-01 with mnrstat' at character 1, character 1 left font ',9' tc rgb '#555555'

$km1 << EOD
# time surv lower upper censored
0 1 1 1 0
2 0.9 0.8 1 0
5 0.7 0.55 0.85 1
9 0.55 0.4 0.7 0
14 0.4 0.25 0.55 0
20 0.3 0.15 0.45 2
EOD

$km2 << EOD
# time surv lower upper censored
0 1 1 1 0
1 0.8 NaN NaN 0
3 0.6 NaN NaN 0
4 0.45 NaN NaN 0
8 0.2 NaN NaN 0
EOD

set offsets 0, 0, 0, 0
set yrange [0:1.05]
set ytics 0.25
set xrange [0:*]
set key inside top right vertical reverse Left box lc rgb '#cccccc' opaque width 1
set arrow 1 from first 0, first 0.5 to first 14, first 0.5 nohead lc rgb grey dt 3 lw 1 back
set arrow 2 from first 14, first 0.5 to first 14, first 0 nohead lt 1 dt 3 lw 1.5 back
set arrow 3 from first 0, first 0.5 to first 4, first 0.5 nohead lc rgb grey dt 3 lw 1 back
set arrow 4 from first 4, first 0.5 to first 4, first 0 nohead lt 2 dt 3 lw 1.5 back

plot $km1 using 1:2 with steps lt 1 lw 2.5 title 'before (median 14 hours)', \
     $km1 using 1:3 with steps lt 1 lw 1 dt 2 notitle, \
     $km1 using 1:4 with steps lt 1 lw 1 dt 2 notitle, \
     $km1 using 1:($5 > 0 ? $2 : NaN) with points lt 1 pt 1 ps 1.2 notitle, \
     $km2 using 1:2 with steps lt 2 lw 2.5 title 'after (median 4 hours)', \
     keyentry with lines lc rgb grey lw 1 dt 2 title 'pointwise interval', \
     keyentry with points lc rgb black pt 1 ps 1.2 title 'censored (not yet removed)', \
     keyentry with lines lc rgb grey lw 1 dt 3 title 'median'
