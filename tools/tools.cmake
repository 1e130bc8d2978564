# Tools that are not part of the mnrstat program.
#
# mnrgen: deterministic generator of the SYNTHETIC example data in
# datasets/example/ and of large case files for bench/ (see
# datasets/example/README.md).  It uses GSL's MT19937 so that a seed gives the
# same bytes on every run.
add_executable(mnrgen ${CMAKE_CURRENT_LIST_DIR}/mnrgen.c)
target_compile_definitions(mnrgen PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(mnrgen PRIVATE GSL::gsl mnr_warnings mnr_sanitizers m)
