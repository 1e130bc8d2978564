# The command writes no file: the scratch directory holds only the
# runner's captured outputs.
extra=$(cd "$TMP" && ls -A | grep -v -x -e .out -e .err -e .out.n -e .err.n)
[ -z "$extra" ] || { echo "unexpected file in the working directory: $extra"; exit 1; }
