#!/bin/sh
# The library never prints and never exits (STYLE.md, section 2): flag
# printf/puts/perror/abort/exit calls and writes to stderr in src/lib.
# snprintf/vsnprintf are fine: they format into buffers.
set -u
hits=$(grep -nE '\bprintf[[:space:]]*\(|\b(puts|perror|abort|exit)[[:space:]]*\(|\bstderr\b' \
	"$1"/src/lib/*.c | grep -vE 'v?snprintf' | grep -v 'BANNED')
if [ -n "$hits" ]; then
	echo "library code must not print or exit:"
	echo "$hits"
	exit 1
fi
echo "ok"
