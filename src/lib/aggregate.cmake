# Aggregate layer: case records -> monthly panel, mergeable partials, the
# parallel reader (pthreads), and the aggregate/merge subcommands.
mnr_add_module(aggregate
  SOURCES
    src/lib/aggregate.c
    src/lib/agg_partial.c
    src/lib/agg_read.c
  DEPENDS mnr_base Threads::Threads)
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_aggregate.c
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_merge.c)
