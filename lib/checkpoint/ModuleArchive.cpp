//===- ModuleArchive.cpp - A state dict as torch::load reads it ----------===//
//
// `migrate --format libtorch`: C++'s torch::load(model, path) reads only
// what torch::save(model, path) writes, a TorchScript module archive: one
// object per module, of a class whose code (code/__torch__/*.py) lists the
// module's parameters and buffers, each attribute a tensor or a child
// module, storages in data/<key>. LibTorch's load walks the model's
// modules and asks the archive for each registered name, telling
// parameters from buffers, and fails on a child module the archive lacks
// (a ReLU in a Sequential included). So the archive is laid out as the
// model's module tree from its source, filled with the state dict's
// tensors; no tensor is loaded and no pickle is run: the storages are
// copied as they are, and data.pkl is written anew.
//
//===----------------------------------------------------------------------===//
#include "Readers.h"
#include "RewriteSupport.h"

#include "torch-keycheck/checkpoint/Pickle.h"
#include "torch-keycheck/checkpoint/Rewrite.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <map>
#include <memory>
#include <set>

namespace torchkc {
namespace checkpoint {
namespace {

/// One tensor of the state dict, wherever its bytes are.
struct TensorSource {
  std::string DType; ///< torch spelling ("float32")
  std::vector<int64_t> Shape, Stride;
  int64_t Offset = 0;  ///< in elements, into its storage
  std::string Storage; ///< the input's storage key (torch.save) or the
                       ///< tensor's own name (safetensors)
};

struct StorageSource {
  std::string DType, Location;
  int64_t Elements = 0;
  ZipEntry Entry; ///< its bytes in the input, as an entry to copy
};

/// The state dict to write, its tensors under their new names.
struct StateDict {
  std::map<std::string, TensorSource> Tensors;
  std::map<std::string, StorageSource> Storages;
  size_t EntriesLeftOut = 0;
};

/// What a storage of DType is pickled as; an error naming Path when
/// torch has no storage class for it.
std::string storageClass(const std::string &Path, const std::string &DType) {
  std::string Class = storageClassOf(DType);
  if (Class.empty())
    fail(Path, "a tensor of dtype '" + DType +
                   "', which a LibTorch module archive cannot hold");
  return Class;
}

/// The CRC-32 of N bytes of In from Offset, read through a bounded buffer.
uint32_t crcOf(const InputFile &In, uint64_t Offset, uint64_t N) {
  uLong Crc = crc32(0, nullptr, 0);
  const uint64_t Chunk = 1u << 20;
  for (uint64_t Done = 0; Done < N;) {
    std::string Bytes = In.read(Offset + Done, std::min(Chunk, N - Done));
    Crc = crc32(Crc, reinterpret_cast<const Bytef *>(Bytes.data()),
                uInt(Bytes.size()));
    Done += Bytes.size();
  }
  return uint32_t(Crc);
}

// --- Reading the state dict ---------------------------------------------------

/// The tensors of a torch::save archive's module object O and of its
/// child modules, named by their dotted paths; other attributes (a
/// TorchScript module's `training`) are not state. Bounded in depth and
/// in steps: objects can share and cycle through the memo.
void flattenModule(const InputFile &In, const PV *O, const std::string &Path,
                   int Depth, size_t &Steps,
                   std::vector<std::pair<std::string, const PV *>> &Out) {
  if (Depth > MaxModuleDepth)
    fail(In.Path, "module objects nested over " +
                      std::to_string(MaxModuleDepth) + " deep");
  for (const auto &[Attr, Value] : O->Entries) {
    if (++Steps > MaxWalkSteps)
      fail(In.Path, "module objects that share or cycle through over " +
                        std::to_string(MaxWalkSteps) + " attributes");
    if (Attr->K != PV::Kind::String)
      continue;
    std::string Name = Path.empty() ? Attr->Str : Path + "." + Attr->Str;
    if (Value->K == PV::Kind::Tensor)
      Out.push_back({Name, Value});
    else if (Value->K == PV::Kind::Object)
      flattenModule(In, Value, Name, Depth + 1, Steps, Out);
  }
}

StateDict readTorchSave(const InputFile &In, const KeyRewrite &R,
                        const ReadOptions &Opts, RewriteResult &Result) {
  std::vector<ZipEntry> Entries = readDirectory(In);
  const ZipEntry *PickleEntry = nullptr;
  for (const ZipEntry &E : Entries) {
    size_t Slash = E.Name.find('/');
    if (Slash != std::string::npos && E.Name.substr(Slash) == "/data.pkl") {
      PickleEntry = &E;
      break;
    }
  }
  if (!PickleEntry)
    fail(In.Path, "a zip archive without <archive>/data.pkl: not a torch "
                  "checkpoint");
  std::string Prefix =
      PickleEntry->Name.substr(0, PickleEntry->Name.size() - 8);
  std::map<std::string, const ZipEntry *> ByName;
  for (const ZipEntry &E : Entries)
    ByName[E.Name] = &E;
  PickleDocument Doc = unpickle(readEntry(In, *PickleEntry, MaxPickleBytes));
  // The tensors, by their dotted names: a torch::save archive's module
  // objects flattened, or the state dict of a torch.save checkpoint.
  std::vector<std::pair<std::string, const PV *>> Tensors;
  if (ByName.count(Prefix + "constants.pkl")) {
    if (Doc.Root->K != PV::Kind::Object)
      fail(In.Path, "a TorchScript archive whose data.pkl is not a module "
                    "(torch::save(optimizer) state has no model keys)");
    size_t Steps = 0;
    flattenModule(In, Doc.Root, "", 0, Steps, Tensors);
  } else {
    std::string Entry;
    const PV *Dict = chooseStateDict(Doc.Root, Opts, Entry, nullptr);
    if (Dict->K != PV::Kind::Dict || !isTensorDict(Dict))
      fail(In.Path, "entry '" + Entry + "' is not a dict of tensors");
    if (Dict != Doc.Root && Doc.Root->K == PV::Kind::Dict)
      Result.EntriesLeftOut = Doc.Root->Entries.size() - 1;
    for (const auto &[KeyValue, Value] : Dict->Entries)
      if (KeyValue->K == PV::Kind::String)
        Tensors.push_back({KeyValue->Str, Value});
  }

  StateDict SD;
  NewNames Names(In.Path, R, Result);
  for (const auto &[Stored, Value] : Tensors) {
    std::optional<std::string> Name = Names.of(Stored);
    if (!Name)
      continue;
    const PV *Storage = Value->Items.empty() ? nullptr : Value->Items[0];
    if (Value->K != PV::Kind::Tensor || !Storage ||
        Storage->K != PV::Kind::Storage)
      fail(In.Path, "'" + Stored + "' is not a tensor of a storage");
    TensorSource T{Value->DType, Value->Shape, Value->Stride, Value->Int,
                   Storage->Str};
    auto [It, New] = SD.Storages.try_emplace(Storage->Str);
    if (New) {
      auto E = ByName.find(Prefix + "data/" + Storage->Str);
      if (E == ByName.end())
        fail(In.Path, "'" + Stored + "' has its bytes in '" + Prefix +
                          "data/" + Storage->Str + "', which is not in the "
                                                   "archive");
      It->second = {Storage->DType, Storage->Name, Storage->Int, *E->second};
    } else if (It->second.DType != Storage->DType) {
      fail(In.Path, "storage '" + Storage->Str + "' is read as two dtypes");
    }
    SD.Tensors.emplace(*Name, std::move(T));
  }
  Names.finish();
  return SD;
}

StateDict readSafetensors(const InputFile &In, const KeyRewrite &R,
                          RewriteResult &Result) {
  uint64_t DataStart = 0;
  nlohmann::ordered_json Header = readSafetensorsHeader(In, DataStart);
  uint64_t DataSize = In.Size - DataStart;
  StateDict SD;
  NewNames Names(In.Path, R, Result);
  for (const auto &[Name, Info] : Header.items()) {
    if (Name == "__metadata__")
      continue;
    std::optional<std::string> New = Names.of(Name);
    if (!New)
      continue;
    auto Field = [&](const char *F) {
      auto It = Info.find(F);
      return It == Info.end() ? nlohmann::ordered_json() : *It;
    };
    nlohmann::ordered_json DType = Field("dtype"), Shape = Field("shape"),
                           Offsets = Field("data_offsets");
    std::string Torch =
        DType.is_string() ? safetensorsDType(DType.get<std::string>()) : "";
    if (Torch.empty())
      fail(In.Path, "'" + Name + "' has a dtype torch does not know");
    if (!Offsets.is_array() || Offsets.size() != 2 ||
        !Offsets[0].is_number_unsigned() || !Offsets[1].is_number_unsigned() ||
        Offsets[0].get<uint64_t>() > Offsets[1].get<uint64_t>() ||
        Offsets[1].get<uint64_t>() > DataSize)
      fail(In.Path, "'" + Name + "' has data_offsets outside the data");
    if (!Shape.is_array())
      fail(In.Path, "'" + Name + "' has no shape");
    TensorSource T{Torch, {}, {}, 0, Name};
    storageClass(In.Path, Torch);
    unsigned __int128 Elements = 1;
    for (const auto &Dim : Shape) {
      if (!Dim.is_number_unsigned() || Dim.get<uint64_t>() > INT64_MAX)
        fail(In.Path, "'" + Name + "' has a shape that is not a list of "
                                   "sizes");
      T.Shape.push_back(Dim.get<int64_t>());
      Elements *= Dim.get<uint64_t>();
      if (Elements > INT64_MAX)
        fail(In.Path, "'" + Name + "' has more elements than int64_t holds");
    }
    // Contiguous, as safetensors stores every tensor.
    T.Stride.assign(T.Shape.size(), 1);
    for (size_t I = T.Shape.size(); I-- > 1;)
      T.Stride[I - 1] = T.Stride[I] * std::max<int64_t>(T.Shape[I], 1);
    uint64_t Begin = Offsets[0].get<uint64_t>(),
             Bytes = Offsets[1].get<uint64_t>() - Begin;
    if (Elements * dtypeItemSize(T.DType) != Bytes)
      fail(In.Path, "'" + Name + "' has " + std::to_string(Bytes) +
                        " bytes of data, not what its shape and dtype take");
    StorageSource S;
    S.DType = T.DType;
    S.Location = "cpu";
    S.Elements = int64_t(Elements);
    S.Entry.DataOffset = DataStart + Begin;
    S.Entry.Size = S.Entry.CompressedSize = Bytes;
    S.Entry.Crc = crcOf(In, S.Entry.DataOffset, Bytes);
    SD.Storages.emplace(Name, std::move(S));
    SD.Tensors.emplace(*New, std::move(T));
  }
  Names.finish();
  return SD;
}

// --- Writing the archive ------------------------------------------------------

/// A module of the archive: its tensors and children in the model's order.
struct ModuleNode {
  std::vector<std::pair<std::string, bool>> Tensors; ///< name, is a buffer
  std::vector<std::pair<std::string, ModuleNode *>> Children;
  std::string Class; ///< qualified name: __torch__.___torch_mangle_3.Module
};

class ArchiveWriter {
public:
  ArchiveWriter(const std::string &Path, const StateDict &SD)
      : Path(Path), SD(SD) {}

