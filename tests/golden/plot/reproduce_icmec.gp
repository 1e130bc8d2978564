# Published figure reproduced from cited sources, written by mnrstat.
# The data are inline below (datablocks).  Restyle freely, then run
#   gnuplot THIS.gp                            (writes the image named below)
#   gnuplot -e "outfile='other.svg'" THIS.gp   (another name)
if (!exists("outfile")) outfile = 'fig.svg'
set terminal svg size 800,580 fixed noenhanced font 'Sans,12' background rgb 'white'
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

set title 'Countries with sufficient legislation against child sexual abuse material'."\n".'ICMEC, Model Legislation & Global Review, by edition' font ',14'
set xlabel 'edition (year)'
set ylabel 'countries (count)'
set bmargin 12
set label 9000 'Counts before and after 2010 are not on the same base; the 2nd-4th and 10th (2023) editions were not found.' at character 1, character 8 left font ',9' tc rgb '#333333'
set label 9001 'Sources: International Centre for Missing & Exploited Children (ICMEC) (2006, 2010; primary); International Centre for' at character 1, character 7 left font ',9' tc rgb '#333333'
set label 9002 'Missing & Exploited Children (ICMEC) via OSCE POLIS (2008; secondary); International Centre for Missing & Exploited' at character 1, character 6 left font ',9' tc rgb '#333333'
set label 9003 'Children (ICMEC) via IssueLab (2009; secondary); BiztechAfrica (reporting ICMEC) (2012; secondary); John Carr (blog,' at character 1, character 5 left font ',9' tc rgb '#333333'
set label 9004 'reporting ICMEC) (2016; secondary); RESPECT.international (summarising ICMEC) (2018; secondary); Brave Movement (2006,' at character 1, character 4 left font ',9' tc rgb '#333333'
set label 9005 '2023; claim, unverified; claim, matches the cited source).' at character 1, character 3 left font ',9' tc rgb '#333333'
set label 9006 'Every value with its source, quote and type: icmec-legislation.md' at character 1, character 2 left font ',9' tc rgb '#333333'
set label 8999 'Data: icmec_csam_legislation.csv, claims_to_check.csv (datasets/published) · drawn 2026-01-01 with mnrstat' at character 1, character 1 left font ',9' tc rgb '#555555'

$layer1 << EOD
# year value source (1 primary, 2 secondary, 3 transcription, 4 unverified claim, 5 confirmed claim)
2006 27 1
2008 29 2
2009 35 2
2010 45 1
2012 69 2
2016 82 2
2018 118 2
EOD

$layer2 << EOD
# year value source (1 primary, 2 secondary, 3 transcription, 4 unverified claim, 5 confirmed claim)
2006 27 5
2023 138 4
EOD

set xrange [2005:2024]
set xtics 2
set mxtics 2
set key inside top left vertical maxcols 1 noopaque
set yrange [0:*]
set style fill solid 0.9 border lc rgb 'white'
set boxwidth 0.75
set arrow 1 from first 2009.5, graph 0 to first 2009.5, graph 1 nohead lc rgb black lw 1.5 dt 2 front
set label 1 'from 2010: all 196 countries reviewed (before: 184-187)' at first 2009.5, graph 0.55 left offset 0.5,0 font ',10' front

plot $layer2 using 1:($3 == 4 ? $2/1 : NaN) with points lc rgb vermillion pt 12 ps 2.2 lw 2.5 title 'claim in advocacy writing: UNVERIFIED', \
     $layer2 using 1:($3 == 5 ? $2/1 : NaN) with points lc rgb vermillion pt 12 ps 2.8 lw 1.5 title 'claim in advocacy writing: matches the cited source', \
     $layer2 using 1:($3 == 4 ? $2/1 : NaN):(sprintf('%g: claim, unverified', $2/1)) with labels right offset -1.8,0 tc rgb vermillion font ',10' notitle, \
     $layer1 using 1:($2/1) with lines lc rgb blue lw 1.5 notitle, \
     $layer1 using 1:($3 == 1 ? $2/1 : NaN) with points lc rgb blue pt 7 ps 1.6 lw 2 title 'ICMEC Global Review (primary source)', \
     $layer1 using 1:($3 == 2 ? $2/1 : NaN) with points lc rgb blue pt 6 ps 1.6 lw 2 title 'ICMEC Global Review (secondary source)', \
     $layer1 using 1:($2/1 >= 1 ? $2/1 : NaN):(sprintf('%.0f', $2/1)) with labels offset 0,0.8 font ',8' notitle
