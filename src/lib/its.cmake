# Interrupted time series: regression engine (OLS, log-link GLMs, Newey-West,
# Prais-Winsten, diagnostics) and the segmented-regression layer.
mnr_add_module(its
  SOURCES
    src/lib/regress.c
    src/lib/its.c
  DEPENDS mnr_base
  PRIVATE_LIBS GSL::gsl m)
