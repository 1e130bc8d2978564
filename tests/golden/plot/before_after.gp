# Before/after comparison with intervals, written by mnrstat.
# The data are inline below (datablocks).  Restyle freely, then run
#   gnuplot THIS.gp                            (writes the image named below)
#   gnuplot -e "outfile='other.svg'" THIS.gp   (another name)
if (!exists("outfile")) outfile = 'ba.svg'
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

set title 'Before and after' font ',14'
set ylabel 'value'
set bmargin 5
set label 8999 'Data: fixture.csv · synthetic data · drawn 2026-01-01 with mnrstat' at character 1, character 1 left font ',9' tc rgb '#555555'

$ba << EOD
# item before before_low before_high after after_low after_high
1 41.2 37.1 45.3 55.8 51 60.6
2 62 57.5 66.5 71.4 67.2 75.6
EOD

set xrange [0.4:2.6]
set xtics ('Reports per month' 1, 'Removed within 72 h (%%)' 2)
set yrange [0:*]
set bars 2

plot $ba using ($1 - 0.12):2:3:4 with yerrorbars lt 1 lw 2 pt 7 ps 1.2 title 'before (95% interval)', \
     $ba using ($1 + 0.12):5:6:7 with yerrorbars lt 2 lw 2 pt 5 ps 1.2 title 'after (95% interval)', \
     $ba using ($1 - 0.12):2:(sprintf('%.3g', $2)) with labels right offset -1,0 font ',9' tc rgb blue notitle, \
     $ba using ($1 + 0.12):5:(sprintf('%.3g', $5)) with labels left offset 1,0 font ',9' tc rgb vermillion notitle
