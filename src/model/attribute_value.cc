#include "model/attribute_value.h"

#include <algorithm>

namespace eddy::model {

const char* type_name(Type type) {
  switch (type) {
    case Type::S:
      return "S";
    case Type::N:
      return "N";
    case Type::B:
      return "B";
    case Type::BOOL:
      return "BOOL";
    case Type::NUL:
      return "NULL";
    case Type::M:
      return "M";
    case Type::L:
      return "L";
    case Type::SS:
      return "SS";
    case Type::NS:
      return "NS";
    case Type::BS:
      return "BS";
  }
  return "?";
}

namespace {
template <typename T>
std::vector<T> sorted_unique(std::vector<T> members) {
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  return members;
}
}  // namespace

AttributeValue AttributeValue::string_set(std::vector<std::string> members) {
  return AttributeValue(StringSet{sorted_unique(std::move(members))});
}
AttributeValue AttributeValue::number_set(std::vector<Number> members) {
  return AttributeValue(NumberSet{sorted_unique(std::move(members))});
}
AttributeValue AttributeValue::binary_set(std::vector<std::string> members) {
  return AttributeValue(BinarySet{sorted_unique(std::move(members))});
}

}  // namespace eddy::model
