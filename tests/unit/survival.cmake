# Unit tests of the survival area: compare (pre/post) and survival (KM,
# log-rank); expected values from tests/reference/survival/make_reference.R.
mnr_add_unit_test(compare SOURCES unit/test_compare.c LIBS mnr_survival)
mnr_add_unit_test(survival SOURCES unit/test_survival.c LIBS mnr_survival)
