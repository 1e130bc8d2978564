# Differential-privacy core (issue 4): SHA-256, secure randomness, exact
# discrete samplers, calibration/accounting, the privacy-budget ledger.
mnr_add_module(dp
  SOURCES
    src/lib/sha256.c
    src/lib/random.c
    src/lib/rational.c
    src/lib/dp_sample.c
    src/lib/dp_account.c
    src/lib/ledger.c
    src/lib/dp_bound.c
    src/lib/dp_suppress.c
  DEPENDS mnr_base
  PRIVATE_LIBS PkgConfig::JANSSON m)

# Sampler throughput benchmark (bench/dp_sampler.sh runs it).
add_executable(dp_sampler_bench bench/dp_sampler_bench.c)
target_compile_definitions(dp_sampler_bench PRIVATE _POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
target_link_libraries(dp_sampler_bench PRIVATE mnr_dp GSL::gsl mnr_warnings m)

# CLI handlers (rows in src/cli/commands.c are the lead's).
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_release.c
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_budget.c)
