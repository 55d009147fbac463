//===- Safetensors.cpp - safetensors headers and sharded indexes ----------===//
#include "Readers.h"

#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace torchkc {
namespace checkpoint {

/// Plain json (sorted objects), with the file's key order kept aside:
/// ordered_json's objects are quadratic to build (see JsonKeyOrder).
using Json = nlohmann::json;

namespace {

size_t itemSize(const std::string &DType) {
  static const std::map<std::string, size_t> Sizes = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2},    {"I64", 8},
      {"I32", 4}, {"I16", 2}, {"I8", 1},  {"U8", 1},      {"BOOL", 1},
      {"U16", 2}, {"U32", 4}, {"U64", 8}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  auto It = Sizes.find(DType);
  return It == Sizes.end() ? 0 : It->second;
}


//// bytes; Head holds at least the first min(FileSize, 8 + header) bytes.
std::string directoryOf(const std::string &Path) {
  size_t Slash = Path.rfind('/');
  return Slash == std::string::npos ? std::string() : Path.substr(0, Slash + 1);
}

/// One tensor of a safetensors header, checked against the DataSize bytes
/// after it and added to M; returns the byte range it claims.
std::pair<uint64_t, uint64_t> readTensorEntry(const std::string &Name,
                                              const Json &T, uint64_t DataSize,
                                              Manifest &M) {
  auto Bad = [&](const std::string &Why) {
    return CheckpointError("safetensors tensor '" + Name + "': " + Why);
  };
  if (!T.is_object() || !T.contains("dtype") || !T["dtype"].is_string() ||
      !T.contains("shape") || !T["shape"].is_array() ||
      !T.contains("data_offsets") || !T["data_offsets"].is_array() ||
      T["data_offsets"].size() != 2)
    throw Bad("needs dtype, shape and two data_offsets");
  std::string DType = T["dtype"].get<std::string>();
  size_t Item = itemSize(DType);
  if (!Item)
    throw Bad("unknown dtype '" + DType + "'");
  ManifestKey K;
  K.Name = Name;
  K.DType = safetensorsDType(DType);
  unsigned __int128 Bytes = Item;
  if (T["shape"].size() > 64)
    throw Bad("more than 64 dimensions");
  for (const auto &D : T["shape"]) {
    if (!D.is_number_unsigned())
      throw Bad("shape is not a list of non-negative integers");
    if (D.get<uint64_t>() > uint64_t(INT64_MAX))
      throw Bad("dimension " + std::to_string(D.get<uint64_t>()) +
                " is 2^63 or more, which no tensor has");
    K.Shape.push_back(int64_t(D.get<uint64_t>()));
    Bytes *= D.get<uint64_t>();
    if (Bytes > DataSize)
      Bytes = DataSize + 1; // keep the product bounded; it is wrong anyway
  }
  const auto &Off = T["data_offsets"];
  if (!Off[0].is_number_unsigned() || !Off[1].is_number_unsigned())
    throw Bad("data_offsets are not non-negative integers");
  uint64_t Begin = Off[0].get<uint64_t>(), End = Off[1].get<uint64_t>();
  if (Begin > End || End > DataSize)
    throw Bad("data_offsets [" + std::to_string(Begin) + ", " +
              std::to_string(End) + "] lie outside the " +
              std::to_string(DataSize) + " data bytes");
  if (End - Begin != Bytes)
    throw Bad("data_offsets span " + std::to_string(End - Begin) +
              " bytes, but its dtype and shape need " +
              (Bytes > DataSize ? std::string("more")
                                : std::to_string(uint64_t(Bytes))));
  M.Keys.push_back(std::move(K));
  return {Begin, End};
}

} // namespace

std::string safetensorsDType(const std::string &DType) {
  static const std::map<std::string, std::string> Names = {
      {"F64", "float64"},        {"F32", "float32"},
      {"F16", "float16"},        {"BF16", "bfloat16"},
      {"I64", "int64"},          {"I32", "int32"},
      {"I16", "int16"},          {"I8", "int8"},
      {"U8", "uint8"},           {"BOOL", "bool"},
      {"U16", "uint16"},         {"U32", "uint32"},
      {"U64", "uint64"},         {"F8_E4M3", "float8_e4m3fn"},
      {"F8_E5M2", "float8_e5m2"}};
  auto It = Names.find(DType);
  return It == Names.end() ? "" : It->second;
}

