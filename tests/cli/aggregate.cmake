# Scripted end-to-end tests of aggregate/merge (label cli).
foreach(t crosscheck_awk shards catalogue mapreduce)
  add_test(NAME cli.aggregate.${t}
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/aggregate/${t}.sh
      $<TARGET_FILE:mnrstat> ${PROJECT_SOURCE_DIR})
  set_tests_properties(cli.aggregate.${t} PROPERTIES
    LABELS cli TIMEOUT 300 ENVIRONMENT "${MNR_TEST_ENV}")
endforeach()
