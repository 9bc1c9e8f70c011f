# SPDX-License-Identifier: LGPL-2.1-or-later
# Project-wide compiler flags: warnings, hardening and the sanitizer build.
add_compile_options(
  -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
  -Wpointer-arith -Wcast-qual -Wvla -Wno-unused-parameter)
if(MDCARD_WERROR)
  add_compile_options(-Werror)
endif()

# Hardening: always on; _FORTIFY_SOURCE needs optimisation, so only then.
add_compile_options(-fstack-protector-strong)
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug" AND NOT MDCARD_SANITIZE)
  add_compile_definitions(_FORTIFY_SOURCE=2)
endif()
add_link_options(-Wl,-z,relro,-z,now -Wl,-z,noexecstack)

if(MDCARD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
