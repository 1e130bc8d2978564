# Interrupted time series: regression engine (OLS, log-link GLMs, Newey-West,
# Prais-Winsten, diagnostics) and the segmented-regression layer.
mnr_add_module(its
  SOURCES
    src/lib/regress.c
    src/lib/its.c
  DEPENDS mnr_base
  PRIVATE_LIBS GSL::gsl m)

# CLI handler of this area (its row in src/cli/commands.c is the lead's).
set_property(GLOBAL APPEND PROPERTY MNR_CLI_SOURCES
  ${PROJECT_SOURCE_DIR}/src/cli/cmd_its.c)

# Benchmarks (bench/its_coverage.sh, bench/its_timing.sh); not built by default.
add_executable(its_bench EXCLUDE_FROM_ALL bench/its_bench.c)
target_compile_definitions(its_bench PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(its_bench PRIVATE mnr_its mnr_base mnr_warnings GSL::gsl m)

# Coverage of noise-aware intervals on released (differentially private)
# series, accounted vs ignored (bench/noise_coverage.sh; issue 4, item 7).
# Not built by default; tests/unit/its.cmake builds a copy for its CTest case.
add_executable(noise_coverage EXCLUDE_FROM_ALL bench/noise_coverage.c)
target_compile_definitions(noise_coverage PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(noise_coverage PRIVATE
  mnr_its mnr_survival mnr_dp mnr_base mnr_warnings GSL::gsl m)
