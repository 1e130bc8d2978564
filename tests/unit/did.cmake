mnr_add_unit_test(did SOURCES ${PROJECT_SOURCE_DIR}/tests/unit/test_did.c LIBS mnr_did)
