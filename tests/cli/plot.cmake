# End-to-end cases for `plot` and `reproduce`: tests/cli/{plot,reproduce}/cases/<case>/
# (same layout as the generic CLI cases, run by run_case.sh).  They live one
# level deeper than the generic cases so that they are registered only once
# the command table lists the handlers.
file(READ ${PROJECT_SOURCE_DIR}/src/cli/commands.c mnr_plot_cmds)
if(NOT mnr_plot_cmds MATCHES "cmd_plot" OR NOT mnr_plot_cmds MATCHES "cmd_reproduce")
  message(STATUS "plot/reproduce CLI cases skipped: not yet in the command table")
  return()
endif()
file(GLOB mnr_plot_case_files CONFIGURE_DEPENDS
  ${CMAKE_CURRENT_SOURCE_DIR}/cli/plot/cases/*/status
  ${CMAKE_CURRENT_SOURCE_DIR}/cli/reproduce/cases/*/status)
foreach(status_file IN LISTS mnr_plot_case_files)
  get_filename_component(case_dir ${status_file} DIRECTORY)
  get_filename_component(case ${case_dir} NAME)
  get_filename_component(cases_dir ${case_dir} DIRECTORY)
  get_filename_component(sub_dir ${cases_dir} DIRECTORY)
  get_filename_component(sub ${sub_dir} NAME)
  add_test(NAME cli.${sub}.${case}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/run_case.sh
      $<TARGET_FILE:mnrstat> ${case_dir} ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.${sub}.${case} PROPERTIES
    LABELS cli TIMEOUT 120 ENVIRONMENT "${MNR_TEST_ENV}")
endforeach()
