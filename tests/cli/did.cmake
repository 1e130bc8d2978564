# did: the bundled example recovers its built-in effect (needs the awk
# counter of tests/unit/example_content.sh).
add_test(NAME cli.did.example_recovers
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/did/example_recovers.sh
    $<TARGET_FILE:mnrstat> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.did.example_recovers PROPERTIES
  LABELS cli TIMEOUT 300 ENVIRONMENT "${MNR_TEST_ENV}")
