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
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    # Host programs (pkcs11-tool, ...) get the shared ASan runtime preloaded
    # so they can load the instrumented module; our own programs run under
    # the same scripts, so they must use that shared runtime too (clang links
    # a static one by default, and two runtimes in one process abort).
    execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libclang_rt.asan-x86_64.so
      OUTPUT_VARIABLE MDCARD_ASAN_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE)
    get_filename_component(asan_runtime_dir ${MDCARD_ASAN_RUNTIME} DIRECTORY)
    add_link_options(-shared-libsan -Wl,-rpath,${asan_runtime_dir})
    # libFuzzer (static) needs libm, which the static runtime used to bring.
    link_libraries(m)
  endif()
endif()
