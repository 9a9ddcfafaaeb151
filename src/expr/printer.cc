#include "expr/printer.h"

#include "model/json_codec.h"

namespace eddy::expr {

const char* comparator_text(Comparator c) {
  switch (c) {
    case Comparator::kEq:
      return "=";
    case Comparator::kNe:
      return "<>";
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
  }
  return "?";
}

namespace {

bool is_plain_name(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    const bool sigil = i == 0 && (c == '#' || c == ':');
    if (!letter && !(digit && i > 0) && !sigil) return false;
  }
  return true;
}

void append_name(const std::string& name, std::string& out) {
  if (is_plain_name(name)) {
    out += name;
    return;
  }
  out += '"';
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void append(const Operand& operand, std::string& out);

void append_list(const char* head, const std::vector<Operand>& args, std::string& out) {
  out += '(';
  out += head;
  for (const auto& arg : args) {
    out += ' ';
    append(arg, out);
  }
  out += ')';
}

void append(const Path& path, std::string& out) {
  for (size_t i = 0; i < path.elements.size(); ++i) {
    const PathElement& element = path.elements[i];
    if (element.is_index()) {
      out += '[' + std::to_string(element.index) + ']';
    } else {
      if (i > 0) out += '.';
      append_name(element.name, out);
    }
  }
}

void append(const Operand& operand, std::string& out) {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Path>) {
          append(v, out);
        } else if constexpr (std::is_same_v<T, ValueRef>) {
          out += v.name;
        } else if constexpr (std::is_same_v<T, Literal>) {
          out += model::attribute_value_to_json(v.value);
        } else if constexpr (std::is_same_v<T, FunctionCall>) {
          append_list(v.name.c_str(), v.args, out);
        } else {  // Arithmetic
          out += '(';
          out += v.op;
          out += ' ';
          append(*v.lhs, out);
          out += ' ';
          append(*v.rhs, out);
          out += ')';
        }
      },
      operand.v);
}

void append(const Condition& condition, std::string& out) {
  std::visit(
      [&out](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, Comparison>) {
          append_list(comparator_text(c.op), {c.lhs, c.rhs}, out);
        } else if constexpr (std::is_same_v<T, Between>) {
          append_list("between", {c.value, c.low, c.high}, out);
        } else if constexpr (std::is_same_v<T, In>) {
          std::vector<Operand> all{c.value};
          all.insert(all.end(), c.candidates.begin(), c.candidates.end());
          append_list("in", all, out);
        } else if constexpr (std::is_same_v<T, ConditionFunction>) {
          append_list(c.name.c_str(), c.args, out);
        } else if constexpr (std::is_same_v<T, Not>) {
          out += "(not ";
          append(*c.operand, out);
          out += ')';
        } else {  // And, Or
          out += std::is_same_v<T, And> ? "(and " : "(or ";
          append(*c.lhs, out);
          out += ' ';
          append(*c.rhs, out);
          out += ')';
        }
      },
      condition.v);
}

}  // namespace

std::string to_string(const Path& path) {
  std::string out;
  append(path, out);
  return out;
}

std::string to_string(const Operand& operand) {
  std::string out;
  append(operand, out);
  return out;
}

std::string to_string(const Condition& condition) {
  std::string out;
  append(condition, out);
  return out;
}

std::string to_string(const Update& update) {
  std::string out = "(update";
  for (const auto& action : update.set) {
    out += " (set ";
    append(action.path, out);
    out += ' ';
    append(action.value, out);
    out += ')';
  }
  for (const auto& path : update.remove) {
    out += " (remove ";
    append(path, out);
    out += ')';
  }
  for (const auto* clause : {&update.add, &update.del}) {
    for (const auto& action : *clause) {
      out += clause == &update.add ? " (add " : " (delete ";
      append(action.path, out);
      out += ' ';
      append(action.value, out);
      out += ')';
    }
  }
  out += ')';
  return out;
}

std::string to_string(const Projection& projection) {
  std::string out = "(projection";
  for (const auto& path : projection.paths) {
    out += ' ';
    append(path, out);
  }
  out += ')';
  return out;
}

}  // namespace eddy::expr
