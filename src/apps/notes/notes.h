// The notes app: the seed's functions, built in (handler names "builtin:notes.*").
//
//   notes.put-note     POST /notes      {title, content} -> 201 + the note + Location
//   notes.list-notes   GET /notes       a Scan, paged: ?limit= (1-1000, default 100), ?next=
//   notes.get-note     GET /notes/{id}  200 or 404
//   notes.delete-note  DELETE /notes/{id}  204 or 404
//   notes.word-count   the stream mapping's function: writes each note's wordCount
//
// The HTTP functions take and return API Gateway proxy events (reference §4); all reach the
// table named by TABLE_NAME through client::DynamoDb only, so the same code could run against
// DynamoDB itself.
#pragma once

#include <cstddef>
#include <string_view>

#include "client/dynamodb.h"
#include "functions/builtin.h"

namespace eddy::apps::notes {

// `tables` must outlive every invocation.
void register_notes_functions(functions::BuiltinRegistry& registry, client::DynamoDb& tables);

// Words are maximal runs of characters that are not Unicode whitespace (the White_Space
// property: tabs, newlines, spaces including no-break, ideographic and the U+2000 block).
// Bytes that are not valid UTF-8 count as word characters.
size_t count_words(std::string_view utf8);

}  // namespace eddy::apps::notes
