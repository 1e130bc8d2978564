# Before/after comparison and time-to-removal analysis (issue 3, items 1 and 3).
mnr_add_module(survival
  SOURCES
    src/lib/compare.c
    src/lib/survival.c
  DEPENDS mnr_base
  PRIVATE_LIBS GSL::gsl m)
