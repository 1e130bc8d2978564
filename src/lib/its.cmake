# Interrupted time series: regression engine (OLS, log-link GLMs, Newey-West,
# Prais-Winsten, diagnostics) and the segmented-regression layer.
mnr_add_module(its
  SOURCES
    src/lib/regress.c
    src/lib/its.c
  DEPENDS mnr_base
  PRIVATE_LIBS GSL::gsl m)

# CLI handler of this area (its row in src/cli/commands.c is the lead's).
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_its.c)
