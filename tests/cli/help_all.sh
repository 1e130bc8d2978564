#!/bin/sh
# Every subcommand answers --help (exit 0, non-empty stdout) and
# 'mnrstat help CMD' prints the same; the command list is sorted and unique.
set -u
M=$1
list=$("$M" --list-commands) || { echo "--list-commands failed"; exit 1; }
[ -n "$list" ] || { echo "no commands"; exit 1; }
sorted=$(printf '%s\n' "$list" | LC_ALL=C sort -u)
[ "$list" = "$sorted" ] || { echo "command table not sorted/unique"; exit 1; }
for c in $list; do
	out=$("$M" "$c" --help) || { echo "$c --help failed"; exit 1; }
	[ -n "$out" ] || { echo "$c --help printed nothing"; exit 1; }
	out2=$("$M" help "$c") || { echo "help $c failed"; exit 1; }
	[ "$out" = "$out2" ] || { echo "help $c differs from $c --help"; exit 1; }
done
"$M" --help > /dev/null || exit 1
"$M" --version | grep -q '^mnrstat ' || { echo "bad --version"; exit 1; }
"$M" nosuchcmd > /dev/null 2>&1
[ $? = 64 ] || { echo "unknown command must exit 64"; exit 1; }
echo "ok: $(printf '%s\n' "$list" | wc -l) commands"
