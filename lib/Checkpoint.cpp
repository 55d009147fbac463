//===- Checkpoint.cpp - Manifests of checkpoint files ---------------------===//
//
// Reads what a checkpoint holds without reading its tensors:
//   - torch.save zips (Python): the pickle in <archive>/data.pkl, through the
//     restricted unpickler; storages in <archive>/data/N are never opened.
//   - torch::save zips (C++) and TorchScript archives: nested __torch__
//     objects in data.pkl, told parameters from buffers by the
//     `__parameters__`/`__buffers__` lists in code/.
//   - safetensors, single files and sharded index files: the JSON header.
//   - our own JSON manifest.
// Every size read from the file is checked against the file before use.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/Manifest.h"
#include "torch-keycheck/Pickle.h"

#include <nlohmann/json.hpp>
#include <zip.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace torchkc {
namespace {

using Json = nlohmann::ordered_json;

/// Entries larger than these are refused rather than read: a pickle of
/// metadata is small whatever the tensors weigh, and a zip can lie about
/// sizes (zip bombs).
constexpr uint64_t MaxPickleBytes = 128ull << 20;
constexpr uint64_t MaxCodeBytes = 16ull << 20;
/// The safetensors reference reader's own limit.
constexpr uint64_t MaxSafetensorsHeader = 100ull << 20;
constexpr uint64_t MaxJsonBytes = 256ull << 20;
/// How deep a nested training checkpoint is searched for state dicts.
constexpr int MaxSearchDepth = 8;
/// How deep module objects may nest in a TorchScript archive.
constexpr int MaxModuleDepth = 256;

// --- Zip archives ----------------------------------------------------------

class ZipArchive {
public:
  /// Opens Bytes (held by the caller for the archive's lifetime).
  explicit ZipArchive(const std::string &Bytes) {
    zip_error_t Err;
    zip_error_init(&Err);
    zip_source_t *Src =
        zip_source_buffer_create(Bytes.data(), Bytes.size(), 0, &Err);
    if (!Src)
      fail(Err);
    Z = zip_open_from_source(Src, ZIP_RDONLY | ZIP_CHECKCONS, &Err);
    if (!Z) {
      zip_source_free(Src);
      fail(Err);
    }
  }
  explicit ZipArchive(const char *Path) {
    int Code = 0;
    Z = zip_open(Path, ZIP_RDONLY | ZIP_CHECKCONS, &Code);
    if (!Z) {
      zip_error_t Err;
      zip_error_init_with_code(&Err, Code);
      fail(Err);
    }
  }
  ~ZipArchive() {
    if (Z)
      zip_discard(Z);
  }
  ZipArchive(const ZipArchive &) = delete;
  ZipArchive &operator=(const ZipArchive &) = delete;

  std::vector<std::string> names() const {
    std::vector<std::string> R;
    zip_int64_t N = zip_get_num_entries(Z, 0);
    for (zip_int64_t I = 0; I < N; ++I)
      if (const char *Name = zip_get_name(Z, I, 0))
        R.push_back(Name);
    return R;
  }

