#include "crawl/crawl_job.hpp"

#include <algorithm>

namespace overlap::crawl {

namespace {
constexpr auto first_progress_after = std::chrono::seconds(2);
constexpr auto progress_period = std::chrono::milliseconds(500);
} // namespace

crawl_accounting::crawl_accounting(const crawl_options& options) : options_(options) {
  result_.strategy = options.strategy;
  result_.n = options.n;
  result_.concurrency = options.concurrency;
  result_.delay = options.delay;
  if (options.rate) {
    result_.open_model.emplace();
    result_.open_model->rate = *options.rate;
  }
  if (options.record_timeline) {
    // n may be unbounded for a duration run: reserve what a short run needs at most.
    result_.timeline.reserve(std::min<std::size_t>(options.n, std::size_t{1} << 20));
  }
}

void crawl_accounting::begin() {
  origin_ = steady_clock::now();
  last_end_ = origin_;
  next_progress_ = origin_ + first_progress_after;
}

void crawl_accounting::attempt_failed(failure_kind kind) noexcept {
  ++result_.errors_by_kind[static_cast<std::size_t>(kind)];
}

void crawl_accounting::finished(std::uint64_t index, const request_times& times, int status, std::uint64_t bytes,
                                bool ok) {
  const auto end = steady_clock::now();
  const auto start = times.sent;
  last_end_ = std::max(last_end_, end);
  ++done_;
  if (ok) {
    ++result_.succeeded;
    result_.result += bytes;
  } else {
    ++result_.failed;
    if (status != 0) {
      ++result_.failed_statuses[status];
    }
  }
  result_.latency_histogram.record(end - start);
  first_sent_ = std::min(first_sent_, start);
  last_sent_ = std::max(last_sent_, start);
  if (result_.open_model) {
    count_open_model(times, end);
  }
  if (options_.record_timeline) {
    using seconds = std::chrono::duration<double>;
    result_.timeline.push_back(
        request_span{index, seconds(start - origin_).count(), seconds(end - origin_).count(), status, ok ? bytes : 0});
  }
  if (end >= next_progress_ && options_.on_progress) {
    report_progress(end);
  }
}

void crawl_accounting::count_open_model(const request_times& times, steady_clock::time_point end) {
  auto& open = *result_.open_model;
  open.corrected_histogram.record(end - times.due);
  const auto lateness = times.sent - times.ready;
  open.lateness_histogram.record(lateness);
  open.late_starts += lateness > late_start_threshold ? 1 : 0;
  open.queued += times.ready > times.due ? 1 : 0;
  const auto second = static_cast<std::size_t>(std::max(times.sent - origin_, steady_clock::duration::zero()) /
                                               std::chrono::seconds(1));
  if (open.sent_per_second.size() <= second) {
    open.sent_per_second.resize(second + 1, 0);
  }
  ++open.sent_per_second[second];
}

void crawl_accounting::report_progress(steady_clock::time_point now) {
  next_progress_ = now + progress_period;
  crawl_progress p;
  p.done = done_;
  p.n = options_.n;
  p.errors = result_.errors();
  p.seconds = std::chrono::duration<double>(now - origin_).count();
  options_.on_progress(p);
}

void crawl_accounting::interrupt(std::size_t started) noexcept {
  result_.interrupted = true;
  result_.n = started;
}

void crawl_accounting::time_up(std::size_t started) noexcept {
  result_.timed = true;
  result_.n = started;
}

crawl_result crawl_accounting::take_result(std::size_t connections_opened) {
  result_.seconds = std::chrono::duration<double>(last_end_ - origin_).count();
  result_.connections = connections_opened;
  result_.latency = summary_of(result_.latency_histogram);
  if (auto& open = result_.open_model) {
    open->corrected = summary_of(open->corrected_histogram);
    const auto sent = result_.latency_histogram.count();
    const std::chrono::duration<double> span = last_sent_ - first_sent_;
    if (sent >= 2 && span.count() > 0) {
      open->achieved_rate = static_cast<double>(sent - 1) / span.count();
    }
  }
  return std::move(result_);
}

request_attempts::request_attempts(crawl_job& job, std::uint64_t index, steady_clock::time_point slot_free) noexcept
    : job_(&job), index_(index) {
  const auto now = steady_clock::now();
  if (job.paced()) {
    const auto due = std::min(job.due(index), now); // sent early (within pacing_lead): due when sent
    times_ = {due, std::max(due, slot_free), now};
  } else {
    times_ = {now, now, now};
  }
}

std::optional<std::chrono::milliseconds> request_attempts::after(const attempt_outcome& outcome) {
  auto& accounting = job_->accounting;
  const bool answered = !outcome.failure;
  if (answered && status_in(job_->options.ok_statuses, outcome.status)) {
    accounting.answered(outcome.status);
    accounting.finished(index_, times_, outcome.status, outcome.bytes, true);
    return std::nullopt;
  }
  accounting.attempt_failed(answered ? failure_kind::status : *outcome.failure);
  const auto pause = job_->retry.next_pause(attempt_++, outcome.status, outcome.retry_after);
  if (!pause) {
    if (answered) {
      accounting.answered(outcome.status);
    }
    accounting.finished(index_, times_, outcome.status, 0, false);
    return std::nullopt;
  }
  accounting.retrying();
  return pause;
}

namespace {

bool any_tls(const std::vector<crawl_endpoint>& endpoints) {
  return std::any_of(endpoints.begin(), endpoints.end(), [](const crawl_endpoint& e) { return e.key.tls; });
}

} // namespace

crawl_job::crawl_job(const crawl_options& o, request_source r, std::vector<crawl_endpoint> e)
    : options(o), requests(std::move(r)), endpoints(std::move(e)), accounting(o), retry{.retries = o.retries},
      tls(any_tls(endpoints) ? std::make_unique<http::tls_client>(o.tls) : nullptr) {}

std::vector<http::tls_peer> crawl_job::tls_peers() const {
  std::vector<http::tls_peer> peers;
  peers.reserve(endpoints.size());
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    peers.push_back(tls_peer(i));
  }
  return peers;
}

bool crawl_job::may_start(std::uint64_t index) {
  if (index >= options.n) {
    return false;
  }
  if (stop_asked()) {
    accounting.interrupt(index);
    return false;
  }
  const auto at = paced() ? due(index) : steady_clock::now();
  if (options.duration && at - accounting.origin() >= *options.duration) {
    accounting.time_up(index);
    return false;
  }
  return true;
}

steady_clock::time_point crawl_job::due(std::uint64_t index) const noexcept {
  const std::chrono::duration<double> offset(static_cast<double>(index) / options.rate.value_or(1));
  return accounting.origin() + std::chrono::duration_cast<steady_clock::duration>(offset);
}

steady_clock::time_point crawl_job::wake_at(steady_clock::time_point due) noexcept {
  return std::min(due, steady_clock::now() + pacing_slice);
}

} // namespace overlap::crawl
