add_test(NAME lint.library_is_quiet
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/lint_library.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(lint.library_is_quiet PROPERTIES LABELS cli)
