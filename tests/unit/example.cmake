# Tests of the bundled SYNTHETIC example data and of its generator (label
# "data").  Included from tests/CMakeLists.txt (area "example") or, until
# then, from tools/tools.cmake; the guard keeps the tests single.
get_property(mnr_example_tests_done GLOBAL PROPERTY MNR_EXAMPLE_TESTS_DONE)
if(mnr_example_tests_done OR NOT TARGET mnrgen)
  return()
endif()
set_property(GLOBAL PROPERTY MNR_EXAMPLE_TESTS_DONE TRUE)

set(mnr_example_dir ${PROJECT_SOURCE_DIR}/tests/unit)
set(mnr_example_work ${PROJECT_BINARY_DIR}/tests/example-data)

# Re-running the generator with the committed seed gives the committed bytes.
add_test(NAME data.example_regenerates
  COMMAND sh ${mnr_example_dir}/example_mnrgen.sh regen $<TARGET_FILE:mnrgen>
          ${mnr_example_work}/regen ${PROJECT_SOURCE_DIR})
# Determinism for --rows, exact row counts, usage errors, no partial output.
add_test(NAME data.mnrgen_cli
  COMMAND sh ${mnr_example_dir}/example_mnrgen.sh cli $<TARGET_FILE:mnrgen>
          ${mnr_example_work}/cli)
# The committed data satisfy the schema and agree with effects.csv (awk).
add_test(NAME data.example_content
  COMMAND sh ${mnr_example_dir}/example_content.sh ${PROJECT_SOURCE_DIR}/datasets/example)
set_tests_properties(data.example_regenerates data.mnrgen_cli data.example_content
  PROPERTIES LABELS data TIMEOUT 120
  ENVIRONMENT "LC_ALL=C;ASAN_OPTIONS=detect_leaks=1:halt_on_error=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
