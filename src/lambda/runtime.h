// eddy::lambda: a C++ handler as an AWS Lambda function. `run(handler)` is the Runtime API loop
// of reference §3: GET /next, call the handler, POST its result or its error, again, for ever.
// A handler is the same as a built-in's (functions/builtin.h: event JSON and context in,
// result JSON out, a thrown HandlerError names the errorType), so one handler builds both into
// `eddy serve` and into a `bootstrap` executable for Eddy's Runtime API host or for AWS
// Lambda's provided.al2023 runtime (docs/functions.md says how to build and deploy it).
#pragma once

#include <string_view>

#include "functions/builtin.h"

namespace eddy::lambda {

// Serves invocations until the Runtime API fails (then returns 1: the process should exit, as
// Lambda asks of a runtime that gets an error from /next or a 500). The context carries the
// request id, the function's name and ARN, the deadline and the process's environment.
int run(const functions::BuiltinHandler& handler);

// Reports a failed initialisation (POST /runtime/init/error); the process should then exit.
// Returns whether the Runtime API took it.
bool report_init_error(std::string_view error_type, std::string_view message);

}  // namespace eddy::lambda
