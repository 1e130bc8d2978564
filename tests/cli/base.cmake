add_test(NAME lint.library_is_quiet
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/lint_library.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(lint.library_is_quiet PROPERTIES LABELS cli)

# Numbers are read and written the same under a comma-decimal locale.
add_test(NAME cli.locale_numeric
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/locale_numeric.sh
    $<TARGET_FILE:mnrstat> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.locale_numeric PROPERTIES LABELS cli TIMEOUT 60
  SKIP_RETURN_CODE 77)
