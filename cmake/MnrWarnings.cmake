# Warning flags as an INTERFACE target, so every target opts in explicitly.
add_library(mnr_warnings INTERFACE)
target_compile_options(mnr_warnings INTERFACE
  -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes
  -Wmissing-prototypes -Wformat=2 -Wvla)
