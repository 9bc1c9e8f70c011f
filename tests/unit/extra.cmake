# SPDX-License-Identifier: LGPL-2.1-or-later
# Per-test wiring for the PKCS#11 front end tests (included by CMakeLists.txt).

# test_pkcs11_h: a second translation unit compiled against NSS's PKCS#11 3.0
# headers (they clash with p11-kit's, so they cannot share a file). The
# companion is kept as .inc so the test_*.c glob does not make it a test.
if(TARGET test_pkcs11_h)
  pkg_check_modules(NSS REQUIRED nss)
  set(nss_companion ${CMAKE_CURRENT_BINARY_DIR}/test_pkcs11_h_nss.c)
  file(CONFIGURE OUTPUT ${nss_companion}
       CONTENT "#include \"${CMAKE_CURRENT_SOURCE_DIR}/test_pkcs11_h_nss.inc\"\n")
  target_sources(test_pkcs11_h PRIVATE ${nss_companion})
  set_source_files_properties(${nss_companion} PROPERTIES
    INCLUDE_DIRECTORIES "${NSS_INCLUDE_DIRS}"
    OBJECT_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/test_pkcs11_h_nss.inc;${CMAKE_CURRENT_SOURCE_DIR}/test_pkcs11_h_layout.h")
  target_include_directories(test_pkcs11_h PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
endif()

# The module exports the PKCS#11 entry points and nothing else.
add_test(NAME unit/module_exports
  COMMAND sh -c "syms=$(nm -D --defined-only \"$0\" | awk '{print $NF}') || exit 1; \
[ -n \"$syms\" ] || { echo 'no exported symbols'; exit 1; }; \
bad=$(printf '%s\\n' \"$syms\" | grep -v -E '^(C_[A-Za-z]+|_init|_fini)$'); \
if [ -n \"$bad\" ]; then echo \"unexpected exports:\"; echo \"$bad\"; exit 1; fi; \
echo \"$(printf '%s\\n' \"$syms\" | grep -c '^C_') C_ symbols, nothing else\"" 
  $<TARGET_FILE:mdcard-pkcs11>)
set_tests_properties(unit/module_exports PROPERTIES LABELS unit)

# test_pcsc_fake: the WinSCard calls of mdcard_core are redirected to a
# scripted fake card defined in the test.
if(TARGET test_pcsc_fake)
  foreach(fn SCardEstablishContext SCardReleaseContext SCardIsValidContext SCardConnect
             SCardReconnect SCardDisconnect SCardBeginTransaction SCardEndTransaction
             SCardTransmit SCardGetStatusChange SCardListReaders)
    target_link_options(test_pcsc_fake PRIVATE "LINKER:--wrap=${fn}")
  endforeach()
endif()

# test_p11_slots, test_p11_sessions: the fake reader list of fake_readers.c
# behind the slot table, sessions and slot events.
foreach(reader_test test_p11_slots test_p11_sessions)
  if(TARGET ${reader_test})
    target_sources(${reader_test} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fake_readers.c)
    target_include_directories(${reader_test} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    foreach(fn SCardEstablishContext SCardReleaseContext SCardIsValidContext SCardListReaders
               SCardGetStatusChange)
      target_link_options(${reader_test} PRIVATE "LINKER:--wrap=${fn}")
    endforeach()
  endif()
endforeach()

# test_gids_edge_*: the GIDS card edge against the scripted fake card of
# fake_card.c (a companion, not a test: the glob only takes test_*.c).
foreach(edge_test test_gids_edge_read test_gids_edge_crypto test_gids_edge_write)
  if(TARGET ${edge_test})
    target_sources(${edge_test} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fake_card.c)
    target_include_directories(${edge_test} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    foreach(fn SCardEstablishContext SCardReleaseContext SCardIsValidContext SCardConnect
               SCardReconnect SCardDisconnect SCardBeginTransaction SCardEndTransaction
               SCardTransmit SCardGetStatusChange SCardListReaders)
      target_link_options(${edge_test} PRIVATE "LINKER:--wrap=${fn}")
    endforeach()
  endif()
endforeach()

# test_gids_edge_write: a known host challenge for the admin authentication.
if(TARGET test_gids_edge_write)
  target_link_options(test_gids_edge_write PRIVATE "LINKER:--wrap=RAND_bytes")
endif()


# test_tool_*: the pure helpers of the mdcard tool (tools/json.c, tools/bundle.c).
foreach(tool_test test_tool_json test_tool_bundle)
  if(TARGET ${tool_test})
    target_sources(${tool_test} PRIVATE ${PROJECT_SOURCE_DIR}/tools/json.c
      ${PROJECT_SOURCE_DIR}/tools/bundle.c)
    target_include_directories(${tool_test} PRIVATE ${PROJECT_SOURCE_DIR}/tools)
  endif()
endforeach()