  /// Reads one entry, refusing more than Limit bytes whatever the
  /// directory claims.
  std::string read(const std::string &Name, uint64_t Limit) const {
    zip_file_t *F = zip_fopen(Z, Name.c_str(), 0);
    if (!F)
      throw CheckpointError("cannot open zip entry '" + Name +
                            "': " + zip_strerror(Z));
    std::string Out;
    char Buf[1 << 16];
    while (true) {
      zip_int64_t N = zip_fread(F, Buf, sizeof Buf);
      if (N < 0) {
        std::string Msg = zip_file_strerror(F);
        zip_fclose(F);
        throw CheckpointError("cannot read zip entry '" + Name + "': " + Msg);
      }
      if (N == 0)
        break;
      if (Out.size() + N > Limit) {
        zip_fclose(F);
        throw CheckpointError("zip entry '" + Name + "' is larger than " +
                              std::to_string(Limit >> 20) +
                              " MiB; refusing to read it");
      }
      Out.append(Buf, size_t(N));
    }
    zip_fclose(F);
    return Out;
  }

private:
  [[noreturn]] static void fail(zip_error_t &Err) {
    std::string Msg = zip_error_strerror(&Err);
    zip_error_fini(&Err);
    throw CheckpointError("not a readable zip archive: " + Msg);
  }
  zip_t *Z = nullptr;
};

// --- Walking unpickled values
// -------------------------------------------------

using PV = PickleValue;

bool isTensor(const PV *V) { return V->K == PV::Kind::Tensor; }

/// A dict whose keys are strings and whose values are all tensors: a
/// state_dict.
bool isTensorDict(const PV *V) {
  if (V->K != PV::Kind::Dict || V->Entries.empty())
    return false;
  for (const auto &[K, Val] : V->Entries)
    if (K->K != PV::Kind::String || !isTensor(Val))
      return false;
  return true;
}

const PV *dictGet(const PV *D, const std::string &Key) {
  if (D->K != PV::Kind::Dict && D->K != PV::Kind::Object)
    return nullptr;
  for (const auto &[K, V] : D->Entries)
    if (K->K == PV::Kind::String && K->Str == Key)
      return V;
  return nullptr;
}

bool isOptimizerStateDict(const PV *V) {
  return V->K == PV::Kind::Dict && dictGet(V, "state") &&
         dictGet(V, "param_groups");
}

ManifestKey keyOf(const std::string &Name, const PV *T, ManifestKey::Kind K) {
  ManifestKey Key;
  Key.Name = Name;
  Key.Shape = T->Shape;
  Key.DType = T->DType;
  Key.K = K;
  return Key;
}

void addKeys(Manifest &M, const PV *Dict) {
  std::set<std::string> Seen;
  for (const auto &[K, V] : Dict->Entries) {
    if (!Seen.insert(K->Str).second)
      throw CheckpointError("the state dict has the key '" + K->Str +
                            "' twice");
    M.Keys.push_back(keyOf(K->Str, V,
                           V->IsParameter ? ManifestKey::Kind::Parameter
                                          : ManifestKey::Kind::Unknown));
  }
}

/// The optimizer a param group's option names belong to.
std::string optimizerKind(const std::set<std::string> &Options) {
  auto Has = [&](const char *N) { return Options.count(N) > 0; };
  if (Has("betas") && Has("amsgrad"))
    return "Adam or AdamW"; // their saved options and state are identical
  if (Has("momentum") && Has("nesterov"))
    return "SGD";
  if (Has("lr_decay") && Has("initial_accumulator_value"))
    return "Adagrad";
  if (Has("alpha") && Has("centered"))
    return "RMSprop";
  if (Has("history_size") && Has("max_iter"))
    return "LBFGS";
  return "unknown";
}

/// Python's optimizer.state_dict(): {"state": {index: {name: tensor}},
/// "param_groups": [{"params": [index...], option: value...}]}.
OptimizerManifest pythonOptimizer(const PV *D) {
  OptimizerManifest O;
  const PV *Groups = dictGet(D, "param_groups");
  const PV *State = dictGet(D, "state");
  if (Groups->K != PV::Kind::List || State->K != PV::Kind::Dict)
    throw CheckpointError("optimizer state dict without a list of param_groups "
                          "and a dict of state");
  std::map<int64_t, const PV *> ByIndex;
  for (const auto &[K, V] : State->Entries)
    if (K->K == PV::Kind::Int)
      ByIndex[K->Int] = V;
  std::set<std::string> OptionNames;
  for (const PV *G : Groups->Items) {
    if (G->K != PV::Kind::Dict)
      throw CheckpointError("an optimizer param group that is not a dict");
    const PV *Params = dictGet(G, "params");
    if (!Params || Params->K != PV::Kind::List)
      throw CheckpointError("an optimizer param group without 'params'");
    for (const auto &[K, V] : G->Entries)
      if (K->K == PV::Kind::String && K->Str != "params" &&
          OptionNames.insert(K->Str).second && O.GroupSizes.empty())
        O.OptionNames.push_back(K->Str);
    O.GroupSizes.push_back(Params->Items.size());
    for (const PV *P : Params->Items) {
      std::vector<ManifestKey> Entries;
      auto It = P->K == PV::Kind::Int ? ByIndex.find(P->Int) : ByIndex.end();
      if (It != ByIndex.end() && It->second->K == PV::Kind::Dict)
        for (const auto &[K, V] : It->second->Entries)
          if (K->K == PV::Kind::String && isTensor(V))
            Entries.push_back(keyOf(K->Str, V, ManifestKey::Kind::Unknown));
      O.ParamState.push_back(std::move(Entries));
    }
  }
  O.Kind = optimizerKind(OptionNames);
  return O;
}

struct Candidate {
  std::string Path;
  const PV *Value;
  bool Optimizer;
};

/// State dicts and optimizer state dicts inside a nested checkpoint.
void findCandidates(const PV *V, const std::string &Path, int Depth,
                    std::vector<Candidate> &Out) {
  if (Depth > MaxSearchDepth || V->K != PV::Kind::Dict)
    return;
  if (isTensorDict(V)) {
    Out.push_back({Path, V, false});
    return;
  }
  if (isOptimizerStateDict(V)) {
    Out.push_back({Path, V, true});
    return;
  }
  for (const auto &[K, Child] : V->Entries)
    if (K->K == PV::Kind::String)
      findCandidates(Child, Path.empty() ? K->Str : Path + "/" + K->Str,
                     Depth + 1, Out);
}

void fromPythonPickle(Manifest &M, const PV *Root, const ReadOptions &Opts) {
  const PV *Chosen = Root;
  if (!Opts.Entry.empty()) {
    std::stringstream Parts(Opts.Entry);
    std::string Part;
    while (std::getline(Parts, Part, '/')) {
      const PV *Next = dictGet(Chosen, Part);
      if (!Next)
        throw CheckpointError("no entry '" + Opts.Entry +
                              "' in the checkpoint");
      Chosen = Next;
    }
    M.Entry = Opts.Entry;
  } else if (!isTensorDict(Root) && !isOptimizerStateDict(Root)) {
    std::vector<Candidate> Found;
    findCandidates(Root, "", 0, Found);
    std::vector<Candidate> Models;
    for (const auto &C : Found)
      if (!C.Optimizer)
        Models.push_back(C);
    const std::vector<Candidate> &Pick = Models.empty() ? Found : Models;
    if (Pick.empty())
      throw CheckpointError("no dict of tensors in the checkpoint");
    if (Pick.size() > 1) {
      std::string List;
      for (const auto &C : Found)
        List += "\n  " + C.Path + (C.Optimizer ? " (optimizer state)" : "");
      throw CheckpointError("the checkpoint holds several state dicts; choose "
                            "one with --entry:" +
                            List);
    }
    Chosen = Pick[0].Value;
    M.Entry = Pick[0].Path;
  }
  if (isOptimizerStateDict(Chosen)) {
    M.Optimizer = pythonOptimizer(Chosen);
    return;
  }
  if (Chosen->K == PV::Kind::Dict && Chosen->Entries.empty())
    return;
  if (!isTensorDict(Chosen))
    throw CheckpointError("entry '" + M.Entry + "' is not a dict of tensors");
  addKeys(M, Chosen);
}

// --- TorchScript / torch::save archives --------------------------------------

/// `__parameters__` and `__buffers__` of each class in code/, by qualified
/// class name (`__torch__.___torch_mangle_0.Module`).
using Declarations =
    std::map<std::string,
             std::pair<std::set<std::string>, std::set<std::string>>>;

std::set<std::string> quotedNames(const std::string &Line) {
  std::set<std::string> R;
  size_t P = 0;
  while ((P = Line.find('"', P)) != std::string::npos) {
    size_t E = Line.find('"', P + 1);
    if (E == std::string::npos)
      break;
    R.insert(Line.substr(P + 1, E - P - 1));
    P = E + 1;
  }
  return R;
}

Declarations readDeclarations(const ZipArchive &Z, const std::string &Prefix) {
  Declarations D;
  const std::string CodeDir = Prefix + "code/";
  for (const std::string &Name : Z.names()) {
    if (Name.compare(0, CodeDir.size(), CodeDir) != 0 || Name.size() < 3 ||
        Name.compare(Name.size() - 3, 3, ".py") != 0)
      continue;
    // code/__torch__/___torch_mangle_0.py defines __torch__.___torch_mangle_0.*
    std::string Module =
        Name.substr(CodeDir.size(), Name.size() - CodeDir.size() - 3);
    std::replace(Module.begin(), Module.end(), '/', '.');
    std::istringstream In(Z.read(Name, MaxCodeBytes));
    std::string Line, Class;
    while (std::getline(In, Line)) {
      if (Line.rfind("class ", 0) == 0) {
        size_t End = Line.find_first_of("(:", 6);
        Class = Module + "." + Line.substr(6, End - 6);
      } else if (!Class.empty() &&
                 Line.find("__parameters__ = [") != std::string::npos) {
        D[Class].first = quotedNames(Line);
      } else if (!Class.empty() &&
                 Line.find("__buffers__ = [") != std::string::npos) {
        D[Class].second = quotedNames(Line);
      }
    }
  }
  return D;
}

void walkModule(Manifest &M, const PV *Obj, const std::string &Prefix,
                const Declarations &Decls, int Depth) {
  if (Depth > MaxModuleDepth)
    throw CheckpointError("modules nested deeper than " +
                          std::to_string(MaxModuleDepth) + " levels");
  auto It = Decls.find(Obj->Str + "." + Obj->Name);
  for (const auto &[K, V] : Obj->Entries) {
    if (K->K != PV::Kind::String)
      continue;
    if (isTensor(V)) {
      ManifestKey::Kind Kind = ManifestKey::Kind::Unknown;
      if (It != Decls.end()) {
        if (It->second.first.count(K->Str))
          Kind = ManifestKey::Kind::Parameter;
        else if (It->second.second.count(K->Str))
          Kind = ManifestKey::Kind::Buffer;
        else
          continue; // a tensor attribute that is neither is not in state_dict
      }
      M.Keys.push_back(keyOf(Prefix + K->Str, V, Kind));
    } else if (V->K == PV::Kind::Object) {
      walkModule(M, V, Prefix + K->Str + ".", Decls, Depth + 1);
    }
  }
}

/// torch::save(optimizer): attributes `state` (per-parameter objects keyed
/// by the parameter's address) and `param_groups` (`param_groups/<i>`
/// objects with `params/<j>` address strings and an `options` object).
OptimizerManifest cppOptimizer(const PV *Root) {
  OptimizerManifest O;
  const PV *State = dictGet(Root, "state");
  const PV *Groups = dictGet(Root, "param_groups");
  if (!State || !Groups || State->K != PV::Kind::Object ||
      Groups->K != PV::Kind::Object)
    throw CheckpointError(
        "optimizer archive without state and param_groups objects");
  std::set<std::string> OptionNames;
  for (const auto &[K, G] : Groups->Entries) {
    if (K->K != PV::Kind::String || K->Str.rfind("param_groups/", 0) != 0 ||
        G->K != PV::Kind::Object)
      continue;
    size_t Count = 0;
    for (const auto &[PK, PV_] : G->Entries) {
      if (PK->K != PV::Kind::String)
        continue;
      if (PK->Str == "options" && PV_->K == PV::Kind::Object) {
        for (const auto &[OK, OV] : PV_->Entries)
          if (OK->K == PV::Kind::String && OptionNames.insert(OK->Str).second &&
              O.GroupSizes.empty())
            O.OptionNames.push_back(OK->Str);
        continue;
      }
      if (PK->Str.rfind("params/", 0) != 0 || PV_->K != PV::Kind::String)
        continue;
      ++Count;
      std::vector<ManifestKey> Entries;
      if (const PV *S = dictGet(State, PV_->Str))
        for (const auto &[SK, SV] : S->Entries)
          if (SK->K == PV::Kind::String && isTensor(SV))
            Entries.push_back(keyOf(SK->Str, SV, ManifestKey::Kind::Unknown));
      O.ParamState.push_back(std::move(Entries));
    }
    O.GroupSizes.push_back(Count);
  }
  O.Kind = optimizerKind(OptionNames);
  return O;
}

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
  const PV *Root = Doc.Root;
  if (!TorchScript) {
    M.Format = "torch.save";
    fromPythonPickle(M, Root, Opts);
    return;
  }
  M.Format = "torch::save";
  if (Root->K != PV::Kind::Object)
    throw CheckpointError(
        "a TorchScript archive whose data.pkl is not an object");
  if (dictGet(Root, "param_groups") && dictGet(Root, "state")) {
    M.Optimizer = cppOptimizer(Root);
    return;
  }
  if (!Opts.Entry.empty())
    throw CheckpointError(
        "--entry selects inside Python checkpoints; this is a "
        "torch::save module archive");
  walkModule(M, Root, "", readDeclarations(Z, Prefix), 0);
}

