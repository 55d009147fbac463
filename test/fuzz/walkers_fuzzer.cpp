// libFuzzer target: the walks over unpickled values (the search for state
// dicts in nested training checkpoints, optimizer state, TorchScript
// module objects), reached from pickle bytes. The input is data.pkl of a
// zip built here with real storages (data/0 ... data/9, 4 KiB each), so
// the walkers run instead of stopping at a missing storage; the first
// byte chooses a torch.save zip or a TorchScript archive.
#include "torch-keycheck/checkpoint/Manifest.h"

#include <zip.h>

#include <cstdint>
#include <string>

namespace {

/// A stored zip of Entries (name, bytes), built in memory with libzip.
std::string makeZip(const std::vector<std::pair<std::string, std::string>> &E) {
  zip_error_t Err;
  zip_error_init(&Err);
  zip_source_t *Src = zip_source_buffer_create(nullptr, 0, 0, &Err);
  zip_source_keep(Src);
  zip_t *Z = zip_open_from_source(Src, ZIP_TRUNCATE, &Err);
  for (const auto &[Name, Bytes] : E) {
    zip_source_t *S =
        zip_source_buffer(Z, Bytes.data(), Bytes.size(), /*freep=*/0);
    zip_int64_t I = zip_file_add(Z, Name.c_str(), S, ZIP_FL_OVERWRITE);
    zip_set_file_compression(Z, zip_uint64_t(I), ZIP_CM_STORE, 0);
  }
  zip_close(Z);
  std::string Out;
  zip_source_open(Src);
  zip_source_seek(Src, 0, SEEK_END);
  Out.resize(size_t(zip_source_tell(Src)));
  zip_source_seek(Src, 0, SEEK_SET);
  zip_source_read(Src, Out.data(), Out.size());
  zip_source_close(Src);
  zip_source_free(Src);
  return Out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  if (Size < 1)
    return 0;
  bool TorchScript = Data[0] & 1;
  std::vector<std::pair<std::string, std::string>> Entries = {
      {"archive/data.pkl",
       std::string(reinterpret_cast<const char *>(Data + 1), Size - 1)},
      {"archive/version", "3\n"}};
  std::string Storage(4096, '\0');
  for (int I = 0; I < 10; ++I)
    Entries.push_back({"archive/data/" + std::to_string(I), Storage});
  if (TorchScript) {
    Entries.push_back({"archive/constants.pkl", "\x80\x02)."});
    Entries.push_back({"archive/code/__torch__.py",
                       "class Module(Module):\n  __parameters__ = [\"weight\", ]\n"
                       "  __buffers__ = [\"running_mean\", ]\n"});
  }
  try {
    torchkc::Manifest M =
        torchkc::readCheckpointFromMemory("fuzz.pt", makeZip(Entries));
    torchkc::manifestToJson(M);
  } catch (const torchkc::CheckpointError &) {
  }
  return 0;
}
