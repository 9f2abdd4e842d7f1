# OVERLAP_SANITIZE=address builds with ASan + UBSan, =thread with TSan (never both:
# they cannot share a process). Applied globally so Asio's compiled TU matches.
set(OVERLAP_SANITIZE "" CACHE STRING "address or thread")
if(OVERLAP_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
elseif(OVERLAP_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT OVERLAP_SANITIZE STREQUAL "")
  message(FATAL_ERROR "OVERLAP_SANITIZE must be address, thread or empty")
endif()
