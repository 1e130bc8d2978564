# The report (issue 6, item 2): case file -> report folder (HTML, Markdown,
# results.json, manifest.json, charts) through aggregate, the DP release,
# compare/its/removal, did and plot.
mnr_add_module(report
  SOURCES
    src/lib/report.c
    src/lib/report_did.c
    src/lib/report_text.c
    src/lib/report_write.c
  DEPENDS mnr_aggregate mnr_its mnr_survival mnr_did mnr_dp mnr_plot mnr_base
  PRIVATE_LIBS PkgConfig::JANSSON m)

# CLI handler (its row in src/cli/commands.c is the lead's).  With no case
# file the command reads the bundled example from the source tree's
# datasets/ (MNR_DATADIR overrides at run time).
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_report.c)
set_source_files_properties(${PROJECT_SOURCE_DIR}/src/cli/cmd_report.c
  PROPERTIES COMPILE_DEFINITIONS
  "MNR_DATADIR_DEFAULT=\"${PROJECT_SOURCE_DIR}/datasets\"")
