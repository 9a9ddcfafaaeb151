// TransactWriteItems:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
//
// All actions form one engine unit: they commit together or not at all, checked against the
// latest state by the one writer. A cancelled transaction reports one reason per action, in
// order (docs/research/dynamodb-api.md §3.3).
#include <fmt/format.h>
#include <openssl/sha.h>

#include <set>

#include "api/dynamodb/item_write.h"
#include "api/dynamodb/operations.h"
#include "model/key_encoding.h"

namespace eddy::api::dynamodb {

namespace {

constexpr size_t kMaxTokenLength = 36;

struct Transaction {
  storage::WriteUnit unit;
  std::vector<WriteResponse> responses;  // per action: table, ALL_OLD on failure
  CapacityDetail capacity = CapacityDetail::kNone;
  bool collection_metrics = false;
  std::optional<std::string> token;
};

Result<ParsedWrite> parse_condition_check(const Json& action, Context& context) {
  ParsedWrite check;
  EDDY_ASSIGN_OR_RETURN(check.response.table, read_table_name(action));
  EDDY_ASSIGN_OR_RETURN(check.response.old_on_condition_failure,
                        read_return_old_on_condition_failure(action));
  EDDY_ASSIGN_OR_RETURN(auto text, get_string(action, "ConditionExpression"));
  if (!text) {
    ConstraintErrors errors;
    errors.add_null("transactItems.member.conditionCheck.conditionExpression");
    return errors.status();
  }
  EDDY_ASSIGN_OR_RETURN(auto bindings, read_bindings(action));
  EDDY_ASSIGN_OR_RETURN(
      auto condition, compile_condition(context, text, expr::ExpressionKind::kCondition, bindings));
  EDDY_RETURN_IF_ERROR(expr::check_unused(bindings));
  EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema,
                        find_key_schema(context, check.response.table));
  check.write.table = check.response.table;
  EDDY_ASSIGN_OR_RETURN(check.write.key, read_key(action, "Key", key_schema));
  check.write.mutation = storage::Check{};
  check.write.condition = condition_fn(std::move(condition));
  return check;
}

// A digest of the whole request, to recognise a retry with the same ClientRequestToken.
std::string request_digest(const Json& request) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  request.Accept(writer);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(buffer.GetString()), buffer.GetSize(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

Result<Transaction> parse(const Json& request, Context& context) {
  Transaction transaction;
  EDDY_ASSIGN_OR_RETURN(const Json* actions, read_transact_items(request));
  EDDY_ASSIGN_OR_RETURN(transaction.capacity, read_capacity_detail(request));
  EDDY_ASSIGN_OR_RETURN(transaction.collection_metrics, read_collection_metrics(request));
  EDDY_ASSIGN_OR_RETURN(transaction.token, get_string(request, "ClientRequestToken"));
  ConstraintErrors errors;
  if (transaction.token &&
      (transaction.token->empty() || transaction.token->size() > kMaxTokenLength)) {
    errors.add(*transaction.token, "clientRequestToken",
               transaction.token->empty() ? "Member must have length greater than or equal to 1"
                                          : "Member must have length less than or equal to 36");
  }
  EDDY_RETURN_IF_ERROR(errors.status());

  std::set<std::string> seen_items;
  for (const auto& element : actions->GetArray()) {
    EDDY_RETURN_IF_ERROR(expect_object(element, "TransactItems"));
    EDDY_ASSIGN_OR_RETURN(const Json* check, get_object(element, "ConditionCheck"));
    EDDY_ASSIGN_OR_RETURN(const Json* put, get_object(element, "Put"));
    EDDY_ASSIGN_OR_RETURN(const Json* del, get_object(element, "Delete"));
    EDDY_ASSIGN_OR_RETURN(const Json* update, get_object(element, "Update"));
    if ((check != nullptr) + (put != nullptr) + (del != nullptr) + (update != nullptr) != 1) {
      return Status::validation(
          "TransactItems can only contain one of Check, Put, Update or Delete");
    }
    Result<ParsedWrite> parsed = check ? parse_condition_check(*check, context)
                                 : put ? parse_put(*put, context)
                                 : del ? parse_delete(*del, context)
                                       : parse_update(*update, context);
    if (!parsed) return parsed.status();
    EDDY_ASSIGN_OR_RETURN(const model::KeySchema key_schema,
                          find_key_schema(context, parsed->write.table));
    std::string identity = parsed->write.table;
    identity.push_back('\0');
    model::append_key_encoding(parsed->write.key.at(key_schema.partition.name), identity);
    if (key_schema.sort) {
      model::append_key_encoding(parsed->write.key.at(key_schema.sort->name), identity);
    }
    if (!seen_items.insert(std::move(identity)).second) {
      return Status::validation(
          "Transaction request cannot include multiple operations on one item");
    }
    parsed->response.partition_key = key_schema.partition.name;
    transaction.unit.writes.push_back(std::move(parsed->write));
    transaction.responses.push_back(std::move(parsed->response));
  }
  return transaction;
}

std::string success_body(const Transaction& transaction, const storage::WriteResult& result) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  if (transaction.capacity != CapacityDetail::kNone) {
    // Transactional writes cost twice the standard rate, per table.
    std::vector<ConsumedCapacity> tables;
    for (size_t i = 0; i < result.items.size(); ++i) {
      const std::string& table = transaction.responses[i].table;
      auto it = std::find_if(tables.begin(), tables.end(),
                             [&](const ConsumedCapacity& c) { return c.table == table; });
      if (it == tables.end()) it = tables.insert(tables.end(), ConsumedCapacity{.table = table});
      it->write_units += 2 * item_write_units(result.items[i]);
      add_index_write_units(*it, result.items[i], 2);
    }
    writer.Key("ConsumedCapacity");
    writer.StartArray();
    for (const auto& table : tables)
      write_capacity_object(writer, transaction.capacity, table);
    writer.EndArray();
  }
  if (transaction.collection_metrics) {
    std::vector<std::string> tables, partition_keys;
    for (const auto& response : transaction.responses) {
      tables.push_back(response.table);
      partition_keys.push_back(response.partition_key);
    }
    write_collection_metrics_map(writer, tables, partition_keys, result);
  }
  writer.EndObject();
  return finish(buffer);
}

ApiError cancellation(const Transaction& transaction, const storage::WriteResult& result) {
  std::vector<std::string> codes;
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  for (size_t i = 0; i < result.items.size(); ++i) {
    const auto& item = result.items[i];
    writer.StartObject();
    std::string code = "None";
    if (item.status.code() == Code::kConditionFailed) {
      code = "ConditionalCheckFailed";
    } else if (item.status.code() == Code::kValidation) {
      code = "ValidationError";
    } else if (!item.status.is_ok()) {
      code = "InternalError";
    }
    writer.Key("Code");
    write_string(writer, code);
    if (!item.status.is_ok()) {
      writer.Key("Message");
      write_string(writer, code == "ConditionalCheckFailed"
                               ? std::string("The conditional request failed")
                               : item.status.message());
      if (code == "ConditionalCheckFailed" && transaction.responses[i].old_on_condition_failure &&
          item.old_item) {
        writer.Key("Item");
        model::encode_item(*item.old_item, writer);
      }
    }
    writer.EndObject();
    codes.push_back(std::move(code));
  }
  writer.EndArray();
  ApiError error = ApiError::service(
      "TransactionCanceledException",
      fmt::format("Transaction cancelled, please refer cancellation reasons for specific reasons "
                  "[{}]",
                  fmt::join(codes, ", ")));
  error.capitalized_message = true;
  error.extra_members = "\"CancellationReasons\":" + finish(buffer);
  return error;
}

}  // namespace

