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

} // namespace torchkc

#endif
