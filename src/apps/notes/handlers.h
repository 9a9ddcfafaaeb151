// The notes handlers, one file each (put_note.cc, ...), registered by notes.cc.
#pragma once

#include <string>

#include "client/dynamodb.h"
#include "functions/function.h"

namespace eddy::apps::notes {

std::string put_note(const std::string& event, const functions::InvocationContext& context,
                     client::DynamoDb& tables);
std::string list_notes(const std::string& event, const functions::InvocationContext& context,
                       client::DynamoDb& tables);
std::string get_note(const std::string& event, const functions::InvocationContext& context,
                     client::DynamoDb& tables);
std::string delete_note(const std::string& event, const functions::InvocationContext& context,
                        client::DynamoDb& tables);
std::string word_count(const std::string& event, const functions::InvocationContext& context,
                       client::DynamoDb& tables);

}  // namespace eddy::apps::notes
