#!/bin/sh
# A data error leaves no output file behind.
test ! -e "$TMP/panel.csv"
