# Small multiples: one metric across countries, written by mnrstat.
# The data are inline below (datablocks).  Restyle freely, then run
#   gnuplot THIS.gp                            (writes the image named below)
#   gnuplot -e "outfile='other.svg'" THIS.gp   (another name)
if (!exists("outfile")) outfile = 'multiples.svg'
set terminal svg size 800,550 fixed noenhanced font 'Sans,12' background rgb 'white'
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

set title 'reports_total by country' font ',14'
set xlabel 'month'
set ylabel 'reports per month (count)'
set bmargin 5
set label 8999 'Data: fixture.csv · synthetic data · drawn 2026-01-01 with mnrstat' at character 1, character 1 left font ',9' tc rgb '#555555'

$s1 << EOD
# month value
2019-11 NaN
2019-12 NaN
2020-01 1
2020-02 2
2020-03 NaN
2020-04 4
EOD

$s2 << EOD
# month value
2019-11 3
2019-12 3
2020-01 5
2020-02 NaN
2020-03 NaN
2020-04 NaN
EOD

$s3 << EOD
# month value
2019-11 NaN
2019-12 NaN
2020-01 1
2020-02 2
2020-03 NaN
2020-04 4
EOD

set xdata time
set timefmt '%Y-%m'
set xrange [(strptime('%Y-%m','2019-11') - 15*86400):(strptime('%Y-%m','2020-05') - 15*86400)]
set xtics ('Jan 2020' strptime('%Y-%m','2020-01'))
set yrange [0:5.4]
set key off
set offsets 0, 0, 0, 0
unset xlabel
set xtics font ',9'
set ytics font ',9'
set multiplot layout 2,2 title 'reports_total by country'."\n".'dashed line: intervention; grey band: month without data' font ',14' margins screen 0.09, screen 0.98, screen 0.100, screen 0.840 spacing screen 0.05, screen 0.113
unset title

# panel 1
unset arrow
unset object
set ylabel 'reports per month (count)' font ',10'
set title 'ALB' font ',11'
set object 1 rect from (strptime('%Y-%m','2019-11') - 15*86400), graph 0 to (strptime('%Y-%m','2020-01') - 15*86400), graph 1 behind fc rgb '#e8e8e8' fs solid 1.0 noborder
set object 2 rect from (strptime('%Y-%m','2020-03') - 15*86400), graph 0 to (strptime('%Y-%m','2020-04') - 15*86400), graph 1 behind fc rgb '#e8e8e8' fs solid 1.0 noborder
plot $s1 using 1:2 with lines lt 1 lw 1.8 notitle

# panel 2
unset label 8999
do for [l = 9000:9011] { unset label l }
unset arrow
unset object
unset ylabel
set title 'Côte d''Ivoire' font ',11'
set arrow 1 from (strptime('%Y-%m','2019-12') - 15*86400), graph 0 to (strptime('%Y-%m','2019-12') - 15*86400), graph 1 nohead lc rgb black lw 1.2 dt 2 front
set object 1 rect from (strptime('%Y-%m','2020-02') - 15*86400), graph 0 to (strptime('%Y-%m','2020-05') - 15*86400), graph 1 behind fc rgb '#e8e8e8' fs solid 1.0 noborder
plot $s2 using 1:2 with lines lt 1 lw 1.8 notitle

# panel 3
unset arrow
unset object
set ylabel 'reports per month (count)' font ',10'
set title 'KEN' font ',11'
set object 1 rect from (strptime('%Y-%m','2019-11') - 15*86400), graph 0 to (strptime('%Y-%m','2020-01') - 15*86400), graph 1 behind fc rgb '#e8e8e8' fs solid 1.0 noborder
set object 2 rect from (strptime('%Y-%m','2020-03') - 15*86400), graph 0 to (strptime('%Y-%m','2020-04') - 15*86400), graph 1 behind fc rgb '#e8e8e8' fs solid 1.0 noborder
plot $s3 using 1:2 with lines lt 1 lw 1.8 notitle
unset multiplot
