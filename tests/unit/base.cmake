mnr_add_unit_test(csv SOURCES unit/test_csv.c LIBS mnr_base)
mnr_add_unit_test(fields SOURCES unit/test_fields.c LIBS mnr_base)
mnr_add_unit_test(panel SOURCES unit/test_panel.c LIBS mnr_base)