void readSafetensors(Manifest &M, const std::string &Head, uint64_t FileSize) {
  if (FileSize < 8 || Head.size() < 8)
    throw CheckpointError("too short for a safetensors file");
  uint64_t N = 0;
  for (int I = 0; I < 8; ++I)
    N |= uint64_t(uint8_t(Head[I])) << (8 * I);
  if (N > MaxSafetensorsHeader)
    throw CheckpointError("safetensors header of " + std::to_string(N) +
                          " bytes is over the format's limit of " +
                          std::to_string(MaxSafetensorsHeader) + " bytes");
  if (8 + N > FileSize || Head.size() < 8 + N)
    throw CheckpointError("safetensors header runs past the end of the file");
  Json H;
  std::string Error;
  JsonKeyOrder Order;
  if (!parseJson(std::string_view(Head).substr(8, N), H, Error, &Order))
    throw CheckpointError("safetensors header: " + Error);
  if (!H.is_object())
    throw CheckpointError("safetensors header is not a JSON object");
  if (!Order.Repeated.empty() && Order.Repeated.find('/') == std::string::npos)
    throw CheckpointError("safetensors header names tensor '" +
                          Order.Repeated + "' twice");
  uint64_t DataSize = FileSize - 8 - N;
  std::vector<std::pair<uint64_t, uint64_t>> Ranges;
  for (const std::string &Name : Order.Top) {
    const Json &T = H[Name];
    if (Name == "__metadata__") {
      if (!T.is_object())
        throw CheckpointError("safetensors __metadata__ is not an object");
      for (auto &[K, V] : T.items()) {
        if (!V.is_string())
          throw CheckpointError("safetensors __metadata__ value '" + K +
                                "' is not a string");
        M.Metadata[K] = V.get<std::string>();
      }
      continue;
    }
    Ranges.push_back(readTensorEntry(Name, T, DataSize, M));
  }
  // The buffer must be covered exactly, without holes or overlaps.
  std::sort(Ranges.begin(), Ranges.end());
  uint64_t Expect = 0;
  for (const auto &R : Ranges) {
    if (R.first != Expect)
      throw CheckpointError(
          "safetensors data has a hole or an overlap at byte " +
          std::to_string(Expect));
    Expect = R.second;
  }
  if (Expect != DataSize)
    throw CheckpointError("safetensors data has " +
                          std::to_string(DataSize - Expect) +
                          " bytes no tensor claims");
}

void readSafetensorsFile(Manifest &M, const std::string &Path) {
  uint64_t Size = 0;
  std::string Head = readFile(Path, 8, &Size);
  uint64_t N = 0;
  for (size_t I = 0; I < Head.size() && I < 8; ++I)
    N |= uint64_t(uint8_t(Head[I])) << (8 * I);
  readSafetensors(
      M, readFile(Path, 8 + std::min(N, MaxSafetensorsHeader), nullptr), Size);
}

Manifest readShardedSafetensors(const std::string &IndexPath,
                                const std::string &Text) {
  Json J;
  std::string Error;
  JsonKeyOrder Order;
  if (!parseJson(Text, J, Error, &Order))
    throw CheckpointError("safetensors index: " + Error);
  if (!J.is_object() || !J.contains("weight_map") ||
      !J["weight_map"].is_object())
    throw CheckpointError("safetensors index without a weight_map object");
  Manifest M;
  M.Format = "safetensors-sharded";
  M.Source = IndexPath;
  if (J.contains("metadata") && J["metadata"].is_object())
    for (auto &[K, V] : J["metadata"].items())
      M.Metadata[K] = V.is_string() ? V.get<std::string>() : dumpJson(V);
  std::map<std::string, std::map<std::string, ManifestKey>> Shards;
  if (Order.Repeated.rfind("weight_map/", 0) == 0)
    throw CheckpointError("weight_map names '" + Order.Repeated.substr(11) +
                          "' twice");
  const Json &Map = J["weight_map"];
  for (const std::string &Key : Order.Member["weight_map"]) {
    const Json &File = Map[Key];
    if (!File.is_string())
      throw CheckpointError("weight_map entry '" + Key +
                            "' is not a file name");
    std::string Shard = File.get<std::string>();
    size_t Nul = Shard.find('\0');
    if (Nul != std::string::npos)
      throw CheckpointError("weight_map names shard '" + Shard.substr(0, Nul) +
                            "\\u0000" + Shard.substr(Nul + 1) +
                            "' with a NUL byte, which no file name has");
    if (Shard.empty() || Shard.find('/') != std::string::npos || Shard == "..")
      throw CheckpointError("weight_map names shard '" + Shard +
                            "' outside the index's directory");
    if (!Shards.count(Shard)) {
      std::string Path = directoryOf(IndexPath) + Shard;
      Manifest S;
      try {
        readSafetensorsFile(S, Path);
      } catch (const CheckpointError &E) {
        throw CheckpointError("shard " + Path + ": " + E.what());
      }
      for (auto &K : S.Keys)
        Shards[Shard][K.Name] = K;
    }
    auto It = Shards[Shard].find(Key);
    if (It == Shards[Shard].end())
      throw CheckpointError("weight_map puts '" + Key + "' in " + Shard +
                            ", which does not hold it");
    M.Keys.push_back(It->second);
  }
  return M;
}

} // namespace checkpoint
} // namespace torchkc
