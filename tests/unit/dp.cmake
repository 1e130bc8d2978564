# Differential-privacy core (issue 4).
mnr_add_unit_test(sha256 SOURCES unit/test_sha256.c LIBS mnr_dp)
mnr_add_unit_test(dp SOURCES unit/test_dp.c LIBS mnr_dp TIMEOUT 300)
mnr_add_unit_test(dp_audit SOURCES unit/test_dp_audit.c LIBS mnr_dp TIMEOUT 300)
mnr_add_unit_test(ledger SOURCES unit/test_ledger.c LIBS mnr_dp TIMEOUT 300)
if(TARGET test_dp)
  target_include_directories(test_dp PRIVATE ${PROJECT_SOURCE_DIR}/tests/reference/dp)
endif()
