//===- Manifest.h - What a checkpoint holds --------------------*- C++ -*-===//
//
// A manifest lists a checkpoint's tensors (name, shape, dtype, and whether
// it is a parameter or a buffer when the file says so) without their data.
// Every checkpoint reader produces one; the JSON form is also the project's
// own golden-manifest format (docs/manifest.md).
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_CHECKPOINT_MANIFEST_H
#define TORCH_KEYCHECK_CHECKPOINT_MANIFEST_H

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace torchkc {

/// Any problem reading a checkpoint: the message names the problem; the
/// caller adds the file.
class CheckpointError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct ManifestKey {
  enum class Kind { Parameter, Buffer, Unknown };
  std::string Name;
  std::vector<int64_t> Shape;
  std::string DType; ///< torch spelling without `torch.`: float32, int64, ...
  Kind K = Kind::Unknown;
};

/// Optimizer state, positional over the parameters it was built with.
struct OptimizerManifest {
  /// Recognised from the option names: `SGD`, `Adam or AdamW`, `Adagrad`,
  /// `RMSprop`, `LBFGS`, or `unknown`.
  std::string Kind;
  std::vector<std::string> OptionNames; ///< of the first group
  std::vector<size_t> GroupSizes;       ///< parameters per group
  /// Per parameter, in group order: its state tensors (name -> shape).
  /// Parameters without state yet (no step taken) have none.
  std::vector<std::vector<ManifestKey>> ParamState;
};

struct Manifest {
  int Version = 1;
  /// `torch.save` (Python zip), `torch::save` (C++/TorchScript zip),
  /// `safetensors`, `safetensors-sharded`, `manifest` (our JSON).
  std::string Format;
  std::string Source;
  std::string Entry; ///< the dict selected inside a nested checkpoint
  std::vector<ManifestKey> Keys;
  /// Prefixes every key shares, cumulative: {"module.", "module.encoder."}.
  std::vector<std::string> Prefixes;
  std::map<std::string, std::string> Metadata; ///< safetensors __metadata__
  std::optional<OptimizerManifest> Optimizer;
};

struct ReadOptions {
  /// The entry of a nested checkpoint to read (`model_state_dict`); a
  /// nested path separates keys with '/'.
  std::string Entry;
};

/// Reads the manifest of the checkpoint at Path, whatever its format.
/// Throws CheckpointError; never loads tensor data or runs pickled code.
Manifest readCheckpoint(const std::string &Path, const ReadOptions &Opts = {});

/// The same, for a checkpoint held in memory (fuzzing, tests). Name is
/// used in messages and, for safetensors index files, to find shards.
Manifest readCheckpointFromMemory(const std::string &Name,
                                  const std::string &Bytes,
                                  const ReadOptions &Opts = {});

/// Fills Prefixes from the keys.
void computePrefixes(Manifest &M);

/// The JSON document of a manifest, and back (docs/manifest.md).
std::string manifestToJson(const Manifest &M);
Manifest manifestFromJson(const std::string &Text);

/// Human-readable listing.
std::string manifestToText(const Manifest &M);

const char *kindName(ManifestKey::Kind K);

/// `[3, 4]`.
std::string shapeText(const std::vector<int64_t> &Shape);

} // namespace torchkc

#endif
