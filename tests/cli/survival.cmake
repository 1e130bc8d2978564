# End-to-end cases of the compare and removal commands:
# tests/cli/survival/<sub>/<case>/ (same layout as tests/cli/<sub>/<case>/,
# run by run_case.sh).  They sit one level deeper than the generic glob so
# that they are registered only once the command table lists the command.
file(READ ${PROJECT_SOURCE_DIR}/src/cli/commands.c mnr_survival_cmd_table)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/src/cli/commands.c)
foreach(sub IN ITEMS compare removal)
  string(FIND "${mnr_survival_cmd_table}" "cmd_${sub}" mnr_survival_pos)
  if(mnr_survival_pos EQUAL -1)
    continue()
  endif()
  file(GLOB mnr_survival_cases CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/cli/survival/${sub}/*/status)
  foreach(status_file IN LISTS mnr_survival_cases)
    get_filename_component(case_dir ${status_file} DIRECTORY)
    get_filename_component(case ${case_dir} NAME)
    add_test(NAME cli.${sub}.${case}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/run_case.sh
        $<TARGET_FILE:mnrstat> ${case_dir} ${PROJECT_SOURCE_DIR})
    set_tests_properties(cli.${sub}.${case} PROPERTIES
      LABELS cli TIMEOUT 60 ENVIRONMENT "${MNR_TEST_ENV}")
  endforeach()
endforeach()
