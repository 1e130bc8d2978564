# Plot and reproduce: golden scripts, runner (fake and real gnuplot), cited values.
mnr_add_unit_test(plot SOURCES unit/test_plot.c LIBS mnr_plot)
