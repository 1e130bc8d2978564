mnr_add_unit_test(aggregate SOURCES unit/test_aggregate.c LIBS mnr_aggregate)
