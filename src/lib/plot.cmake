# Charts (gnuplot script builders + runner) and reproduction of published
# figures from datasets/published/.
mnr_add_module(plot
  SOURCES
    src/lib/plot.c
    src/lib/plot_charts.c
    src/lib/plot_csv.c
  DEPENDS mnr_base)
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_plot.c)
