#pragma once
// What a curl transfer came to, in the terms of the other strategies. curl reports an
// answer cut off inside its headers as a success, and does not limit a body whose
// length it does not know: its header and body callbacks feed a curl_answer, which
// tracks both, so that every strategy calls the same answer the same failure.
#include "crawl/crawl_job.hpp"

#include <curl/curl.h>

#include <string>
#include <string_view>

namespace overlap::crawl {

/// The failure class of a transfer curl ended with `code` (not CURLE_OK).
failure_kind kind_of(CURLcode code) noexcept;

/// One attempt's answer as curl's callbacks deliver it.
struct curl_answer {
  std::size_t bytes = 0;
  bool headers_complete = false;
  bool body_too_large = false;
  std::string retry_after; // the header's raw value, empty if none

  /// Forgets the previous attempt.
  void clear() noexcept;
  /// One header line as curl hands it over, status lines of interim answers included.
  void header_line(std::string_view line);
  /// Counts `n` body bytes; false once the body passes http::body_limit_bytes (then
  /// the callback must tell curl to stop).
  bool body(std::size_t n) noexcept;
  /// The outcome of the attempt once curl ended it with `code`; `status` is curl's
  /// CURLINFO_RESPONSE_CODE.
  attempt_outcome outcome(CURLcode code, long status) const;
};

} // namespace overlap::crawl
