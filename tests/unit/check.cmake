# Unit tests of the check engine and of the case-record parser it builds on.
mnr_add_unit_test(check SOURCES unit/test_check.c LIBS mnr_check)
mnr_add_unit_test(cases SOURCES unit/test_cases.c LIBS mnr_base)
