//===- Checkpoint.cpp - Manifests of checkpoint files ---------------------===//
//
// Reads what a checkpoint holds without reading its tensors, whatever its
// format: the first bytes decide (sniff), then one reader per format:
//   - torch.save zips (Python): TorchSave.cpp
//   - torch::save zips (C++) and TorchScript archives: TorchScriptArchive.cpp
//   - safetensors, single files and sharded index files: Safetensors.cpp
//   - our own JSON manifest: ManifestJson.cpp
// Every size read from the file is checked against the file before use.
//
//===----------------------------------------------------------------------===//
#include "Readers.h"

#include "torch-keycheck/support/Files.h"

#include <algorithm>
#include <sstream>

namespace torchkc {
namespace checkpoint {

namespace {

bool endsWith(const std::string &S, const std::string &Suffix) {
  return S.size() >= Suffix.size() &&
         S.compare(S.size() - Suffix.size(), Suffix.size(), Suffix) == 0;
}

bool isLegacyTorchSave(const std::string &Head) {
  // Pre-1.6 torch.save: a pickle (protocol 2) whose first object is the
  // magic number 0x1950a86a20f9469cfc6c, or an old tar archive.
  if (Head.size() >= 4 && uint8_t(Head[0]) == 0x80 &&
      uint8_t(Head[1]) == 0x02 && uint8_t(Head[2]) == 0x8a &&
      uint8_t(Head[3]) == 0x0a)
    return true;
  return Head.size() > 262 && Head.compare(257, 5, "ustar") == 0;
}

/// A safetensors file: an 8-byte little-endian header length within the
/// format's limit and the file, then the header's '{'. (The first byte of
/// the length may itself be '{': 123, 379, ... are valid lengths.)
bool looksLikeSafetensors(const std::string &Head, uint64_t FileSize) {
  if (Head.size() < 9 || Head[8] != '{')
    return false;
  uint64_t N = 0;
  for (int I = 0; I < 8; ++I)
    N |= uint64_t(uint8_t(Head[I])) << (8 * I);
  return N <= MaxSafetensorsHeader && N <= FileSize - 8;
}

} // namespace

Format sniff(const std::string &Name, const std::string &Head,
             uint64_t FileSize) {
  if (Head.size() >= 4 && Head.compare(0, 4, "PK\x03\x04") == 0)
    return Format::Zip;
  if (isLegacyTorchSave(Head))
    return Format::Legacy;
  if (endsWith(Name, ".safetensors.index.json"))
    return Format::SafetensorsIndex;
  // Before JSON: a valid header length can start with '{'. Text JSON's
  // first eight bytes, read as a length, are far beyond the limit.
  if (looksLikeSafetensors(Head, FileSize) || endsWith(Name, ".safetensors"))
    return Format::Safetensors;
  size_t First = Head.find_first_not_of(" \t\r\n");
  if (First != std::string::npos && Head[First] == '{')
    return Format::JsonManifest;
  return Format::Unknown;
}

namespace {

void readZip(Manifest &M, const ZipArchive &Z, const ReadOptions &Opts) {
  std::vector<std::string> Names = Z.names();
  // The archive's directory is that of its data.pkl (not always "archive/").
  std::string Pickle;
  for (const std::string &N : Names) {
    size_t Slash = N.find('/');
    if (Slash != std::string::npos && N.substr(Slash) == "/data.pkl") {
      Pickle = N;
      break;
    }
  }
  if (Pickle.empty())
    throw CheckpointError("a zip archive without <archive>/data.pkl: not a "
                          "torch checkpoint");
  std::string Prefix = Pickle.substr(0, Pickle.size() - 8);
  bool TorchScript = std::find(Names.begin(), Names.end(),
                               Prefix + "constants.pkl") != Names.end();
  PickleDocument Doc = unpickle(Z.read(Pickle, MaxPickleBytes));
  checkStorages(Z, Prefix, Doc);
  const PV *Root = Doc.Root;
  if (!TorchScript) {
    M.Format = "torch.save";
    fromPythonPickle(M, Root, Opts);
    return;
  }
  readTorchScriptArchive(M, Z, Prefix, Root, Opts);
}

Manifest readBytes(const std::string &Name, const std::string &Head,
                   uint64_t FileSize, const ReadOptions &Opts,
                   const ZipArchive *OpenZip) {
  Manifest M;
  M.Source = Name;
  switch (sniff(Name, Head, FileSize)) {
  case Format::Zip: {
    if (OpenZip) {
      readZip(M, *OpenZip, Opts);
    } else {
      ZipArchive Z(Head);
      readZip(M, Z, Opts);
    }
    break;
  }
  case Format::Safetensors:
    M.Format = "safetensors";
    readSafetensors(M, Head, FileSize);
    break;
  case Format::SafetensorsIndex:
    M = readShardedSafetensors(Name, Head);
    break;
  case Format::JsonManifest:
    M = manifestFromJson(Head);
    M.Source = Name;
    break;
  case Format::Legacy:
    throw CheckpointError("the legacy (before torch 1.6) torch.save format is "
                          "not supported; re-save it with a current torch");
  case Format::Unknown:
    throw CheckpointError(
        "not a checkpoint format torch-keycheck reads (torch.save "
        "or torch::save zip, safetensors, or a JSON manifest)");
  }
  if (!Opts.Entry.empty() && M.Entry.empty() && M.Format != "torch::save")
    throw CheckpointError(
        "--entry selects inside Python checkpoints; this is " + M.Format);
  computePrefixes(M);
  return M;
}

} // namespace

std::string readFile(const std::string &Path, uint64_t Limit,
                     uint64_t *FullSize) {
  try {
    return readRegularFile(Path, Limit, FullSize);
  } catch (const FileError &E) {
    throw CheckpointError(E.what());
  }
}

} // namespace checkpoint

using namespace checkpoint;

std::string shapeText(const std::vector<int64_t> &Shape) {
  std::string S = "[";
  for (size_t I = 0; I < Shape.size(); ++I)
    S += (I ? ", " : "") + std::to_string(Shape[I]);
  return S + "]";
}

const char *kindName(ManifestKey::Kind K) {
  switch (K) {
  case ManifestKey::Kind::Parameter:
    return "parameter";
  case ManifestKey::Kind::Buffer:
    return "buffer";
  case ManifestKey::Kind::Unknown:
    return "unknown";
  }
  return "unknown";
}

void computePrefixes(Manifest &M) {
  M.Prefixes.clear();
  if (M.Keys.empty())
    return;
  std::string Shared = M.Keys.front().Name;
  for (const auto &K : M.Keys) {
    size_t I = 0;
    while (I < Shared.size() && I < K.Name.size() && Shared[I] == K.Name[I])
      ++I;
    Shared.resize(I);
  }
  // Only whole dotted components count, and a key is never its own prefix.
  for (size_t Dot = Shared.find('.'); Dot != std::string::npos;
       Dot = Shared.find('.', Dot + 1))
    M.Prefixes.push_back(Shared.substr(0, Dot + 1));
}

Manifest readCheckpoint(const std::string &Path, const ReadOptions &Opts) {
  try {
    // Only what the format needs is read: the first bytes to recognise it,
    // then libzip reads a zip's directory and data.pkl, never the storages;
    // a safetensors file's header only.
    uint64_t Size = 0;
    std::string Head = readFile(Path, 64 << 10, &Size);
    switch (sniff(Path, Head, Size)) {
    case Format::Zip: {
      ZipArchive Z(Path.c_str());
      return readBytes(Path, Head, Size, Opts, &Z);
    }
    case Format::Safetensors: {
      Manifest M;
      M.Source = Path;
      M.Format = "safetensors";
      readSafetensorsFile(M, Path);
      if (!Opts.Entry.empty())
        throw CheckpointError(
            "--entry selects inside Python checkpoints; this is safetensors");
      computePrefixes(M);
      return M;
    }
    case Format::JsonManifest:
    case Format::SafetensorsIndex:
      if (Size > MaxJsonBytes)
        throw CheckpointError("a JSON file of " + std::to_string(Size >> 20) +
                              " MiB is larger than any manifest");
      Head = readFile(Path, MaxJsonBytes, nullptr);
      return readBytes(Path, Head, Size, Opts, nullptr);
    default:
      return readBytes(Path, Head, Size, Opts, nullptr);
    }
  } catch (const CheckpointError &E) {
    throw CheckpointError(Path + ": " + E.what());
  }
}

Manifest readCheckpointFromMemory(const std::string &Name,
                                  const std::string &Bytes,
                                  const ReadOptions &Opts) {
  try {
    return readBytes(Name, Bytes, Bytes.size(), Opts, nullptr);
  } catch (const CheckpointError &E) {
    throw CheckpointError(Name + ": " + E.what());
  }
}

std::string manifestToText(const Manifest &M) {
  std::ostringstream OS;
  OS << M.Source << ": " << M.Format;
  if (!M.Entry.empty())
    OS << ", entry '" << M.Entry << "'";
  OS << ", " << M.Keys.size() << (M.Keys.size() == 1 ? " key" : " keys");
  if (!M.Prefixes.empty())
    OS << ", every key under '" << M.Prefixes.front() << "'";
  OS << "\n";
  size_t NameW = 0, ShapeW = 0;
  for (const auto &K : M.Keys) {
    NameW = std::max(NameW, K.Name.size());
    ShapeW = std::max(ShapeW, shapeText(K.Shape).size());
  }
  auto pad = [](const std::string &S, size_t W) {
    return S + std::string(W - S.size() + 2, ' ');
  };
  for (const auto &K : M.Keys)
    OS << "  " << pad(K.Name, NameW) << pad(kindName(K.K), 9)
       << pad(shapeText(K.Shape), ShapeW) << K.DType << "\n";
  for (const auto &[K, V] : M.Metadata)
    OS << "  metadata " << K << " = " << V << "\n";
  if (M.Optimizer) {
    const auto &O = *M.Optimizer;
    OS << "  optimizer " << O.Kind << ", " << O.GroupSizes.size()
       << " parameter group(s) of";
    for (size_t S : O.GroupSizes)
      OS << " " << S;
    OS << " parameters\n";
    for (size_t I = 0; I < O.ParamState.size(); ++I) {
      OS << "    param " << I << ":";
      if (O.ParamState[I].empty())
        OS << " no state";
      for (const auto &E : O.ParamState[I]) {
        OS << " " << E.Name << "[";
        for (size_t D = 0; D < E.Shape.size(); ++D)
          OS << (D ? "," : "") << E.Shape[D];
        OS << "]";
      }
      OS << "\n";
    }
  }
  return OS.str();
}
} // namespace torchkc
