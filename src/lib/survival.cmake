# Before/after comparison and time-to-removal analysis (issue 3, items 1 and 3).
mnr_add_module(survival
  SOURCES
    src/lib/compare.c
    src/lib/survival.c
    src/lib/removal.c
  DEPENDS mnr_base
  PRIVATE_LIBS GSL::gsl m)

# CLI handlers of this area (rows in src/cli/commands.c are the lead's).
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_compare.c
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_removal.c)