  /// The module tree of Tree, each tensor checked against the state dict.
  void layOut(const ModuleTree &Tree) {
    Nodes.push_back(std::make_unique<ModuleNode>());
    std::map<std::string, ModuleNode *> ByPath = {{"", Nodes.back().get()}};
    for (const std::string &M : Tree.Modules) {
      auto [Parent, Name] = split(M);
      auto P = ByPath.find(Parent);
      if (P == ByPath.end())
        fail(Path, "module '" + M + "' comes before its parent");
      Nodes.push_back(std::make_unique<ModuleNode>());
      P->second->Children.push_back({Name, Nodes.back().get()});
      if (!ByPath.emplace(M, Nodes.back().get()).second)
        fail(Path, "module '" + M + "' is listed twice");
    }
    std::set<std::string> Placed;
    for (const auto &[Key, Buffer] : Tree.Tensors) {
      auto [Parent, Name] = split(Key);
      auto P = ByPath.find(Parent);
      if (P == ByPath.end())
        fail(Path, "'" + Key + "' is in module '" + Parent +
                       "', which the model does not save (a Functional?)");
      if (!SD.Tensors.count(Key))
        fail(Path, "has no tensor for the model's key '" + Key + "'");
      P->second->Tensors.push_back({Name, Buffer});
      Placed.insert(Key);
    }
    for (const auto &[Key, T] : SD.Tensors)
      if (!Placed.count(Key))
        fail(Path, "'" + Key + "' is not a key of the model: a module "
                                "archive holds the model's keys only "
                                "(--drop-unexpected leaves it out)");
    Nodes.front()->Class = "__torch__.Module";
    for (size_t I = 1; I < Nodes.size(); ++I)
      Nodes[I]->Class =
          "__torch__.___torch_mangle_" + std::to_string(I - 1) + ".Module";
  }

