//===- Pickle.h - A restricted unpickler for checkpoint metadata -*- C++
//-*-===//
//
// Decodes the pickle protocol subset torch.save and torch::save write into
// a value tree, building only allowlisted globals and those only as inert
// descriptions: a tensor becomes its dtype and shape, never a tensor. Any
// other global is refused by name. Nothing in the input is ever executed.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_CHECKPOINT_PICKLE_H
#define TORCH_KEYCHECK_CHECKPOINT_PICKLE_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace torchkc {

struct PickleValue;
/// Values point at each other freely (the memo shares them, hostile input
/// can make cycles); a PickleDocument owns them all.
using PickleRef = PickleValue *;

struct PickleValue {
  enum class Kind {
    None,
    Bool,
    Int,
    Float,
    String, ///< str or bytes
    Tuple,
    List,
    Dict,    ///< dict and OrderedDict, in insertion order
    Global,  ///< an allowlisted global, not yet called: Module + Name
    Storage, ///< a persistent id: DType of the storage, Str its key (the
             ///< zip entry data/<key>), Int its element count, Name its
             ///< location ("cpu", "cuda:0")
    Tensor,  ///< DType, Shape; IsParameter when rebuilt as a Parameter;
             ///< Items[0] its storage, Int its offset in it (elements),
             ///< Stride, Bool whether it requires grad
    Object,  ///< a TorchScript object: Module is its class; Entries its
             ///< attributes
  };
  Kind K = Kind::None;
  int64_t Int = 0;
  double Float = 0;
  bool Bool = false;
  std::string Str;   ///< String; Global/Object: module
  std::string Name;  ///< Global: name; Storage: location
  std::string DType; ///< Storage, Tensor
  std::vector<int64_t> Shape;
  std::vector<int64_t> Stride; ///< Tensor
  bool IsParameter = false;
  std::vector<PickleRef> Items;                         ///< Tuple, List
  std::vector<std::pair<PickleRef, PickleRef>> Entries; ///< Dict, Object
  /// Dict: the state BUILD gave it (an OrderedDict's `{'_metadata': ...}`).
  PickleRef State = nullptr;
  /// String, Int: where its opcode is in the stream, [Begin, End), and
  /// which opcode it is, so that a rewrite can replace it alone
  /// (`migrate`).
  size_t Begin = 0, End = 0;
  uint8_t Opcode = 0;
  /// Dict: per entry, the bytes of the stream that add it (its key, its
  /// value and, for SETITEM, the opcode), when its key is a string read at
  /// that place; {0, 0} when they are not one contiguous run.
  std::vector<std::pair<size_t, size_t>> EntrySpans;
};

/// Limits that keep hostile input from exhausting memory or time.
struct PickleLimits {
  size_t MaxValues = 20'000'000; ///< values created in all
  /// Memory the values may take in all (each value, each reference a
  /// container holds, each string's bytes): a 19 KB deflated pickle can
  /// otherwise BUILD billions of references.
  size_t MaxBytes = size_t(1) << 30;
  size_t MaxStack = 1'000'000;
  size_t MaxMemo = 10'000'000;
  size_t MaxStringBytes = 64u << 20;
  size_t MaxDims = 64;
};

/// Owns every value of one unpickled stream in a flat arena, so that
/// freeing it never recurses however deep or cyclic the values are.
/// Code walking the values must bound its own depth.
struct PickleDocument {
  std::vector<std::unique_ptr<PickleValue>> Values;
  PickleRef Root = nullptr;
  /// Where each memo index was stored and read (offset, index): a rewrite
  /// that removes bytes must not remove a store another place reads.
  std::vector<std::pair<size_t, uint64_t>> MemoPuts, MemoGets;
  /// Whether the stream has FRAME opcodes (protocol 4 and later), whose
  /// lengths a rewrite would have to follow.
  bool Framed = false;
};

/// Bytes per element of a tensor dtype ("float32" -> 4), 0 when unknown.
size_t dtypeItemSize(const std::string &DType);
/// The storage class torch pickles a tensor of that dtype with
/// ("float32" -> "FloatStorage"), empty when there is none.
std::string storageClassOf(const std::string &DType);

/// Unpickles Data. Throws CheckpointError naming the opcode and offset of
/// what is malformed, or the global that is refused.
PickleDocument unpickle(std::string_view Data, const PickleLimits &Limits = {});

} // namespace torchkc

#endif
