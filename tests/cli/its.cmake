# End-to-end cases of the its command: tests/cli/its_area/its/<case>/ (same
# layout as tests/cli/<sub>/<case>/, run by run_case.sh).  They sit one
# level deeper than the generic glob so that they are registered only once
# the command table lists cmd_its.
file(READ ${PROJECT_SOURCE_DIR}/src/cli/commands.c mnr_its_cmd_table)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/src/cli/commands.c)
string(FIND "${mnr_its_cmd_table}" "cmd_its" mnr_its_pos)
if(NOT mnr_its_pos EQUAL -1)
  file(GLOB mnr_its_cases CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/cli/its_area/its/*/status)
  foreach(status_file IN LISTS mnr_its_cases)
    get_filename_component(case_dir ${status_file} DIRECTORY)
    get_filename_component(case ${case_dir} NAME)
    add_test(NAME cli.its.${case}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/run_case.sh
        $<TARGET_FILE:mnrstat> ${case_dir} ${PROJECT_SOURCE_DIR})
    set_tests_properties(cli.its.${case} PROPERTIES
      LABELS cli TIMEOUT 60 ENVIRONMENT "${MNR_TEST_ENV}")
  endforeach()
endif()
