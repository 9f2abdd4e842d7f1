#pragma once
// The latency lines of `overlap crawl`: the open model's summary (corrected first), and
// with --latency the percentile spectra in the layout wrk2 prints.
#include "overlap/crawl.hpp"

namespace overlap::cli {

/// Two lines for a paced run: offered and achieved rate, corrected and uncorrected
/// percentiles, and how many requests queued for a connection or started late.
void print_open_model(const crawl_result& r);

/// wrk2's "Latency Distribution" and "Detailed Percentile spectrum" of the run's
/// latency (corrected in a paced run, then the uncorrected one as wrk2 -U does).
void print_latency_spectra(const crawl_result& r);

} // namespace overlap::cli
