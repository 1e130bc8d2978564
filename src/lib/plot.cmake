# Charts (gnuplot script builders + runner) and reproduction of published
# figures from datasets/published/.
mnr_add_module(plot
  SOURCES
    src/lib/plot.c
    src/lib/plot_charts.c
    src/lib/plot_csv.c
    src/lib/reproduce.c
  DEPENDS mnr_base)
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_plot.c
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_reproduce.c)
# reproduce falls back to the source tree's copy of the cited datasets.
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/cli/cmd_reproduce.c
  PROPERTIES COMPILE_DEFINITIONS
  "MNR_PUBLISHED_DIR=\"${PROJECT_SOURCE_DIR}/datasets/published\"")
