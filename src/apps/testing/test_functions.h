// Built-in functions for end-to-end tests and demos (handler names "builtin:test.*"): they make
// the event source mapping semantics observable from outside, through tables.
//
//   test.echo    returns its event unchanged.
//   test.fail    always fails (errorType "TestFailure").
//   test.sleep   sleeps {"ms": N} milliseconds, then returns {"slept": N}.
//   test.record  for each stream record, writes an item to the table named by the environment
//                variable RECORD_TABLE: id = "<key id>#<v>" (the NewImage's `id` and `v`),
//                sequence, eventName, batch (a stamp shared by one invocation's records, growing
//                with each invocation, across restarts too) and
//                deliveries (how many times it was delivered). A NewImage with `poison` set
//                fails the whole batch (errorType "Poison"), or, with PARTIAL=1 in the
//                environment, is reported as a batch item failure.
//   test.window  a tumbling-window aggregate: its state counts the records and sums their
//                NewImage `v`; each window's final invocation writes {count, sum, end,
//                terminatedEarly} to RECORD_TABLE as the item "window#<window start>".
#pragma once

#include "client/dynamodb.h"
#include "functions/builtin.h"

namespace eddy::apps::testing {

// `tables` must outlive every invocation.
void register_test_functions(functions::BuiltinRegistry& registry, client::DynamoDb& tables);

}  // namespace eddy::apps::testing
