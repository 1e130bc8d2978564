# Base layer: errors, allocation, CSV reading and typed field parsing.
mnr_add_module(base
  SOURCES
    src/lib/error.c
    src/lib/alloc.c
    src/lib/csv.c
    src/lib/fields.c
    src/lib/output.c
    src/lib/panel.c
    src/lib/cases.c
  PRIVATE_LIBS LibCSV::LibCSV)
