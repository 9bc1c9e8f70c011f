# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs one libFuzzer binary for a while on a scratch copy of its seed corpus.
#   -DFUZZER=<binary> -DCORPUS=<seed dir> -DWORK=<scratch dir under the build tree>
#   [-DSECONDS=<n>]  default: $ENV{FUZZ_SECONDS}, else 600
# New inputs and crash artifacts go to WORK, never to the source corpus. Any
# crash, leak, sanitizer report or timeout makes libFuzzer exit non-zero,
# and so this script.
if(NOT DEFINED SECONDS OR SECONDS STREQUAL "")
  if(DEFINED ENV{FUZZ_SECONDS} AND NOT "$ENV{FUZZ_SECONDS}" STREQUAL "")
    set(SECONDS "$ENV{FUZZ_SECONDS}")
  else()
    set(SECONDS 600)
  endif()
endif()
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
file(COPY "${CORPUS}/" DESTINATION "${WORK}/corpus")
get_filename_component(name "${FUZZER}" NAME)
message(STATUS "${name}: ${SECONDS} s, corpus ${WORK}/corpus")
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
          -print_final_stats=1 "-artifact_prefix=${WORK}/artifacts/"
          "${WORK}/corpus"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${name} failed (exit ${rc}); reproducer in ${WORK}/artifacts/")
endif()
