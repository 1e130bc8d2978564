# End-to-end CLI tests: every directory tests/cli/<sub>/<case>/ holding a
# "status" file becomes the test cli.<sub>.<case> (label cli), run by
# run_case.sh against the real mnrstat binary.
file(GLOB mnr_cli_case_files CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/cli/*/*/status)
foreach(status_file IN LISTS mnr_cli_case_files)
  get_filename_component(case_dir ${status_file} DIRECTORY)
  get_filename_component(case ${case_dir} NAME)
  get_filename_component(sub_dir ${case_dir} DIRECTORY)
  get_filename_component(sub ${sub_dir} NAME)
  add_test(NAME cli.${sub}.${case}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/run_case.sh
      $<TARGET_FILE:mnrstat> ${case_dir} ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.${sub}.${case} PROPERTIES
    LABELS cli TIMEOUT 120 ENVIRONMENT "${MNR_TEST_ENV}")
endforeach()

# Every subcommand answers --help with exit 0 and non-empty output (git's
# t0012-help), and the table is sorted and unique.
add_test(NAME cli.help_all
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/help_all.sh $<TARGET_FILE:mnrstat>)
set_tests_properties(cli.help_all PROPERTIES LABELS cli TIMEOUT 60
  ENVIRONMENT "${MNR_TEST_ENV}")

# Areas may add scripted end-to-end tests of their own.
foreach(area IN ITEMS base check aggregate stats its survival dp did plot report reproduce)
  include(${CMAKE_CURRENT_SOURCE_DIR}/cli/${area}.cmake OPTIONAL)
endforeach()
