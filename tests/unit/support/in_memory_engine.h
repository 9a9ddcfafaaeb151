// An in-memory engine without background trimming, as most unit tests want one (shared by
// them; not a test itself: tests/CMakeLists.txt builds only tests/unit/<layer>/*_test.cc).
#pragma once

#include <memory>

#include "storage/engine.h"

namespace eddy::testing {

inline std::unique_ptr<storage::Engine> in_memory_engine(const Clock* clock = nullptr) {
  storage::EngineOptions options;
  options.durability = storage::Durability::kInMemory;
  options.trim_interval_ms = 0;
  if (clock != nullptr) options.clock = clock;
  return std::move(storage::Engine::open(options)).value();
}

}  // namespace eddy::testing
