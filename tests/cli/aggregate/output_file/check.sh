#!/bin/sh
# The file holds exactly the panel of small_panel.
cmp "$TMP/panel.csv" "$SRC/tests/cli/aggregate/small_panel/stdout"
