// The Lambda Runtime API's HTTP side: one endpoint per execution environment, on 127.0.0.1 and
// a free port, serving only that environment's backend (functions/runtime_api.h).
//
// Blocking Boost.Beast with a thread per connection, not the main server's coroutines: a
// runtime holds two connections at most (GET /next on a fresh one each time, its POSTs on a
// keep-alive one), /next blocks until an invocation arrives, and closing the environment must
// end all of it at once, which shutting down the sockets does.
#pragma once

#include <memory>

#include "common/status.h"
#include "functions/runtime_api.h"

namespace eddy::http {

Result<std::unique_ptr<functions::RuntimeApiEndpoint>> listen_runtime_api(
    functions::RuntimeApiBackend& backend);

}  // namespace eddy::http
