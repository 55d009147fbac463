// libFuzzer target: a sharded safetensors index (`*.safetensors.index.json`)
// read from disk beside two real shards, so that the weight_map's names
// reach the shard lookup, the path checks and the shards' headers.
#include "torch-keycheck/checkpoint/Manifest.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::string Dir;

void writeFile(const std::string &Path, const std::string &Bytes) {
  std::ofstream(Path, std::ios::binary) << Bytes;
}

/// A safetensors file of one float32 tensor of shape [N].
std::string shard(const std::string &Name, int N) {
  std::string Header = "{\"" + Name + "\":{\"dtype\":\"F32\",\"shape\":[" +
                       std::to_string(N) + "],\"data_offsets\":[0," +
                       std::to_string(4 * N) + "]}}";
  std::string Len(8, '\0');
  for (int I = 0; I < 8; ++I)
    Len[I] = char((Header.size() >> (8 * I)) & 0xff);
  return Len + Header + std::string(4 * N, '\0');
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  char Template[] = "/tmp/torchkc-index-fuzz-XXXXXX";
  Dir = mkdtemp(Template);
  writeFile(Dir + "/a.safetensors", shard("w", 2));
  writeFile(Dir + "/b.safetensors", shard("v", 3));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Index = Dir + "/model.safetensors.index.json";
  writeFile(Index, std::string(reinterpret_cast<const char *>(Data), Size));
  try {
    torchkc::Manifest M = torchkc::readCheckpoint(Index);
    torchkc::manifestToText(M);
    torchkc::manifestToJson(M);
  } catch (const torchkc::CheckpointError &) {
  }
  return 0;
}