// --- safetensors
// --------------------------------------------------------------

size_t itemSize(const std::string &DType) {
  static const std::map<std::string, size_t> Sizes = {
      {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2},    {"I64", 8},
      {"I32", 4}, {"I16", 2}, {"I8", 1},  {"U8", 1},      {"BOOL", 1},
      {"U16", 2}, {"U32", 4}, {"U64", 8}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  auto It = Sizes.find(DType);
  return It == Sizes.end() ? 0 : It->second;
}

std::string torchDType(const std::string &DType) {
  static const std::map<std::string, std::string> Names = {
      {"F64", "float64"},        {"F32", "float32"},
      {"F16", "float16"},        {"BF16", "bfloat16"},
      {"I64", "int64"},          {"I32", "int32"},
      {"I16", "int16"},          {"I8", "int8"},
      {"U8", "uint8"},           {"BOOL", "bool"},
      {"U16", "uint16"},         {"U32", "uint32"},
      {"U64", "uint64"},         {"F8_E4M3", "float8_e4m3fn"},
      {"F8_E5M2", "float8_e5m2"}};
  return Names.at(DType);
}

/// Reads a safetensors header from the first bytes of a file of FileSize
/// bytes; Head holds at least the first min(FileSize, 8 + header) bytes.
void readSafetensors(Manifest &M, const std::string &Head, uint64_t FileSize) {
  if (FileSize < 8 || Head.size() < 8)
    throw CheckpointError("too short for a safetensors file");
  uint64_t N = 0;
  for (int I = 0; I < 8; ++I)
    N |= uint64_t(uint8_t(Head[I])) << (8 * I);
  if (N > MaxSafetensorsHeader)
    throw CheckpointError("safetensors header of " + std::to_string(N) +
                          " bytes is over the 100 MB limit");
  if (8 + N > FileSize || Head.size() < 8 + N)
    throw CheckpointError("safetensors header runs past the end of the file");
  Json H;
  try {
    H = Json::parse(Head.begin() + 8, Head.begin() + 8 + N);
  } catch (const Json::exception &E) {
    throw CheckpointError(
        std::string("safetensors header is not valid JSON: ") + E.what());
  }
  if (!H.is_object())
    throw CheckpointError("safetensors header is not a JSON object");
  uint64_t DataSize = FileSize - 8 - N;
  std::vector<std::pair<uint64_t, uint64_t>> Ranges;
  for (auto &[Name, T] : H.items()) {
    if (Name == "__metadata__") {
      if (!T.is_object())
        throw CheckpointError("safetensors __metadata__ is not an object");
      for (auto &[K, V] : T.items()) {
        if (!V.is_string())
          throw CheckpointError("safetensors __metadata__ value '" + K +
                                "' is not a string");
        M.Metadata[K] = V.get<std::string>();
      }
      continue;
    }
    auto Bad = [&](const std::string &Why) {
      return CheckpointError("safetensors tensor '" + Name + "': " + Why);
    };
    if (!T.is_object() || !T.contains("dtype") || !T["dtype"].is_string() ||
        !T.contains("shape") || !T["shape"].is_array() ||
        !T.contains("data_offsets") || !T["data_offsets"].is_array() ||
        T["data_offsets"].size() != 2)
      throw Bad("needs dtype, shape and two data_offsets");
    std::string DType = T["dtype"].get<std::string>();
    size_t Item = itemSize(DType);
    if (!Item)
      throw Bad("unknown dtype '" + DType + "'");
    ManifestKey K;
    K.Name = Name;
    K.DType = torchDType(DType);
    unsigned __int128 Bytes = Item;
    for (const auto &D : T["shape"]) {
      if (!D.is_number_unsigned())
        throw Bad("shape is not a list of non-negative integers");
      K.Shape.push_back(int64_t(D.get<uint64_t>()));
      Bytes *= D.get<uint64_t>();
      if (Bytes > DataSize)
        Bytes = DataSize + 1; // keep the product bounded; it is wrong anyway
    }
    const auto &Off = T["data_offsets"];
    if (!Off[0].is_number_unsigned() || !Off[1].is_number_unsigned())
      throw Bad("data_offsets are not non-negative integers");
    uint64_t Begin = Off[0].get<uint64_t>(), End = Off[1].get<uint64_t>();
    if (Begin > End || End > DataSize)
      throw Bad("data_offsets [" + std::to_string(Begin) + ", " +
                std::to_string(End) + "] lie outside the " +
                std::to_string(DataSize) + " data bytes");
    if (End - Begin != Bytes)
      throw Bad("data_offsets span " + std::to_string(End - Begin) +
                " bytes, but its dtype and shape need " +
                (Bytes > DataSize ? std::string("more")
                                  : std::to_string(uint64_t(Bytes))));
    Ranges.push_back({Begin, End});
    M.Keys.push_back(std::move(K));
  }
  // The buffer must be covered exactly, without holes or overlaps.
  std::sort(Ranges.begin(), Ranges.end());
  uint64_t Expect = 0;
  for (const auto &R : Ranges) {
    if (R.first != Expect)
      throw CheckpointError(
          "safetensors data has a hole or an overlap at byte " +
          std::to_string(Expect));
    Expect = R.second;
  }
  if (Expect != DataSize)
    throw CheckpointError("safetensors data has " +
                          std::to_string(DataSize - Expect) +
                          " bytes no tensor claims");
}

// --- Our JSON manifest
// ---------------------------------------------------------

ManifestKey::Kind kindFromName(const std::string &S) {
  if (S == "parameter")
    return ManifestKey::Kind::Parameter;
  if (S == "buffer")
    return ManifestKey::Kind::Buffer;
  if (S == "unknown")
    return ManifestKey::Kind::Unknown;
  throw CheckpointError("manifest key kind '" + S +
                        "' is not parameter, buffer or unknown");
}

// --- Files and dispatch
// ----------------------------------------------------------

std::string readFile(const std::string &Path, uint64_t Limit,
                     uint64_t *FullSize) {
  std::ifstream In(Path, std::ios::binary | std::ios::ate);
  if (!In)
    throw CheckpointError("cannot open the file");
  uint64_t Size = uint64_t(In.tellg());
  if (FullSize)
    *FullSize = Size;
  In.seekg(0);
  std::string Bytes(std::min(Size, Limit), '\0');
  In.read(Bytes.data(), std::streamsize(Bytes.size()));
  if (!In)
    throw CheckpointError("cannot read the file");
  return Bytes;
}

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

enum class Format {
  Zip,
  Safetensors,
  SafetensorsIndex,
  JsonManifest,
  Legacy,
  Unknown
};

Format sniff(const std::string &Name, const std::string &Head) {
  if (Head.size() >= 4 && Head.compare(0, 4, "PK\x03\x04") == 0)
    return Format::Zip;
  if (isLegacyTorchSave(Head))
    return Format::Legacy;
  if (endsWith(Name, ".safetensors.index.json"))
    return Format::SafetensorsIndex;
  size_t First = Head.find_first_not_of(" \t\r\n");
  if (First != std::string::npos && Head[First] == '{')
    return Format::JsonManifest;
  if (Head.size() >= 9 && Head[8] == '{')
    return Format::Safetensors;
  return Format::Unknown;
}

Manifest readShardedSafetensors(const std::string &IndexPath,
                                const std::string &Text);

/// Reads the header of the safetensors file at Path: its first 8 bytes,
/// then only as many as they declare.
void readSafetensorsFile(Manifest &M, const std::string &Path) {
  uint64_t Size = 0;
  std::string Head = readFile(Path, 8, &Size);
  uint64_t N = 0;
  for (size_t I = 0; I < Head.size() && I < 8; ++I)
    N |= uint64_t(uint8_t(Head[I])) << (8 * I);
  readSafetensors(
      M, readFile(Path, 8 + std::min(N, MaxSafetensorsHeader), nullptr), Size);
}

Manifest readBytes(const std::string &Name, const std::string &Head,
                   uint64_t FileSize, const ReadOptions &Opts,
                   const ZipArchive *OpenZip) {
  Manifest M;
  M.Source = Name;
  switch (sniff(Name, Head)) {
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

std::string directoryOf(const std::string &Path) {
  size_t Slash = Path.rfind('/');
  return Slash == std::string::npos ? std::string() : Path.substr(0, Slash + 1);
}

Manifest readShardedSafetensors(const std::string &IndexPath,
                                const std::string &Text) {
  Json J;
  try {
    J = Json::parse(Text);
  } catch (const Json::exception &E) {
    throw CheckpointError(std::string("safetensors index is not valid JSON: ") +
                          E.what());
  }
  if (!J.is_object() || !J.contains("weight_map") ||
      !J["weight_map"].is_object())
    throw CheckpointError("safetensors index without a weight_map object");
  Manifest M;
  M.Format = "safetensors-sharded";
  M.Source = IndexPath;
  if (J.contains("metadata") && J["metadata"].is_object())
    for (auto &[K, V] : J["metadata"].items())
      M.Metadata[K] = V.is_string() ? V.get<std::string>() : V.dump();
  std::map<std::string, std::map<std::string, ManifestKey>> Shards;
  for (auto &[Key, File] : J["weight_map"].items()) {
    if (!File.is_string())
      throw CheckpointError("weight_map entry '" + Key +
                            "' is not a file name");
    std::string Shard = File.get<std::string>();
    if (Shard.empty() || Shard.find('/') != std::string::npos || Shard == "..")
      throw CheckpointError("weight_map names shard '" + Shard +
                            "' outside the index's directory");
    if (!Shards.count(Shard)) {
      std::string Path = directoryOf(IndexPath) + Shard;
      Manifest S;
      try {
        readSafetensorsFile(S, Path);
      } catch (const CheckpointError &E) {
        throw CheckpointError("shard " + Path + ": " + E.what());
      }
      for (auto &K : S.Keys)
        Shards[Shard][K.Name] = K;
    }
    auto It = Shards[Shard].find(Key);
    if (It == Shards[Shard].end())
      throw CheckpointError("weight_map puts '" + Key + "' in " + Shard +
                            ", which does not hold it");
    M.Keys.push_back(It->second);
  }
  return M;
}

} // namespace

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
    switch (sniff(Path, Head)) {
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

std::string manifestToJson(const Manifest &M) {
  Json J;
  J["version"] = M.Version;
  J["format"] = M.Format;
  J["source"] = M.Source;
  if (!M.Entry.empty())
    J["entry"] = M.Entry;
  J["prefixes"] = M.Prefixes;
  J["keys"] = Json::array();
  for (const auto &K : M.Keys)
    J["keys"].push_back({{"name", K.Name},
                         {"shape", K.Shape},
                         {"dtype", K.DType},
                         {"kind", kindName(K.K)}});
  if (!M.Metadata.empty())
    J["metadata"] = M.Metadata;
  if (M.Optimizer) {
    Json O;
    O["kind"] = M.Optimizer->Kind;
    O["options"] = M.Optimizer->OptionNames;
    O["param_groups"] = M.Optimizer->GroupSizes;
    O["state"] = Json::array();
    for (const auto &P : M.Optimizer->ParamState) {
      Json S = Json::object();
      for (const auto &E : P)
        S[E.Name] = {{"shape", E.Shape}, {"dtype", E.DType}};
      O["state"].push_back(S);
    }
    J["optimizer"] = O;
  }
  return J.dump(2) + "\n";
}

Manifest manifestFromJson(const std::string &Text) {
  Json J;
  try {
    J = Json::parse(Text);
  } catch (const Json::exception &E) {
    throw CheckpointError(std::string("not valid JSON: ") + E.what());
  }
  auto need = [&](bool Ok, const std::string &What) {
    if (!Ok)
      throw CheckpointError("not a torch-keycheck manifest: " + What);
  };
  need(J.is_object(), "expected a JSON object");
  need(J.contains("version") && J["version"].is_number_integer(),
       "no integer \"version\"");
  int Version = J["version"].get<int>();
  if (Version != 1)
    throw CheckpointError(
        "manifest version " + std::to_string(Version) +
        " is not supported (this torch-keycheck reads version 1)");
  need(J.contains("keys") && J["keys"].is_array(), "no \"keys\" array");
  Manifest M;
  M.Format = "manifest";
  if (J.contains("entry") && J["entry"].is_string())
    M.Entry = J["entry"].get<std::string>();
  size_t Index = 0;
  std::set<std::string> Seen;
  for (const auto &K : J["keys"]) {
    std::string Where = "keys[" + std::to_string(Index++) + "]";
    need(K.is_object() && K.contains("name") && K["name"].is_string(),
         Where + " needs a \"name\" string");
    ManifestKey Key;
    Key.Name = K["name"].get<std::string>();
    need(Seen.insert(Key.Name).second, Where + " repeats '" + Key.Name + "'");
    need(K.contains("shape") && K["shape"].is_array(),
         Where + " needs a \"shape\" array");
    for (const auto &D : K["shape"]) {
      need(D.is_number_unsigned(),
           Where + " shape holds a non-negative integer per dimension");
      Key.Shape.push_back(D.get<int64_t>());
    }
    need(K.contains("dtype") && K["dtype"].is_string(),
         Where + " needs a \"dtype\" string");
    Key.DType = K["dtype"].get<std::string>();
    Key.K = K.contains("kind") && K["kind"].is_string()
                ? kindFromName(K["kind"].get<std::string>())
                : ManifestKey::Kind::Unknown;
    M.Keys.push_back(std::move(Key));
  }
  if (J.contains("metadata") && J["metadata"].is_object())
    for (auto &[K, V] : J["metadata"].items())
      if (V.is_string())
        M.Metadata[K] = V.get<std::string>();
  return M;
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
  auto shapeText = [](const std::vector<int64_t> &Shape) {
    std::string S = "[";
    for (size_t I = 0; I < Shape.size(); ++I)
      S += (I ? ", " : "") + std::to_string(Shape[I]);
    return S + "]";
  };
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
