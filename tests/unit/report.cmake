# Unit tests of the report: sentence generator (every branch and a grid),
# checklist, and whole reports on tests/cli/report/data whose results.json
# sentences are checked against their numbers (skipped without gnuplot).
mnr_add_unit_test(report SOURCES unit/test_report.c
  LIBS mnr_report PkgConfig::JANSSON TIMEOUT 300)
# The staggered-adoption effect on noisy released counts (levels, relative
# change, change in a share) against synthetic panels with a known truth.
mnr_add_unit_test(report_did SOURCES unit/test_report_did.c
  LIBS mnr_report TIMEOUT 120)
