# Scripted end-to-end tests of the privacy commands (issue 4).
add_test(NAME cli.dp.release_script
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/dp_release.sh
    $<TARGET_FILE:mnrstat> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.dp.release_script PROPERTIES
  LABELS cli TIMEOUT 120 ENVIRONMENT "${MNR_TEST_ENV}")