void transact_write_items(const Json& request, Context& context, Reply reply) {
  auto parsed = parse(request, context);
  if (!parsed) return fail(reply, parsed.status());
  auto transaction = std::make_shared<Transaction>(std::move(*parsed));
  if (transaction->token) {
    std::string previous;
    switch (context.transactions.begin(*transaction->token, request_digest(request),
                                       context.clock.now_ms(), &previous)) {
      case IdempotencyCache::Lookup::kNew:
        break;
      case IdempotencyCache::Lookup::kDone:
        return reply(std::move(previous));  // a retry: acknowledged, not applied again
      case IdempotencyCache::Lookup::kInFlight:
        return reply(ApiError::service("TransactionInProgressException",
                                       "Transaction is ongoing for the idempotency token"));
      case IdempotencyCache::Lookup::kMismatch:
        return reply(ApiError::service(
            "IdempotentParameterMismatchException",
            "Request parameters do not match with the parameters of the previous request with "
            "the same idempotency token"));
    }
  }
  storage::WriteUnit unit = std::move(transaction->unit);
  context.engine.submit(std::move(unit), [transaction, &context,
                                          reply = std::move(reply)](storage::WriteResult result) {
    if (result.status.is_ok()) {
      std::string body = success_body(*transaction, result);
      if (transaction->token) context.transactions.finish(*transaction->token, body);
      return reply(std::move(body));
    }
    if (transaction->token) context.transactions.finish(*transaction->token, std::nullopt);
    const bool per_item =
        std::any_of(result.items.begin(), result.items.end(),
                    [](const storage::ItemWriteResult& item) { return !item.status.is_ok(); });
    if (per_item && (result.status.code() == Code::kConditionFailed ||
                     result.status.code() == Code::kValidation)) {
      return reply(cancellation(*transaction, result));
    }
    reply(ApiError::from_status(result.status));
  });
}

}  // namespace eddy::api::dynamodb
