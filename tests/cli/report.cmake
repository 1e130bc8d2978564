# Browser test (label browser): the example's report.html in headless
# Chromium; skipped (77) without chromium, node or gnuplot.  Screenshots go
# to <build>/browser/.
add_test(NAME browser.report
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/browser/report_browser.sh
    $<TARGET_FILE:mnrstat> ${PROJECT_SOURCE_DIR}
    ${PROJECT_BINARY_DIR}/browser)
set_tests_properties(browser.report PROPERTIES
  LABELS browser TIMEOUT 300 SKIP_RETURN_CODE 77
  ENVIRONMENT "${MNR_TEST_ENV}")
