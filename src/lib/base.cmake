# Base layer: errors, allocation, CSV reading and typed field parsing.
mnr_add_module(base
  SOURCES
    src/lib/error.c
    src/lib/alloc.c
  PRIVATE_LIBS LibCSV::LibCSV)
