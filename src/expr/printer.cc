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

// ---- DynamoDB syntax ----

void write(const Operand& operand, std::string& out);

void write(const Path& path, std::string& out) {
  for (size_t i = 0; i < path.elements.size(); ++i) {
    const PathElement& element = path.elements[i];
    if (element.is_index()) {
      out += '[';
      out += std::to_string(element.index);
      out += ']';
    } else {
      if (i > 0) out += '.';
      out += element.name;
    }
  }
}

void write_call(const std::string& name, const std::vector<Operand>& args, std::string& out) {
  out += name;
  out += '(';
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    write(args[i], out);
  }
  out += ')';
}

void write(const Operand& operand, std::string& out) {
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, Path>) {
          write(v, out);
        } else if constexpr (std::is_same_v<T, ValueRef>) {
          out += v.name;
        } else if constexpr (std::is_same_v<T, Literal>) {
          out += "<literal>";  // resolved trees have no text form
        } else if constexpr (std::is_same_v<T, FunctionCall>) {
          write_call(v.name, v.args, out);
        } else {
          write(*v.lhs, out);
          out += v.op == '+' ? " + " : " - ";
          write(*v.rhs, out);
        }
      },
      operand.v);
}

// Binding strength: OR < AND < NOT < everything else.
int strength(const Condition& c) {
  if (std::holds_alternative<Or>(c.v)) return 0;
  if (std::holds_alternative<And>(c.v)) return 1;
  if (std::holds_alternative<Not>(c.v)) return 2;
  return 3;
}

void write(const Condition& condition, std::string& out);

// Writes `c`, in parentheses when it binds less tightly than `minimum`.
void write_at(const Condition& c, int minimum, std::string& out) {
  const bool wrap = strength(c) < minimum;
  if (wrap) out += '(';
  write(c, out);
  if (wrap) out += ')';
}

void write(const Condition& condition, std::string& out) {
  std::visit(
      [&out](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, Comparison>) {
          write(c.lhs, out);
          out += ' ';
          out += comparator_text(c.op);
          out += ' ';
          write(c.rhs, out);
        } else if constexpr (std::is_same_v<T, Between>) {
          write(c.value, out);
          out += " BETWEEN ";
          write(c.low, out);
          out += " AND ";
          write(c.high, out);
        } else if constexpr (std::is_same_v<T, In>) {
          write(c.value, out);
          out += " IN (";
          for (size_t i = 0; i < c.candidates.size(); ++i) {
            if (i > 0) out += ", ";
            write(c.candidates[i], out);
          }
          out += ')';
        } else if constexpr (std::is_same_v<T, ConditionFunction>) {
          write_call(c.name, c.args, out);
        } else if constexpr (std::is_same_v<T, Not>) {
          out += "NOT ";
          write_at(*c.operand, 2, out);
        } else {
          // Left-associative: the left side may be the same operator, the right may not.
          const int own = std::is_same_v<T, And> ? 1 : 0;
          write_at(*c.lhs, own, out);
          out += std::is_same_v<T, And> ? " AND " : " OR ";
          write_at(*c.rhs, own + 1, out);
        }
      },
      condition.v);
}

}  // namespace

std::string to_expression(const Condition& condition) {
  std::string out;
  write(condition, out);
  return out;
}

std::string to_expression(const Update& update) {
  std::string out;
  auto clause = [&out](const char* keyword) {
    if (!out.empty()) out += ' ';
    out += keyword;
    out += ' ';
  };
  if (!update.set.empty()) {
    clause("SET");
    for (size_t i = 0; i < update.set.size(); ++i) {
      if (i > 0) out += ", ";
      write(update.set[i].path, out);
      out += " = ";
      write(update.set[i].value, out);
    }
  }
  if (!update.remove.empty()) {
    clause("REMOVE");
    for (size_t i = 0; i < update.remove.size(); ++i) {
      if (i > 0) out += ", ";
      write(update.remove[i], out);
    }
  }
  for (const auto* actions : {&update.add, &update.del}) {
    if (actions->empty()) continue;
    clause(actions == &update.add ? "ADD" : "DELETE");
    for (size_t i = 0; i < actions->size(); ++i) {
      if (i > 0) out += ", ";
      write((*actions)[i].path, out);
      out += ' ';
      write((*actions)[i].value, out);
    }
  }
  return out;
}

std::string to_expression(const Projection& projection) {
  std::string out;
  for (size_t i = 0; i < projection.paths.size(); ++i) {
    if (i > 0) out += ", ";
    write(projection.paths[i], out);
  }
  return out;
}

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
