//===- Readers.h - The checkpoint readers, inside ---------------*- C++ -*-===//
//
// What the readers of checkpoint formats share: their limits, the pickle
// value helpers, and each format's entry point, which Checkpoint.cpp's
// sniffing dispatch calls.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_LIB_CHECKPOINT_READERS_H
#define TORCH_KEYCHECK_LIB_CHECKPOINT_READERS_H

#include "ZipArchive.h"

#include "torch-keycheck/checkpoint/Manifest.h"
#include "torch-keycheck/checkpoint/Pickle.h"

#include <cstdint>
#include <set>
#include <string>

namespace torchkc {
namespace checkpoint {

/// Entries larger than these are refused rather than read: a pickle of
/// metadata is small whatever the tensors weigh, and a zip can lie about
/// sizes (zip bombs).
constexpr uint64_t MaxPickleBytes = 128ull << 20;
constexpr uint64_t MaxCodeBytes = 16ull << 20;
/// The safetensors format's own limit on its header (the reference reader
/// refuses larger ones).
constexpr uint64_t MaxSafetensorsHeader = 100'000'000;
constexpr uint64_t MaxJsonBytes = 256ull << 20;
/// Keys one manifest may list: real checkpoints hold thousands; a pickle
/// that shares one module or state a billion times is refused.
constexpr size_t MaxManifestKeys = 1'000'000;
/// Values a walk over one pickle may visit in all (shared references and
/// cycles make a small pickle a huge tree).
constexpr size_t MaxWalkSteps = 10'000'000;
/// How deep a nested training checkpoint is searched for state dicts.
constexpr int MaxSearchDepth = 8;
/// How deep module objects may nest in a TorchScript archive.
constexpr int MaxModuleDepth = 256;

// --- Pickled values (PickleValues.cpp)

using PV = PickleValue;

/// Bounds one walk over unpickled values, whose references can be shared
/// and cyclic: every value visited is a step, every key listed counts, and
/// either going over its limit ends the read with an error naming it.
class WalkBudget {
public:
  explicit WalkBudget(const char *What) : What(What) {}
  void step(size_t N = 1);
  /// Before adding a key to a manifest already holding Keys keys.
  void key(size_t Keys) const;

private:
  const char *What;
  size_t Steps = 0;
};

bool isTensor(const PV *V);
/// Python's optimizer.state_dict(): a dict with "state" and "param_groups".
bool isOptimizerStateDict(const PV *V);
/// A dict whose keys are strings and whose values are all tensors: a
/// state_dict.
bool isTensorDict(const PV *V);
/// The value under a string key of a dict (or an object's attributes), or
/// null.
const PV *dictGet(const PV *D, const std::string &Key);
ManifestKey keyOf(const std::string &Name, const PV *T, ManifestKey::Kind K);
/// Adds each tensor of a state dict, in its order.
void addKeys(Manifest &M, const PV *Dict);
/// Every storage the pickle's tensors use is in the zip, under
/// `<Prefix>data/<key>`, and holds what they need (torch.load refuses a
/// missing one; a short one gives garbage).
void checkStorages(const ZipArchive &Z, const std::string &Prefix,
                   const PickleDocument &Doc);
/// The optimizer a param group's option names belong to.
std::string optimizerKind(const std::set<std::string> &Options);

/// What the first bytes of a file (Head, at least 512 of them when the
/// file has them) and its name say it is.
enum class Format {
  Zip,
  Safetensors,
  SafetensorsIndex,
  JsonManifest,
  Legacy,
  Unknown
};
Format sniff(const std::string &Name, const std::string &Head,
             uint64_t FileSize);

// --- Each format's reader

/// Python's torch.save: the state dict (or the one Opts.Entry names, or the
/// one a nested training checkpoint holds) in the unpickled Root
/// (TorchSave.cpp).
void fromPythonPickle(Manifest &M, const PV *Root, const ReadOptions &Opts);
/// The dict fromPythonPickle reads: the root, the one Opts.Entry names, or
/// the one state dict a nested checkpoint holds; Entry gets its path.
/// NestsOptimizer, when given, says whether the checkpoint also holds
/// optimizer state beside it.
const PV *chooseStateDict(const PV *Root, const ReadOptions &Opts,
                          std::string &Entry, bool *NestsOptimizer);
/// The optimizer state dicts (Python's optimizer.state_dict()) in Root.
std::vector<const PV *> optimizerStateDicts(const PV *Root);

/// C++'s torch::save and TorchScript archives: Root is data.pkl's object,
/// Prefix the archive's directory (TorchScriptArchive.cpp).
void readTorchScriptArchive(Manifest &M, const ZipArchive &Z,
                            const std::string &Prefix, const PV *Root,
                            const ReadOptions &Opts);

/// torch's spelling of a safetensors dtype ("F32" -> "float32"), or
/// empty when it has none.
std::string safetensorsDType(const std::string &DType);
/// A safetensors header from the first bytes of a file of FileSize bytes;
/// Head holds at least the first min(FileSize, 8 + header) bytes
/// (Safetensors.cpp).
void readSafetensors(Manifest &M, const std::string &Head, uint64_t FileSize);
/// The header of the safetensors file at Path: its first 8 bytes, then
/// only as many as they declare.
void readSafetensorsFile(Manifest &M, const std::string &Path);
/// A sharded safetensors index (`*.safetensors.index.json`) and the
/// headers of the shards it names.
Manifest readShardedSafetensors(const std::string &IndexPath,
                                const std::string &Text);

/// Up to Limit bytes of the regular file at Path (never a FIFO or a
/// device); FullSize, when given, gets its size. Throws CheckpointError.
std::string readFile(const std::string &Path, uint64_t Limit,
                     uint64_t *FullSize);

} // namespace checkpoint
} // namespace torchkc

#endif
