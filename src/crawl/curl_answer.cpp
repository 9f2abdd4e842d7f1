#include "crawl/curl_answer.hpp"

#include "http/response_reader.hpp"
#include "http/retry_after.hpp"

#include <algorithm>
#include <cctype>

namespace overlap::crawl {

failure_kind kind_of(CURLcode code) noexcept {
  switch (code) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST: return failure_kind::refused;
  case CURLE_OPERATION_TIMEDOUT: return failure_kind::timeout;
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_BAD_CONTENT_ENCODING:
  case CURLE_FILESIZE_EXCEEDED: return failure_kind::malformed;
  case CURLE_SSL_CONNECT_ERROR: // the handshake failed
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS: return failure_kind::tls;
  default: return failure_kind::reset; // send/receive errors, nothing or part of an answer
  }
}

void curl_answer::clear() noexcept {
  bytes = 0;
  headers_complete = false;
  body_too_large = false;
  retry_after.clear();
}

void curl_answer::header_line(std::string_view line) {
  constexpr std::string_view retry_after_name = "retry-after:";
  if (line.starts_with("HTTP/")) {
    headers_complete = false; // a status line: an interim answer's or the final one's
    retry_after.clear();
  } else if (line == "\r\n" || line == "\n") {
    headers_complete = true;
  } else if (line.size() > retry_after_name.size() &&
             std::equal(retry_after_name.begin(), retry_after_name.end(), line.begin(),
                        [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    retry_after.assign(line.substr(retry_after_name.size()));
  }
}

bool curl_answer::body(std::size_t n) noexcept {
  bytes += n;
  body_too_large = body_too_large || bytes > http::body_limit_bytes;
  return !body_too_large;
}

attempt_outcome curl_answer::outcome(CURLcode code, long status) const {
  if (body_too_large) {
    return attempt_outcome::failed(failure_kind::malformed);
  }
  if (code != CURLE_OK) {
    return attempt_outcome::failed(kind_of(code));
  }
  if (!headers_complete) {
    return attempt_outcome::failed(failure_kind::reset); // closed inside the headers
  }
  auto wait =
      retry_after.empty() ? std::nullopt : http::parse_retry_after(retry_after, std::chrono::system_clock::now());
  return attempt_outcome::answer(static_cast<int>(status), bytes, wait);
}

} // namespace overlap::crawl
