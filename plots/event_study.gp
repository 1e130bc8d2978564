# Event study, written by mnrstat.
# The data are inline below (datablocks).  Restyle freely, then run
#   gnuplot THIS.gp                            (writes the image named below)
#   gnuplot -e "outfile='other.svg'" THIS.gp   (another name)
if (!exists("outfile")) outfile = 'es.svg'
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

set title 'Event study' font ',14'
set xlabel 'event time (months since adoption)'
set ylabel 'effect on reports per month'
set bmargin 5
set label 8999 'Data: fixture.csv · synthetic data · drawn 2026-01-01 with mnrstat' at character 1, character 1 left font ',9' tc rgb '#555555'

$es << EOD
# event_time estimate ci_low ci_high band_low band_high
-3 0.1 -0.5 0.7 -0.8 1
-2 -0.2 -0.8 0.4 -1.1 0.7
-1 0.05 -0.5 0.6 -0.8 0.9
0 1.2 0.6 1.8 0.3 2.1
1 1.5 0.8 2.2 0.5 2.5
2 1.9 1.1 2.7 0.8 3
EOD

set xrange [-3.8:2.8]
set xtics 1
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lc rgb grey lw 1 back
set arrow 2 from first -0.5, graph 0 to first -0.5, graph 1 nohead lc rgb black lw 1.5 dt 2 front
set label 2 ' adoption (event time 0 = first period under the MNR)' at first -0.5, graph 0.04 left font ',10' front
set bars 1.5

plot $es using 1:5:6 with filledcurves fc rgb skyblue fs transparent solid 0.35 noborder title '95% uniform band', \
     $es using 1:2 with lines lc rgb grey lw 1 notitle, \
     $es using ($1 < 0 ? $1 : NaN):2:3:4 with yerrorbars lt 1 lw 2 pt 7 ps 1 title 'before adoption, 95% pointwise interval', \
     $es using ($1 >= 0 ? $1 : NaN):2:3:4 with yerrorbars lt 2 lw 2 pt 5 ps 1 title 'after adoption, 95% pointwise interval'
