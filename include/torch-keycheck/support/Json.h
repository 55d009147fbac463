//===- Json.h - JSON read with bounds, written as valid UTF-8 ---*- C++ -*-===//
//
// Every JSON document torch-keycheck reads can come from a hostile
// repository or checkpoint (project files, configurations, goldens,
// manifests, safetensors headers, sharded indexes, compile databases), and
// every one it writes can hold names from them. nlohmann::json parses
// iteratively but serializes, copies and converts recursively, and throws
// type_error.316 on a string that is not UTF-8 (a real
// `torch.save({'\ud800': t})` has one). So: documents nested deeper than
// MaxJsonDepth are refused before they are parsed, and output replaces
// invalid UTF-8 with U+FFFD instead of aborting.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_SUPPORT_JSON_H
#define TORCH_KEYCHECK_SUPPORT_JSON_H

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace torchkc {

/// Deeper than any document torch-keycheck reads needs (a manifest is 4
/// levels, a configuration value rarely 10), shallow enough for every
/// recursive walk over the parsed value.
constexpr int MaxJsonDepth = 200;

/// Empty when Text nests arrays and objects at most Max deep; otherwise
/// where it goes deeper. Strings are skipped, so brackets inside them do
/// not count. Linear, no recursion.
inline std::string jsonDepthProblem(std::string_view Text,
                                    int Max = MaxJsonDepth) {
  int Depth = 0;
  bool InString = false;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (InString) {
      if (C == '\\')
        ++I;
      else if (C == '"')
        InString = false;
      continue;
    }
    if (C == '"')
      InString = true;
    else if (C == '[' || C == '{') {
      if (++Depth > Max)
        return "nested deeper than " + std::to_string(Max) +
               " levels at byte " + std::to_string(I);
    } else if (C == ']' || C == '}')
      --Depth;
  }
  return {};
}

/// The order keys are written in, for documents whose objects can be large
/// (a safetensors header, a sharded index's weight_map). Those are parsed
/// as nlohmann::json, whose objects are sorted maps (a key costs O(log n));
/// ordered_json's are vectors searched per insertion, and a header of
/// 200,000 tensors took minutes. Top: the top-level object's keys in file
/// order; Member: for each of its members, that member's keys in order.
/// Repeated: the first key written twice in one of these objects
/// ("parent/key"); the parsed value keeps only the last.
struct JsonKeyOrder {
  std::vector<std::string> Top;
  std::map<std::string, std::vector<std::string>> Member;
  std::string Repeated;
};

/// Records JsonKeyOrder from SAX events; builds nothing.
template <class JsonT> struct JsonKeyOrderSax {
  JsonKeyOrder &Order;
  int Depth = 0;
  std::string Parent;
  std::set<std::string> TopSeen, MemberSeen;

  bool key(std::string &Key) {
    if (Depth == 1) {
      Parent = Key;
      MemberSeen.clear();
      if (!TopSeen.insert(Key).second && Order.Repeated.empty())
        Order.Repeated = Key;
      Order.Top.push_back(Key);
    } else if (Depth == 2) {
      if (!MemberSeen.insert(Key).second && Order.Repeated.empty())
        Order.Repeated = Parent + "/" + Key;
      Order.Member[Parent].push_back(Key);
    }
    return true;
  }
  bool start_object(std::size_t) {
    ++Depth;
    return true;
  }
  bool end_object() {
    --Depth;
    return true;
  }
  bool start_array(std::size_t) {
    ++Depth;
    return true;
  }
  bool end_array() {
    --Depth;
    return true;
  }
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(typename JsonT::number_integer_t) { return true; }
  bool number_unsigned(typename JsonT::number_unsigned_t) { return true; }
  bool number_float(typename JsonT::number_float_t, const std::string &) {
    return true;
  }
  bool string(std::string &) { return true; }
  bool binary(typename JsonT::binary_t &) { return true; }
  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::detail::exception &) {
    return false;
  }
};

/// Parses Text into Out; on failure returns false with Error saying why
/// ("not valid JSON: ..." or "JSON nested deeper than ..."). With Order,
/// records the order of the first two levels of keys.
template <class JsonT>
bool parseJson(std::string_view Text, JsonT &Out, std::string &Error,
               JsonKeyOrder *Order = nullptr) {
  std::string Deep = jsonDepthProblem(Text);
  if (!Deep.empty()) {
    Error = "JSON " + Deep;
    return false;
  }
  try {
    if (!Order) {
      Out = JsonT::parse(Text.begin(), Text.end());
      return true;
    }
    // A second, SAX pass for the order: nlohmann's callback parser is
    // itself quadratic in an object's members (it rescans the parent at
    // every end of object).
    JsonKeyOrderSax<JsonT> Sax{*Order};
    JsonT::sax_parse(Text.begin(), Text.end(), &Sax);
    Out = JsonT::parse(Text.begin(), Text.end());
  } catch (const typename JsonT::exception &E) {
    Error = std::string("not valid JSON: ") + E.what();
    return false;
  }
  return true;
}

/// J as text; strings that are not valid UTF-8 have each bad byte replaced
/// by U+FFFD (JSON must be UTF-8; aborting would lose every finding).
template <class JsonT> std::string dumpJson(const JsonT &J, int Indent = -1) {
  return J.dump(Indent, ' ', /*ensure_ascii=*/false,
                nlohmann::detail::error_handler_t::replace);
}

} // namespace torchkc

#endif
