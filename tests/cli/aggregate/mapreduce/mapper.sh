#!/bin/sh
# Map step (Hadoop Streaming -mapper / Spark rdd.pipe): the case-file lines
# of one input split on stdin -> that split's partial aggregate on stdout,
# flattened to ONE line ('|' for newline) so the shuffle's line sort cannot
# interleave two partials.  The header is put back in front, and any copy
# of it inside the split (the split holding the file's first line) is
# dropped.  MNRSTAT names the binary (default: ./mnrstat, shipped with
# -files / --files).  Extra arguments go to aggregate (e.g. --as-of).
HEADER='case_id,person_id,country,source,reported_at,removed_at,closed_at,outcome,victim_age_band,support_offered,victim_treated_as_suspect'
{ printf '%s\n' "$HEADER"; grep -v -x -F "$HEADER"; } |
	"${MNRSTAT:-./mnrstat}" aggregate --quiet --partial "$@" - | tr '\n' '|'
status=$?
echo
exit $status
