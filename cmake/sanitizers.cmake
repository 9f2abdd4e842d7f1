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
  # g++ 12, with the sanitizers' inlining, follows an Asio awaitable frame's operator new
  # into aligned_alloc but not its operator delete into the matching free, and reports
  # the pair as mismatched (-Wmismatched-new-delete); the pair is Asio's own and matched.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-mismatched-new-delete)
  endif()
  add_link_options(-fsanitize=address,undefined)
elseif(OVERLAP_SANITIZE STREQUAL "thread")
  # TSan does not model a standalone std::atomic_thread_fence (g++ warns, -Wtsan).
  # Asio puts one around each handler it completes (fenced_block), redundant since
  # handlers pass between threads through the scheduler's mutex, which TSan sees:
  # BOOST_ASIO_DISABLE_FENCED_BLOCK leaves it out, so TSan checks the real hand-off.
  # One fence remains, in Asio's reference count of a type-erased executor target
  # (ref_count_down: release decrement, acquire fence on the last reference); it is
  # the standard idiom, so -Wno-tsan silences the warning, and should TSan ever miss
  # that synchronization its report would name any_executor's shared target.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
  add_compile_definitions(BOOST_ASIO_DISABLE_FENCED_BLOCK)
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
