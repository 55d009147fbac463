//===- Rewrite.h - A checkpoint with its keys renamed -----------*- C++ -*-===//
//
// What `migrate` writes: a copy of a checkpoint whose state dict has some
// keys renamed and some dropped, made without loading a tensor or running
// a pickle. A torch.save zip keeps every other entry byte for byte (its
// compressed bytes and CRC copied, never inflated) and gets a data.pkl
// whose key strings (and the module paths of its `_metadata`) are replaced
// in place, every other opcode kept; a safetensors file gets a new header,
// its tensor bytes copied in their order; our JSON manifest its keys
// renamed. The output is written to a temporary file beside it and renamed
// into place at the end: it exists whole or not at all, and the input is
// only read.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_CHECKPOINT_REWRITE_H
#define TORCH_KEYCHECK_CHECKPOINT_REWRITE_H

#include "torch-keycheck/checkpoint/Manifest.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace torchkc {

struct KeyRewrite {
  /// Stored name -> new name.
  std::map<std::string, std::string> Rename;
  /// Stored names to leave out.
  std::set<std::string> Drop;
  /// The position each parameter had (its index in the optimizer state
  /// beside the state dict) -> the one it has now; empty when the order
  /// is kept. Applied to every optimizer state dict in the checkpoint,
  /// which must hold exactly these parameters.
  std::map<int64_t, int64_t> ParameterMoves;
};

struct RewriteResult {
  std::string Format; ///< as Manifest::Format
  size_t Renamed = 0, Dropped = 0;
  /// Optimizer state dicts whose per-parameter state was moved.
  size_t OptimizersMoved = 0;
  /// Bytes copied as they were (storages, tensor data).
  uint64_t BytesCopied = 0;
  /// Entries of a nested checkpoint beside the state dict that a module
  /// archive does not hold (optimizer state, the epoch).
  size_t EntriesLeftOut = 0;
};

/// Writes to Out the checkpoint at In with R applied to the state dict
/// readCheckpoint(In, Opts) reads. Throws CheckpointError (naming the file
/// and the problem) when In cannot be read, when a key of R is not in the
/// state dict, when the new names collide, when a format or construct
/// cannot be rewritten safely (a dropped tensor whose storage another
/// tensor shares, TorchScript archives), or when Out cannot be written;
/// then nothing is left at Out. Out must not be In.
RewriteResult rewriteCheckpoint(const std::string &In, const std::string &Out,
                                const KeyRewrite &R,
                                const ReadOptions &Opts = {});

/// The module tree C++'s `torch::load(model, path)` walks, as the model's
/// source gives it.
struct ModuleTree {
  /// Every submodule torch::save writes (Functional ones are not
  /// serializable), by dotted path, parents before their children, in
  /// registration order.
  std::vector<std::string> Modules;
  /// Every tensor, named as after the rewrite, and whether it is a buffer:
  /// parameters, then buffers, each in the model's order.
  std::vector<std::pair<std::string, bool>> Tensors;
};

/// Writes to Out what C++'s `torch::save(model, path)` would have written
/// for a model laid out as Tree holding the state dict readCheckpoint(In,
/// Opts) reads with R applied: a TorchScript module archive, one object
/// per module, parameters and buffers declared as the module's class code
/// declares them, so that `torch::load(model, Out)` reads it. A torch.save
/// checkpoint's storages are copied as they are; a safetensors tensor's
/// bytes become a stored entry; no tensor is loaded. Throws
/// CheckpointError, leaving nothing at Out, as rewriteCheckpoint does, and
/// when the state dict lacks a tensor of Tree or holds one Tree lacks.
RewriteResult writeModuleArchive(const std::string &In, const std::string &Out,
                                 const KeyRewrite &R, const ModuleTree &Tree,
                                 const ReadOptions &Opts = {});

} // namespace torchkc

#endif
