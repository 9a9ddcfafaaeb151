// Time, behind an interface so that retention, iterator expiry and batching windows can be
// tested with a fake clock instead of sleeping.
#pragma once

#include <atomic>
#include <cstdint>

namespace eddy {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, milliseconds since the Unix epoch.
  virtual int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
  static SystemClock& instance();
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(std::memory_order_relaxed); }
  void set_ms(int64_t ms) { now_.store(ms, std::memory_order_relaxed); }
  void advance_ms(int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace eddy
