#include "functions/builtin.h"

namespace eddy::functions {

BuiltinRegistry& BuiltinRegistry::global() {
  static BuiltinRegistry registry;
  return registry;
}

void BuiltinRegistry::add(std::string name, BuiltinHandler handler) {
  std::lock_guard lock(mu_);
  handlers_[std::move(name)] = std::make_shared<const BuiltinHandler>(std::move(handler));
}

std::shared_ptr<const BuiltinHandler> BuiltinRegistry::find(std::string_view handler) const {
  if (handler.substr(0, kBuiltinPrefix.size()) == kBuiltinPrefix) {
    handler.remove_prefix(kBuiltinPrefix.size());
  }
  std::lock_guard lock(mu_);
  auto it = handlers_.find(handler);
  return it == handlers_.end() ? nullptr : it->second;
}

void BuiltinFunction::invoke(std::string event, const InvocationContext& context, InvokeDone done) {
  InvokeResult result;
  try {
    result = (*handler_)(event, context);
  } catch (const HandlerError& error) {
    result = FunctionError{error.type(), error.what()};
  } catch (const std::exception& error) {
    result = FunctionError{"Error", error.what()};
  } catch (...) {
    result = FunctionError{"Error", "the handler threw a value that is not an exception"};
  }
  done(std::move(result));
}

std::vector<std::string> BuiltinRegistry::handler_names() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, handler] : handlers_)
    names.push_back(std::string(kBuiltinPrefix) + name);
  return names;
}

}  // namespace eddy::functions