  /// The archive's entries: the storages the tensors read, data.pkl, one
  /// code file per module class, constants.pkl and version.
  void write(const InputFile &In, const std::string &OutPath,
             RewriteResult &Result) {
    const std::string Dir = "archive/";
    std::vector<ZipEntry> Entries;
    std::map<std::string, std::string> NewData;
    // Storages get new keys in the order the pickle first reads them.
    std::string Pickle = "\x80\x02";
    object(*Nodes.front(), "", Pickle, 0);
    Pickle += '.';
    for (const std::string &Old : StorageOrder) {
      ZipEntry E = SD.Storages.at(Old).Entry;
      E.Name = Dir + "data/" + StorageKeys.at(Old);
      Entries.push_back(std::move(E));
    }
    auto Add = [&](const std::string &Name, std::string Data) {
      ZipEntry E;
      E.Name = Dir + Name;
      Entries.push_back(E);
      NewData[E.Name] = std::move(Data);
    };
    Add("data.pkl", std::move(Pickle));
    for (const auto &N : Nodes)
      Add(codePath(N->Class), classCode(*N));
    Add("constants.pkl", std::string("\x80\x02).", 4));
    Add("version", "3\n");
    OutputFile Out(OutPath, In);
    writeZip(In, Out, Entries, NewData, Result);
    Out.commit();
  }

private:
  static std::pair<std::string, std::string> split(const std::string &Key) {
    size_t Dot = Key.rfind('.');
    if (Dot == std::string::npos)
      return {"", Key};
    return {Key.substr(0, Dot), Key.substr(Dot + 1)};
  }

