# make bench's chart: one row per variant, the warm median as a bar with
# whiskers from the fastest to the slowest run, the cold median below it, and
# lines at the floor, at 1.2x the floor, and at the floor with --net none.
# Usage: gnuplot -e "dat='chart.dat'; vars='chart.vars'; png='results.png'" chart.gp
load vars

row = 44
set terminal pngcairo size 1200, 230 + row * variants font "DejaVu Sans,12" noenhanced
set output png
set title sprintf("Time to start a container that runs /bin/true and to see it exit\n%s\n%s", \
	machine, runs) font "DejaVu Sans,15"
set xlabel "wall time per run, from fork to wait, milliseconds"
set ylabel ""
set yrange [0.4 : variants + 0.6]
set ytics scale 0
set xtics nomirror
set mxtics 2
set grid xtics mxtics lc rgb "#dddddd"
set xrange [0 : *]
set offsets 0, graph 0.14, 0, 0
set datafile separator "\t"
set datafile missing "-"
set style fill solid 0.85 border rgb "#333333"
set key outside below center horizontal

set arrow 1 from floor_ms, graph 0 to floor_ms, graph 1 nohead lw 2 lc rgb "#222222"
set arrow 2 from 1.2 * floor_ms, graph 0 to 1.2 * floor_ms, graph 1 nohead lw 2 dt 2 \
	lc rgb "#c0392b"
set label 1 sprintf("floor %.2f ms", floor_ms) at floor_ms, graph 1 offset -2, 0.8 right \
	font "DejaVu Sans,11"
set label 2 sprintf("1.2x floor %.2f ms", 1.2 * floor_ms) at 1.2 * floor_ms, graph 1 \
	offset 1, 0.8 left tc rgb "#c0392b" font "DejaVu Sans,11"

# The floor with --net none: what crun, runc, bwrap and unshare compare with.
set arrow 3 from floor_none_ms, graph 0 to floor_none_ms, graph 1 nohead lw 1.5 dt 3 \
	lc rgb "#7f8c8d"
set label 3 sprintf("floor --net none %.2f ms", floor_none_ms) at floor_none_ms, graph 0 \
	offset 0.5, 0.7 left tc rgb "#7f8c8d" font "DejaVu Sans,10"

up = 0.17
h = 0.15
plot dat using ($3 / 2):($1 + up):($3 / 2):(h):ytic(2) \
		with boxxyerror lc rgb "#2e86c1" title "warm median (back to back)", \
	'' using 3:($1 + up):4:5 with xerrorbars pt -1 lw 1.5 lc rgb "#1b2631" \
		title "warm fastest..slowest", \
	'' using ($6 / 2):($1 - up):($6 / 2):(h) \
		with boxxyerror lc rgb "#f5b041" title "cold median (after an idle pause)", \
	'' using 5:($1 + up):(sprintf("%.2f", $3)) with labels left offset 0.6, 0 \
		font "DejaVu Sans,10" notitle, \
	'' using 6:($1 - up):(sprintf("%.2f", $6)) with labels left offset 0.6, 0 \
		font "DejaVu Sans,10" notitle
