# OVERLAP_SANITIZE=address builds with ASan + UBSan, =thread with TSan (never both:
# they cannot share a process), =fuzzer (clang only) adds libFuzzer's coverage
# instrumentation to ASan + UBSan. Applied globally so Asio's compiled TU matches.
set(OVERLAP_SANITIZE "" CACHE STRING "address, thread or fuzzer")
if(OVERLAP_SANITIZE STREQUAL "address")
  # -fno-sanitize=vptr: UBSan's vptr check, on a cache miss, probes the object's memory
  # by writing it into a pipe. The out-of-descriptors test makes the server run with
  # no free descriptor on purpose; the probe's pipe() then fails and UBSan reports a
  # valid object (Boost.System's error_category) as having an "invalid vptr", at
  # whichever check next misses the cache. Every other UBSan check stays on.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
elseif(OVERLAP_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(OVERLAP_SANITIZE STREQUAL "fuzzer")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "OVERLAP_SANITIZE=fuzzer needs clang++ (libFuzzer): use the fuzz preset")
  endif()
  # fuzzer-no-link: every object is coverage-instrumented (so the fuzzer is guided
  # through Beast's parser too); only the fuzz target links libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
elseif(NOT OVERLAP_SANITIZE STREQUAL "")
  message(FATAL_ERROR "OVERLAP_SANITIZE must be address, thread, fuzzer or empty")
endif()
