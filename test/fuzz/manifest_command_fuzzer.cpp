// libFuzzer target: the whole `manifest` command path on a file on disk
// (readCheckpoint with its sniffing by name and bytes, then the text and
// JSON writers), and one property: a manifest written as JSON reads back
// as the same keys, shapes and dtypes (goldens depend on it). The first
// byte picks the file's name: .pt, .safetensors, .json or .bin.
#include "torch-keycheck/checkpoint/Manifest.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::string Dir;

bool validUtf8(const std::string &S) {
  try {
    nlohmann::json(S).dump();
    return true;
  } catch (const nlohmann::json::exception &) {
    return false;
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  char Template[] = "/tmp/torchkc-manifest-fuzz-XXXXXX";
  Dir = mkdtemp(Template);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size < 1)
    return 0;
  static const char *Names[] = {"x.pt", "x.safetensors", "x.json", "x.bin"};
  std::string Path = Dir + "/" + Names[Data[0] % 4];
  std::ofstream(Path, std::ios::binary)
      << std::string(reinterpret_cast<const char *>(Data + 1), Size - 1);
  torchkc::Manifest M;
  try {
    M = torchkc::readCheckpoint(Path);
  } catch (const torchkc::CheckpointError &) {
    unlink(Path.c_str());
    return 0;
  }
  unlink(Path.c_str());
  torchkc::manifestToText(M);
  std::string Json = torchkc::manifestToJson(M);
  for (const auto &K : M.Keys)
    if (!validUtf8(K.Name) || !validUtf8(K.DType))
      return 0; // replaced by U+FFFD on the way out: not the same names
  torchkc::Manifest Back = torchkc::manifestFromJson(Json);
  if (Back.Keys.size() != M.Keys.size())
    std::abort();
  for (size_t I = 0; I < M.Keys.size(); ++I)
    if (Back.Keys[I].Name != M.Keys[I].Name ||
        Back.Keys[I].Shape != M.Keys[I].Shape ||
        Back.Keys[I].DType != M.Keys[I].DType || Back.Keys[I].K != M.Keys[I].K)
      std::abort();
  return 0;
}
