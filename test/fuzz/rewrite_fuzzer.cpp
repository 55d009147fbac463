// libFuzzer target: migrate's two writers on an arbitrary checkpoint file
// (torch.save zip or safetensors, by its first bytes). Each either throws
// CheckpointError or writes a file that reads back with the keys it was
// asked for: rewriteCheckpoint with the state dict's first key renamed,
// writeModuleArchive laid out flat (every key a tensor of the root
// module). Neither may crash, leak or leave its temporary file behind.
#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checkpoint/Rewrite.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace torchkc;

namespace {

std::string scratch() {
  static const std::string Dir = [] {
    char Template[] = "/tmp/rewrite-fuzzer-XXXXXX";
    if (!mkdtemp(Template))
      std::abort();
    return std::string(Template);
  }();
  return Dir;
}

/// Reads Path back, or aborts: a file a writer finished must be readable.
Manifest readBack(const std::string &Path) {
  try {
    return readCheckpoint(Path);
  } catch (const CheckpointError &) {
    std::abort();
  }
}

/// After a writer threw: neither its output nor its temporary file.
void mustBeGone(const std::string &Path) {
  if (access(Path.c_str(), F_OK) == 0)
    std::abort();
  for (const auto &E : std::filesystem::directory_iterator(scratch()))
    if (E.path().filename().string().rfind("out.tmp-", 0) == 0)
      std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  const std::string In = scratch() + "/in", Out = scratch() + "/out";
  {
    std::ofstream F(In, std::ios::binary | std::ios::trunc);
    F.write(reinterpret_cast<const char *>(Data), std::streamsize(Size));
  }
  Manifest M;
  try {
    M = readCheckpoint(In);
  } catch (const CheckpointError &) {
    return 0;
  }
  if (M.Keys.empty() || M.Format == "manifest")
    return 0;

  KeyRewrite R;
  R.Rename[M.Keys.front().Name] = "renamed_by_fuzzer";
  std::remove(Out.c_str());
  try {
    rewriteCheckpoint(In, Out, R);
    Manifest Back = readBack(Out);
    if (Back.Keys.size() != M.Keys.size() ||
        Back.Keys.front().Name != "renamed_by_fuzzer")
      std::abort();
  } catch (const CheckpointError &) {
    mustBeGone(Out);
  }

  ModuleTree Tree;
  for (const ManifestKey &K : M.Keys)
    if (K.Name.find('.') == std::string::npos)
      Tree.Tensors.push_back({K.Name, K.K == ManifestKey::Kind::Buffer});
  std::remove(Out.c_str());
  try {
    writeModuleArchive(In, Out, {}, Tree);
    Manifest Back = readBack(Out);
    if (Back.Keys.size() != Tree.Tensors.size())
      std::abort();
  } catch (const CheckpointError &) {
    mustBeGone(Out);
  }
  std::remove(Out.c_str());
  return 0;
}
