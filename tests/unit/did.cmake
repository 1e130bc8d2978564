mnr_add_unit_test(did SOURCES unit/test_did.c LIBS mnr_did)