  static std::string global(const std::string &Module,
                            const std::string &Name) {
    return "c" + Module + "\n" + Name + "\n";
  }

  static std::string tuple(const std::vector<int64_t> &Values) {
    std::string R = "(";
    for (int64_t V : Values)
      R += intOpcode(V);
    return R + "t";
  }

  /// Module N as TorchScript's pickler writes an object: its class, NEWOBJ,
  /// then BUILD with a dict of its attributes.
  void object(const ModuleNode &N, const std::string &Path, std::string &P,
              int Depth) {
    if (Depth > MaxModuleDepth)
      fail(this->Path, "modules nested over " +
                           std::to_string(MaxModuleDepth) + " deep");
    size_t Dot = N.Class.rfind('.');
    P += global(N.Class.substr(0, Dot), N.Class.substr(Dot + 1));
    P += ")\x81}(";
    for (const auto &[Name, Buffer] : N.Tensors) {
      P += unicodeOpcode(Name);
      tensor(SD.Tensors.at(Path.empty() ? Name : Path + "." + Name), !Buffer,
             P);
    }
    for (const auto &[Name, Child] : N.Children) {
      P += unicodeOpcode(Name);
      object(*Child, Path.empty() ? Name : Path + "." + Name, P, Depth + 1);
    }
    P += "ub";
  }

  /// _rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
  /// OrderedDict()), storage being the persistent id ('storage', class,
  /// key, location, elements). Parameters require grad, as C++'s
  /// torch::save writes them.
  void tensor(const TensorSource &T, bool Parameter, std::string &P) {
    const StorageSource &S = SD.Storages.at(T.Storage);
    auto [It, New] = StorageKeys.try_emplace(
        T.Storage, std::to_string(StorageKeys.size()));
    if (New)
      StorageOrder.push_back(T.Storage);
    P += global("torch._utils", "_rebuild_tensor_v2");
    P += "((" + unicodeOpcode("storage") +
         global("torch", storageClass(Path, S.DType)) +
         unicodeOpcode(It->second) + unicodeOpcode(S.Location) +
         intOpcode(S.Elements) + "tQ";
    P += intOpcode(T.Offset) + tuple(T.Shape) + tuple(T.Stride);
    P += Parameter ? "\x88" : "\x89";
    P += global("collections", "OrderedDict") + ")Rt" + "R";
  }

