# `check`: schema validation, direct-identifier detection and k-anonymity
# (issue 2, item 4).  The library returns a result struct; the CLI formats
# it as text or JSON (jansson, linked by the CLI target).
mnr_add_module(check
  SOURCES
    src/lib/check.c
    src/lib/check_patterns.c
  DEPENDS mnr_base)
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_check.c)
