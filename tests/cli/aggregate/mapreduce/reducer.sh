#!/bin/sh
# Reduce step: one-line partials on stdin (from mapper.sh, in any order,
# with or without Hadoop's trailing tab) -> the monthly panel on stdout.
# Run with a single reducer (-numReduceTasks 1 / coalesce(1)); for a tree
# of reducers, use 'merge --partial' at the inner levels.
tr -d '\t' | tr '|' '\n' | grep -v '^$' | "${MNRSTAT:-./mnrstat}" merge "$@" -