  static std::string codePath(const std::string &Class) {
    // __torch__.Module -> code/__torch__.py;
    // __torch__.___torch_mangle_0.Module -> code/__torch__/___torch_mangle_0.py
    std::string Module = Class.substr(0, Class.rfind('.'));
    std::string File = Module;
    std::replace(File.begin(), File.end(), '.', '/');
    return "code/" + File + ".py";
  }

  /// A name the class body can declare as `name : Type`; any other goes
  /// through __annotations__, as TorchScript's printer writes it.
  static bool plainIdentifier(const std::string &Name) {
    static const std::set<std::string> Keywords = {
        "False",  "None",   "True",    "and",      "as",       "assert",
        "async",  "await",  "break",   "class",    "continue", "def",
        "del",    "elif",   "else",    "except",   "finally",  "for",
        "from",   "global", "if",      "import",   "in",       "is",
        "lambda", "nonlocal", "not",   "or",       "pass",     "raise",
        "return", "try",    "while",   "with",     "yield",    "print"};
    if (Name.empty() || Keywords.count(Name) ||
        Name.compare(0, 2, "__") == 0 || std::isdigit(uint8_t(Name[0])))
      return false;
    return std::all_of(Name.begin(), Name.end(), [](char C) {
      return std::isalnum(uint8_t(C)) || C == '_';
    });
  }

  static std::string literal(const std::string &S) {
    std::string R = "\"";
    for (char C : S) {
      if (C == '"' || C == '\\')
        R += '\\';
      if (uint8_t(C) < 0x20) {
        const char *Hex = "0123456789abcdef";
        R += std::string("\\x") + Hex[uint8_t(C) >> 4] + Hex[C & 15];
        continue;
      }
      R += C;
    }
    return R + "\"";
  }

  static std::string classCode(const ModuleNode &N) {
    std::string Params, Buffers, Plain, Annotated;
    auto Declare = [&](const std::string &Name, const std::string &Type) {
      if (plainIdentifier(Name))
        Plain += "  " + Name + " : " + Type + "\n";
      else
        Annotated += "  __annotations__[" + literal(Name) + "] = " + Type + "\n";
    };
    for (const auto &[Name, Buffer] : N.Tensors) {
      (Buffer ? Buffers : Params) += literal(Name) + ", ";
      Declare(Name, "Tensor");
    }
    for (const auto &[Name, Child] : N.Children)
      Declare(Name, Child->Class);
    std::string Code = "class Module(Module):\n  __parameters__ = [" + Params +
                       "]\n  __buffers__ = [" + Buffers + "]\n" + Plain;
    if (!Annotated.empty())
      Code += "  __annotations__ = []\n" + Annotated;
    return Code;
  }

  const std::string &Path;
  const StateDict &SD;
  std::vector<std::unique_ptr<ModuleNode>> Nodes;
  std::map<std::string, std::string> StorageKeys;
  std::vector<std::string> StorageOrder;
};

} // namespace
} // namespace checkpoint

RewriteResult writeModuleArchive(const std::string &In, const std::string &Out,
                                 const KeyRewrite &R, const ModuleTree &Tree,
                                 const ReadOptions &Opts) {
  using namespace checkpoint;
  InputFile File(In);
  RewriteResult Result;
  Result.Format = "libtorch";
  std::string Head = File.read(0, std::min<uint64_t>(File.Size, 512));
  StateDict SD;
  switch (sniff(In, Head, File.Size)) {
  case Format::Zip:
    SD = readTorchSave(File, R, Opts, Result);
    break;
  case Format::Safetensors:
    if (!Opts.Entry.empty())
      fail(In, "--entry applies to nested torch.save checkpoints");
    SD = readSafetensors(File, R, Result);
    break;
  case Format::JsonManifest:
    fail(In, "a manifest holds no tensor data to write as a module archive");
  case Format::Legacy:
    fail(In, "a checkpoint in torch.save's format before 1.6: save it "
             "again with a newer torch (the zip format) to migrate it");
  default:
    fail(In, "not a checkpoint torch-keycheck can rewrite");
  }
  ArchiveWriter W(In, SD);
  W.layOut(Tree);
  W.write(File, Out, Result);
  return Result;
}

} // namespace torchkc
