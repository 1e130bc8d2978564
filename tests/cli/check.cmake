# Scripted end-to-end tests of `mnrstat check` (the per-case directories
# under cli/check/ are registered by cli.cmake):
#   cli.check.no_echo      no value of any tests/data fixture is ever printed
#   cli.check.gen_*        generated inputs too large to commit (huge field,
#                          huge record, 200000 rows in constant memory,
#                          a file name that is not UTF-8, stdout on /dev/full)
set(mnr_check_scripts ${CMAKE_CURRENT_SOURCE_DIR}/cli/check/_scripts)
add_test(NAME cli.check.no_echo
  COMMAND sh ${mnr_check_scripts}/no_echo.sh $<TARGET_FILE:mnrstat>
    ${PROJECT_SOURCE_DIR})
foreach(what IN ITEMS huge_field huge_record many_rows json_path dev_full)
  add_test(NAME cli.check.gen_${what}
    COMMAND sh ${mnr_check_scripts}/generated.sh $<TARGET_FILE:mnrstat> ${what})
endforeach()
set_tests_properties(cli.check.no_echo cli.check.gen_huge_field
  cli.check.gen_huge_record cli.check.gen_many_rows cli.check.gen_json_path
  cli.check.gen_dev_full
  PROPERTIES LABELS cli TIMEOUT 300 ENVIRONMENT "${MNR_TEST_ENV}")
