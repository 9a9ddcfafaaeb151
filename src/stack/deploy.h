// Deploying a stack: make the running system match the stack file, idempotently. Existing
// tables, mappings and their checkpoints are kept across restarts; a mapping is identified by
// its (function, table) pair, as Lambda allows one mapping per function and stream; changed
// mapping settings are applied; a changed key schema is refused with how to migrate; a changed
// stream view type makes a new stream, and the table's mappings move to it from its start.
// Every difference is reported, one line each.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "esm/manager.h"
#include "functions/builtin.h"
#include "functions/runtime.h"
#include "stack/stack.h"
#include "storage/engine.h"

namespace eddy::stack {

struct DeployTargets {
  storage::Engine& engine;
  functions::Runtime& runtime;
  esm::MappingManager& mappings;
  const functions::BuiltinRegistry& builtins;
  // Makes a Runtime API function (functions/process_function.h); null: such functions are
  // refused.
  std::function<std::shared_ptr<functions::Function>(const functions::FunctionConfig&)> process;
};

// The changes made ("+ table notes ...", "~ mapping ...", "= function ... unchanged"), or the
// first error (kValidation naming the file and line). A failed deploy may have applied the
// declarations before the failing one.
Result<std::vector<std::string>> deploy(const Stack& stack, DeployTargets targets);

}  // namespace eddy::stack
