# Small multiples: one metric across countries, written by mnrstat.
# The data are inline below (datablocks).  Restyle freely, then run
#   gnuplot THIS.gp                            (writes the image named below)
#   gnuplot -e "outfile='other.svg'" THIS.gp   (another name)
if (!exists("outfile")) outfile = 'm.png'
set terminal pngcairo size 800,550 noenhanced font 'Sans,11' background rgb 'white'
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
set ylabel 'reports_total per month'
set bmargin 5
set label 8999 'Data: panel.csv · synthetic data · drawn 2026-01-01 with mnrstat' at character 1, character 1 left font ',9' tc rgb '#555555'

$s1 << EOD
# month value
2018-01 20
2018-02 22
2018-03 23
2018-04 24
2018-05 23
2018-06 22
2018-07 21
2018-08 20
2018-09 19
2018-10 19
2018-11 19
2018-12 21
2019-01 22
2019-02 24
2019-03 25
2019-04 26
2019-05 NaN
2019-06 NaN
2019-07 NaN
2019-08 22
2019-09 21
2019-10 21
2019-11 22
2019-12 23
2020-01 25
2020-02 26
2020-03 36
2020-04 37
2020-05 37
2020-06 35
2020-07 34
2020-08 32
2020-09 31
2020-10 31
2020-11 31
2020-12 33
2021-01 35
2021-02 38
2021-03 39
2021-04 40
2021-05 40
2021-06 39
2021-07 37
2021-08 35
2021-09 34
2021-10 34
2021-11 35
2021-12 36
EOD

$s2 << EOD
# month value
2018-01 120
2018-02 130
2018-03 138
2018-04 142
2018-05 140
2018-06 135
2018-07 127
2018-08 119
2018-09 114
2018-10 113
2018-11 116
2018-12 124
2019-01 134
2019-02 145
2019-03 152
2019-04 156
2019-05 155
2019-06 149
2019-07 142
2019-08 134
2019-09 128
2019-10 165
2019-11 170
2019-12 180
2020-01 193
2020-02 207
2020-03 217
2020-04 222
2020-05 220
2020-06 213
2020-07 203
2020-08 193
2020-09 186
2020-10 184
2020-11 189
2020-12 199
2021-01 212
2021-02 225
2021-03 236
2021-04 240
2021-05 239
2021-06 232
2021-07 222
2021-08 211
2021-09 204
2021-10 203
2021-11 207
2021-12 218
EOD

$s3 << EOD
# month value
2018-01 45
2018-02 49
2018-03 52
2018-04 53
2018-05 53
2018-06 51
2018-07 48
2018-08 45
2018-09 43
2018-10 42
2018-11 44
2018-12 47
2019-01 50
2019-02 54
2019-03 57
2019-04 58
2019-05 58
2019-06 56
2019-07 53
2019-08 50
2019-09 48
2019-10 48
2019-11 49
2019-12 52
2020-01 56
2020-02 60
2020-03 63
2020-04 64
2020-05 63
2020-06 61
2020-07 58
2020-08 56
2020-09 54
2020-10 53
2020-11 54
2020-12 NaN
2021-01 61
2021-02 65
2021-03 68
2021-04 69
2021-05 69
2021-06 67
2021-07 64
2021-08 61
2021-09 59
2021-10 58
2021-11 60
2021-12 63
EOD

$s4 << EOD
# month value
2018-01 80
2018-02 87
2018-03 92
2018-04 94
2018-05 94
2018-06 90
2018-07 85
2018-08 80
2018-09 76
2018-10 75
2018-11 78
2018-12 83
2019-01 90
2019-02 96
2019-03 102
2019-04 104
2019-05 103
2019-06 100
2019-07 94
2019-08 89
2019-09 86
2019-10 85
2019-11 87
2019-12 92
2020-01 99
2020-02 106
2020-03 111
2020-04 114
2020-05 113
2020-06 109
2020-07 135
2020-08 128
2020-09 124
2020-10 123
2020-11 126
2020-12 133
2021-01 141
2021-02 150
2021-03 157
2021-04 160
2021-05 159
2021-06 154
2021-07 148
2021-08 141
2021-09 136
2021-10 135
2021-11 138
2021-12 145
EOD

set xdata time
set timefmt '%Y-%m'
set xrange [(strptime('%Y-%m','2018-01') - 15*86400):(strptime('%Y-%m','2022-01') - 15*86400)]
set xtics ('2018' strptime('%Y-%m','2018-01'), '2019' strptime('%Y-%m','2019-01'), '2020' strptime('%Y-%m','2020-01'), '2021' strptime('%Y-%m','2021-01'))
set yrange [0:259.20000000000005]
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
set ylabel 'reports_total per month' font ',10'
set title 'ALB' font ',11'
set arrow 1 from (strptime('%Y-%m','2020-03') - 15*86400), graph 0 to (strptime('%Y-%m','2020-03') - 15*86400), graph 1 nohead lc rgb black lw 1.2 dt 2 front
set object 1 rect from (strptime('%Y-%m','2019-05') - 15*86400), graph 0 to (strptime('%Y-%m','2019-08') - 15*86400), graph 1 behind fc rgb '#e8e8e8' fs solid 1.0 noborder
plot $s1 using 1:2 with lines lt 1 lw 1.8 notitle

# panel 2
unset label 8999
do for [l = 9000:9011] { unset label l }
unset arrow
unset object
unset ylabel
set title 'GBR' font ',11'
set arrow 1 from (strptime('%Y-%m','2019-10') - 15*86400), graph 0 to (strptime('%Y-%m','2019-10') - 15*86400), graph 1 nohead lc rgb black lw 1.2 dt 2 front
plot $s2 using 1:2 with lines lt 1 lw 1.8 notitle

# panel 3
unset arrow
unset object
set ylabel 'reports_total per month' font ',10'
set title 'KEN' font ',11'
set object 1 rect from (strptime('%Y-%m','2020-12') - 15*86400), graph 0 to (strptime('%Y-%m','2021-01') - 15*86400), graph 1 behind fc rgb '#e8e8e8' fs solid 1.0 noborder
plot $s3 using 1:2 with lines lt 1 lw 1.8 notitle

# panel 4
unset arrow
unset object
unset ylabel
set title 'PHL' font ',11'
set arrow 1 from (strptime('%Y-%m','2020-07') - 15*86400), graph 0 to (strptime('%Y-%m','2020-07') - 15*86400), graph 1 nohead lc rgb black lw 1.2 dt 2 front
plot $s4 using 1:2 with lines lt 1 lw 1.8 notitle
unset multiplot
