# Staggered-adoption difference in differences: 2x2, TWFE with the
# Goodman-Bacon decomposition, Callaway & Sant'Anna.
mnr_add_module(did
  SOURCES
    src/lib/did.c
    src/lib/did_2x2.c
    src/lib/did_twfe.c
    src/lib/did_cs.c
  DEPENDS mnr_base
  PRIVATE_LIBS GSL::gsl m)

# Benchmark: 60 units x 120 months, 999 bootstrap draws (bench/did.sh).
add_executable(bench_did bench/bench_did.c)
target_link_libraries(bench_did PRIVATE mnr_did mnr_warnings GSL::gsl m)
target_compile_definitions(bench_did PRIVATE _POSIX_C_SOURCE=200809L)

set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_did.c)
