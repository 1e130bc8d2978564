#!/bin/sh
# Merging the shards gives the single-pass panel byte for byte.
"$MNRSTAT" merge "$CASE/a.part" "$CASE/b.part" | cmp - "$SRC/tests/cli/aggregate/small_panel/stdout"
