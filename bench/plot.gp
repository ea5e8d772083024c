# Copyright (c) 2026 The snowrelay authors
# SPDX-License-Identifier: ISC
#
# Delivered against offered rate, one series per relay and payload size.
# Usage (bench/run.sh): gnuplot -e "files='a.dat b.dat'; outfile='rate.png';
#   subtitle='...'" plot.gp
# Each .dat file: a header line "TITLE" "x", then "offered_kpps delivered_kpps".

if (!exists("files") || !exists("outfile")) {
	print "plot.gp: set files and outfile with -e"
	exit status 2
}
if (!exists("subtitle")) subtitle = ""

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 960,640 noenhanced font ",10"
} else {
	set terminal png size 960,640 noenhanced
}
set output outfile

set title "snowrelay benchmark: delivered vs offered rate\n" . subtitle
set xlabel "offered rate, kpps (achieved by the generator)"
set ylabel "delivered rate, kpps (unique packets at the sink)"
set xrange [0:*]
set yrange [0:*]
set grid
set key top left box opaque

# snowrelay filled, the floor open; one colour per payload size.
ptype(f) = strstrt(f, "floor") > 0 ? 6 : 7
psize(f) = strstrt(f, "floor") > 0 ? 2.0 : 1.1
pcolour(f) = strstrt(f, "-100.") > 0 ? 0x1f77b4 : (strstrt(f, "-1400.") > 0 ? 0xd62728 : 0x2ca02c)

plot x with lines dashtype 2 linecolor rgb "gray50" title "delivered = offered", \
	for [i = 1:words(files)] word(files, i) using 1:2 \
	    with points pointtype ptype(word(files, i)) pointsize psize(word(files, i)) \
	    linecolor rgb pcolour(word(files, i)) title columnheader(1)
