# End-to-end cases of the report command: tests/cli/report/cases/<case>/
# (the layout of tests/cli/<sub>/<case>/, run by run_case.sh).  They sit one
# level deeper than the generic glob so that they are registered only once
# the command table lists cmd_report.
file(READ ${PROJECT_SOURCE_DIR}/src/cli/commands.c mnr_report_cmd_table)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/src/cli/commands.c)
string(FIND "${mnr_report_cmd_table}" "cmd_report" mnr_report_pos)
if(NOT mnr_report_pos EQUAL -1)
  file(GLOB mnr_report_cases CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/cli/report/cases/*/status)
  foreach(status_file IN LISTS mnr_report_cases)
    get_filename_component(case_dir ${status_file} DIRECTORY)
    get_filename_component(case ${case_dir} NAME)
    add_test(NAME cli.report.${case}
      COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/run_case.sh
        $<TARGET_FILE:mnrstat> ${case_dir} ${PROJECT_SOURCE_DIR})
    set_tests_properties(cli.report.${case} PROPERTIES
      LABELS cli TIMEOUT 120 ENVIRONMENT "${MNR_TEST_ENV}")
  endforeach()
endif()

# Browser test (label browser): the example's report.html in headless
# Chromium; skipped (77) without chromium, node or gnuplot.  Screenshots go
# to <build>/browser/.
if(NOT mnr_report_pos EQUAL -1)
  add_test(NAME browser.report
    COMMAND sh ${PROJECT_SOURCE_DIR}/tests/browser/report_browser.sh
      $<TARGET_FILE:mnrstat> ${PROJECT_SOURCE_DIR}
      ${PROJECT_BINARY_DIR}/browser)
  set_tests_properties(browser.report PROPERTIES
    LABELS browser TIMEOUT 300 SKIP_RETURN_CODE 77
    ENVIRONMENT "${MNR_TEST_ENV}")
endif()
