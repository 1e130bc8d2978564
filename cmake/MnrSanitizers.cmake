# MNR_SANITIZE=ON builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer; undefined behaviour aborts instead of warning.
option(MNR_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_library(mnr_sanitizers INTERFACE)
if(MNR_SANITIZE)
  target_compile_options(mnr_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(mnr_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
