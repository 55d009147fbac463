//===- Rewrite.cpp - A checkpoint with its keys renamed -------------------===//
#include "torch-keycheck/checkpoint/Rewrite.h"

#include "Readers.h"
#include "RewriteSupport.h"

#include "torch-keycheck/checkpoint/Pickle.h"
#include "torch-keycheck/support/Files.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <set>
#include <vector>

namespace torchkc {
namespace checkpoint {

uint64_t le(const std::string &S, size_t At, int Bytes) {
  uint64_t V = 0;
  for (int I = Bytes - 1; I >= 0; --I)
    V = (V << 8) | uint8_t(S[At + size_t(I)]);
  return V;
}
void putLe(std::string &S, uint64_t V, int Bytes) {
  for (int I = 0; I < Bytes; ++I)
    S.push_back(char((V >> (8 * I)) & 0xff));
}

nlohmann::ordered_json readSafetensorsHeader(const InputFile &In,
                                             uint64_t &DataStart) {
  std::string LengthBytes = In.read(0, 8);
  uint64_t HeaderSize = le(LengthBytes, 0, 8);
  if (HeaderSize > In.Size - 8 || HeaderSize > MaxSafetensorsHeader)
    fail(In.Path, "a safetensors header of " + std::to_string(HeaderSize) +
                      " bytes, over the limit or the file");
  nlohmann::ordered_json Header = nlohmann::ordered_json::parse(
      In.read(8, HeaderSize), nullptr, /*allow_exceptions=*/false);
  if (!Header.is_object())
    fail(In.Path, "the safetensors header is not a JSON object");
  DataStart = 8 + HeaderSize;
  return Header;
}

std::vector<ZipEntry> readDirectory(const InputFile &In) {
  uint64_t Tail = std::min<uint64_t>(In.Size, 65535 + 22);
  std::string End = In.read(In.Size - Tail, Tail);
  size_t At = End.rfind(std::string("PK\x05\x06", 4));
  if (At == std::string::npos || At + 22 > End.size())
    fail(In.Path, "no zip end-of-directory record (truncated?)");
  uint64_t Count = le(End, At + 10, 2), DirSize = le(End, At + 12, 4),
           DirOffset = le(End, At + 16, 4);
  uint64_t EndAt = In.Size - Tail + At;
  if (Count == 0xffff || DirSize == 0xffffffff || DirOffset == 0xffffffff) {
    if (EndAt < 20)
      fail(In.Path, "a zip64 archive without its locator");
    std::string Locator = In.read(EndAt - 20, 20);
    if (Locator.compare(0, 4, "PK\x06\x07", 4) != 0)
      fail(In.Path, "a zip64 archive without its locator");
    std::string End64 = In.read(le(Locator, 8, 8), 56);
    if (End64.compare(0, 4, "PK\x06\x06", 4) != 0)
      fail(In.Path, "a zip64 end-of-directory record that is not one");
    Count = le(End64, 32, 8);
    DirSize = le(End64, 40, 8);
    DirOffset = le(End64, 48, 8);
  }
  if (Count > MaxEntries || DirSize > MaxDirectoryBytes)
    fail(In.Path, "a zip directory of " + std::to_string(Count) +
                      " entries and " + std::to_string(DirSize) +
                      " bytes, over the limits");
  std::string Dir = In.read(DirOffset, DirSize);
  std::vector<ZipEntry> Entries;
  size_t P = 0;
  for (uint64_t I = 0; I < Count; ++I) {
    if (P + 46 > Dir.size() || Dir.compare(P, 4, "PK\x01\x02", 4) != 0)
      fail(In.Path, "a zip directory entry that is not one");
    ZipEntry E;
    E.MadeBy = uint16_t(le(Dir, P + 4, 2));
    E.Flags = uint16_t(le(Dir, P + 8, 2));
    E.Method = uint16_t(le(Dir, P + 10, 2));
    E.Time = uint16_t(le(Dir, P + 12, 2));
    E.Date = uint16_t(le(Dir, P + 14, 2));
    E.Crc = uint32_t(le(Dir, P + 16, 4));
    E.CompressedSize = le(Dir, P + 20, 4);
    E.Size = le(Dir, P + 24, 4);
    size_t NameLen = le(Dir, P + 28, 2), ExtraLen = le(Dir, P + 30, 2),
           CommentLen = le(Dir, P + 32, 2);
    E.InternalAttr = uint16_t(le(Dir, P + 36, 2));
    E.ExternalAttr = uint32_t(le(Dir, P + 38, 4));
    E.LocalOffset = le(Dir, P + 42, 4);
    if (P + 46 + NameLen + ExtraLen + CommentLen > Dir.size())
      fail(In.Path, "a zip directory entry runs past the directory");
    E.Name = Dir.substr(P + 46, NameLen);
    // Sizes and offset too large for 32 bits are in the zip64 field, in
    // this order, each only when its 32-bit field says so.
    std::string Extra = Dir.substr(P + 46 + NameLen, ExtraLen);
    for (size_t X = 0; X + 4 <= Extra.size();) {
      uint64_t Id = le(Extra, X, 2), Len = le(Extra, X + 2, 2);
      if (X + 4 + Len > Extra.size())
        break;
      if (Id == 1) {
        size_t F = X + 4;
        for (uint64_t *Field : {&E.Size, &E.CompressedSize, &E.LocalOffset})
          if (*Field == 0xffffffff) {
            if (F + 8 > X + 4 + Len)
              fail(In.Path, "a zip64 field shorter than it must be");
            *Field = le(Extra, F, 8);
            F += 8;
          }
      }
      X += 4 + Len;
    }
    P += 46 + NameLen + ExtraLen + CommentLen;
    if (E.Flags & 1)
      fail(In.Path, "'" + E.Name + "' is encrypted");
    std::string Local = In.read(E.LocalOffset, 30);
    if (Local.compare(0, 4, "PK\x03\x04", 4) != 0)
      fail(In.Path, "'" + E.Name + "' has no local header where the "
                                   "directory says");
    E.DataOffset = E.LocalOffset + 30 + le(Local, 26, 2) + le(Local, 28, 2);
    if (E.DataOffset > In.Size || E.CompressedSize > In.Size - E.DataOffset)
      fail(In.Path, "'" + E.Name + "' runs past the end of the file");
    Entries.push_back(std::move(E));
  }
  return Entries;
}

std::string readEntry(const InputFile &In, const ZipEntry &E, uint64_t Limit) {
  if (E.Size > Limit)
    fail(In.Path, "'" + E.Name + "' is " + std::to_string(E.Size) +
                      " bytes, over the limit of " + std::to_string(Limit));
  std::string Raw = In.read(E.DataOffset, E.CompressedSize);
  if (E.Method == 0)
    return Raw;
  if (E.Method != 8)
    fail(In.Path, "'" + E.Name + "' uses compression method " +
                      std::to_string(E.Method));
  std::string Out(E.Size, '\0');
  z_stream Z{};
  if (inflateInit2(&Z, -MAX_WBITS) != Z_OK)
    fail(In.Path, "cannot inflate '" + E.Name + "'");
  Z.next_in = reinterpret_cast<Bytef *>(Raw.data());
  Z.avail_in = uInt(Raw.size());
  Z.next_out = reinterpret_cast<Bytef *>(Out.data());
  Z.avail_out = uInt(Out.size());
  int Status = inflate(&Z, Z_FINISH);
  inflateEnd(&Z);
  if (Status != Z_STREAM_END || Z.total_out != E.Size)
    fail(In.Path, "'" + E.Name + "' does not inflate to its size");
  return Out;
}

void writeZip(const InputFile &In, OutputFile &Out,
              std::vector<ZipEntry> Entries,
              const std::map<std::string, std::string> &NewData,
              RewriteResult &Result) {
  std::string Directory;
  for (ZipEntry &E : Entries) {
    auto New = NewData.find(E.Name);
    if (New != NewData.end()) {
      E.Method = 0;
      E.Size = E.CompressedSize = New->second.size();
      E.Crc = uint32_t(crc32(0, reinterpret_cast<const Bytef *>(
                                    New->second.data()),
                             uInt(New->second.size())));
    }
    bool Big = E.Size >= 0xffffffff || E.CompressedSize >= 0xffffffff;
    uint64_t Offset = Out.Pos;
    std::string Local;
    putLe(Local, 0x04034b50, 4);
    putLe(Local, Big ? 45 : 20, 2);
    putLe(Local, E.Flags & ~uint16_t(8), 2); // sizes are in the header
    putLe(Local, E.Method, 2);
    putLe(Local, E.Time, 2);
    putLe(Local, E.Date, 2);
    putLe(Local, E.Crc, 4);
    putLe(Local, Big ? 0xffffffff : E.CompressedSize, 4);
    putLe(Local, Big ? 0xffffffff : E.Size, 4);
    putLe(Local, E.Name.size(), 2);
    std::string Extra;
    if (Big) {
      putLe(Extra, 1, 2);
      putLe(Extra, 16, 2);
      putLe(Extra, E.Size, 8);
      putLe(Extra, E.CompressedSize, 8);
    }
    // Padding in an extra field of torch's own id ("FB"), so that the data
    // starts at a multiple of 64 bytes.
    uint64_t DataAt = Offset + 30 + E.Name.size() + Extra.size();
    uint64_t Pad = (64 - (DataAt + 4) % 64) % 64;
    putLe(Extra, 0x4246, 2);
    putLe(Extra, Pad, 2);
    Extra.append(size_t(Pad), 'Z');
    putLe(Local, Extra.size(), 2);
    Out.write(Local + E.Name + Extra);
    if (New != NewData.end()) {
      Out.write(New->second);
    } else {
      Out.copy(In, E.DataOffset, E.CompressedSize);
      Result.BytesCopied += E.CompressedSize;
    }
    bool FarOffset = Offset >= 0xffffffff;
    std::string Zip64;
    if (Big || FarOffset) {
      std::string Fields;
      if (Big) {
        putLe(Fields, E.Size, 8);
        putLe(Fields, E.CompressedSize, 8);
      }
      if (FarOffset)
        putLe(Fields, Offset, 8);
      putLe(Zip64, 1, 2);
      putLe(Zip64, Fields.size(), 2);
      Zip64 += Fields;
    }
    putLe(Directory, 0x02014b50, 4);
    putLe(Directory, E.MadeBy, 2);
    putLe(Directory, Big || FarOffset ? 45 : 20, 2);
    putLe(Directory, E.Flags & ~uint16_t(8), 2);
    putLe(Directory, E.Method, 2);
    putLe(Directory, E.Time, 2);
    putLe(Directory, E.Date, 2);
    putLe(Directory, E.Crc, 4);
    putLe(Directory, Big ? 0xffffffff : E.CompressedSize, 4);
    putLe(Directory, Big ? 0xffffffff : E.Size, 4);
    putLe(Directory, E.Name.size(), 2);
    putLe(Directory, Zip64.size(), 2);
    putLe(Directory, 0, 2); // comment
    putLe(Directory, 0, 2); // disk
    putLe(Directory, E.InternalAttr, 2);
    putLe(Directory, E.ExternalAttr, 4);
    putLe(Directory, FarOffset ? 0xffffffff : Offset, 4);
    Directory += E.Name + Zip64;
  }
  uint64_t DirOffset = Out.Pos, Count = Entries.size();
  Out.write(Directory);
  bool Zip64 = Count >= 0xffff || DirOffset >= 0xffffffff ||
               Directory.size() >= 0xffffffff;
  std::string End;
  if (Zip64) {
    uint64_t End64At = Out.Pos;
    putLe(End, 0x06064b50, 4);
    putLe(End, 44, 8);
    putLe(End, 45, 2);
    putLe(End, 45, 2);
    putLe(End, 0, 4);
    putLe(End, 0, 4);
    putLe(End, Count, 8);
    putLe(End, Count, 8);
    putLe(End, Directory.size(), 8);
    putLe(End, DirOffset, 8);
    putLe(End, 0x07064b50, 4);
    putLe(End, 0, 4);
    putLe(End, End64At, 8);
    putLe(End, 1, 4);
  }
  putLe(End, 0x06054b50, 4);
  putLe(End, 0, 2);
  putLe(End, 0, 2);
  putLe(End, Zip64 ? 0xffff : Count, 2);
  putLe(End, Zip64 ? 0xffff : Count, 2);
  putLe(End, Zip64 ? 0xffffffff : Directory.size(), 4);
  putLe(End, Zip64 ? 0xffffffff : DirOffset, 4);
  putLe(End, 0, 2);
  Out.write(End);
}

std::string intOpcode(int64_t V) {
  std::string R;
  if (V >= 0 && V < 256) {
    R = "K";
    putLe(R, uint64_t(V), 1);
  } else if (V >= 0 && V < 65536) {
    R = "M";
    putLe(R, uint64_t(V), 2);
  } else if (V >= INT32_MIN && V <= INT32_MAX) {
    R = "J";
    putLe(R, uint64_t(uint32_t(int32_t(V))), 4);
  } else {
    // LONG1: the length, then the two's complement, least significant
    // byte first (8 bytes hold any int64_t).
    R = "\x8a\x08";
    putLe(R, uint64_t(V), 8);
  }
  return R;
}

std::string unicodeOpcode(const std::string &S) {
  std::string R(1, 'X');
  putLe(R, S.size(), 4);
  return R + S;
}

namespace {


// --- data.pkl ---------------------------------------------------------------

std::string parentPath(const std::string &Key) {
  size_t Dot = Key.rfind('.');
  return Dot == std::string::npos ? "" : Key.substr(0, Dot);
}

/// The module paths the renames move (`body.1` -> `body.0`, `module.fc` ->
/// `fc`, `module` -> ``), for the state dict's _metadata; a path moved to
/// two places is left alone.
std::map<std::string, std::string>
movedModules(const std::map<std::string, std::string> &Rename) {
  std::map<std::string, std::string> Moved;
  std::set<std::string> Ambiguous;
  for (const auto &[From, To] : Rename) {
    std::string F = parentPath(From), T = parentPath(To);
    // Up from the tensor, while both sides still have a path.
    for (;;) {
      if (F == T)
        break;
      auto [It, New] = Moved.try_emplace(F, T);
      if (!New && It->second != T)
        Ambiguous.insert(F);
      if (F.empty())
        break;
      std::string FP = parentPath(F), TP = T.empty() ? "" : parentPath(T);
      // Only while the last components agree is the parent the same
      // module one level up.
      std::string FL = F.substr(F.rfind('.') == std::string::npos
                                    ? 0
                                    : F.rfind('.') + 1);
      std::string TL = T.substr(T.rfind('.') == std::string::npos
                                    ? 0
                                    : T.rfind('.') + 1);
      if (FL != TL && !T.empty())
        break;
      if (T.empty()) {
        // A prefix stripped: what is left above F goes to the root.
        F = FP;
        continue;
      }
      F = FP;
      T = TP;
    }
  }
  for (const std::string &A : Ambiguous)
    Moved.erase(A);
  return Moved;
}

/// data.pkl with the chosen state dict's keys renamed and dropped.
std::string rewritePickle(const InputFile &In, const std::string &Pickle,
                          const KeyRewrite &R, const ReadOptions &Opts,
                          RewriteResult &Result) {
  PickleDocument Doc = unpickle(Pickle);
  if (Doc.Framed)
    fail(In.Path, "data.pkl uses pickle protocol 4 frames; save it again "
                  "with torch.save's default protocol");
  std::string Entry;
  const PV *Dict = chooseStateDict(Doc.Root, Opts, Entry, nullptr);
  if (Dict->K != PV::Kind::Dict || !isTensorDict(Dict))
    fail(In.Path, "entry '" + Entry + "' is not a dict of tensors");
  struct Splice {
    size_t Begin, End;
    std::string With;
  };
  std::vector<Splice> Splices;
  NewNames Names(In.Path, R, Result);
  for (size_t I = 0; I < Dict->Entries.size(); ++I) {
    const PV &Key = *Dict->Entries[I].first;
    if (Key.K != PV::Kind::String)
      continue;
    std::optional<std::string> Name = Names.of(Key.Str);
    if (!Name) {
      auto [B, E] = I < Dict->EntrySpans.size() ? Dict->EntrySpans[I]
                                                : std::make_pair(size_t(0),
                                                                 size_t(0));
      if (B == E)
        fail(In.Path, "cannot drop '" + Key.Str +
                          "': its bytes in data.pkl are not one run");
      // Nothing the dropped bytes store may be read elsewhere (a storage
      // that another tensor views).
      std::set<uint64_t> Stored;
      for (const auto &[At, Index] : Doc.MemoPuts)
        if (At >= B && At < E)
          Stored.insert(Index);
      for (const auto &[At, Index] : Doc.MemoGets)
        if ((At < B || At >= E) && Stored.count(Index))
          fail(In.Path, "cannot drop '" + Key.Str +
                            "': another tensor shares what it stores (a "
                            "storage viewed by both)");
      Splices.push_back({B, E, ""});
      continue;
    }
    if (*Name != Key.Str) {
      if (Key.Opcode != 'X' && Key.Opcode != 0x8c && Key.Opcode != 0x8d)
        fail(In.Path, "key '" + Key.Str + "' is not a str in data.pkl");
      Splices.push_back({Key.Begin, Key.End, unicodeOpcode(*Name)});
    }
  }
  Names.finish();
  // The module paths of _metadata follow their keys. When every key
  // changed the same prefix (a wrapper's stripped, a part's path added),
  // so does every path, those of modules without keys too.
  std::optional<std::pair<std::string, std::string>> Prefix;
  if (!R.Rename.empty() && R.Rename.size() + R.Drop.size() == Names.seen()) {
    const auto &[From0, To0] = *R.Rename.begin();
    std::pair<std::string, std::string> P;
    if (From0.size() > To0.size() &&
        From0.compare(From0.size() - To0.size(), To0.size(), To0) == 0)
      P = {From0.substr(0, From0.size() - To0.size()), ""};
    else if (To0.size() > From0.size() &&
             To0.compare(To0.size() - From0.size(), From0.size(), From0) == 0)
      P = {"", To0.substr(0, To0.size() - From0.size())};
    bool Uniform = (!P.first.empty() || !P.second.empty()) &&
                   (P.first.empty() || P.first.back() == '.') &&
                   (P.second.empty() || P.second.back() == '.');
    for (const auto &[From, To] : R.Rename)
      Uniform &= From.compare(0, P.first.size(), P.first) == 0 &&
                 To.compare(0, P.second.size(), P.second) == 0 &&
                 From.substr(P.first.size()) == To.substr(P.second.size());
    if (Uniform)
      Prefix = P;
  }
  auto MovedPath = [&](const std::string &Path,
                       const std::map<std::string, std::string> &Moved)
      -> std::optional<std::string> {
    if (Prefix) {
      const auto &[Old, New] = *Prefix;
      std::string Dotted = Path.empty() ? "" : Path + ".";
      if (!Old.empty() && Dotted.compare(0, Old.size(), Old) == 0) {
        std::string Rest = Dotted.substr(Old.size());
        return Rest.empty() ? "" : Rest.substr(0, Rest.size() - 1);
      }
      if (Old.empty())
        return (New + Dotted).substr(0, New.size() + Dotted.size() - 1);
      return std::nullopt;
    }
    if (auto It = Moved.find(Path); It != Moved.end())
      return It->second;
    return std::nullopt;
  };
  if (Dict->State && Dict->State->K == PV::Kind::Dict)
    if (const PV *Meta = dictGet(Dict->State, "_metadata");
        Meta && Meta->K == PV::Kind::Dict) {
      std::map<std::string, std::string> Moved = movedModules(R.Rename);
      for (const auto &[K, V] : Meta->Entries)
        if (K->K == PV::Kind::String && K->End &&
            (K->Opcode == 'X' || K->Opcode == 0x8c || K->Opcode == 0x8d))
          if (std::optional<std::string> To = MovedPath(K->Str, Moved);
              To && *To != K->Str)
            Splices.push_back({K->Begin, K->End, unicodeOpcode(*To)});
    }
  // Optimizer state beside the state dict is positional: each
  // parameter's state goes to the position the parameter has now.
  if (!R.ParameterMoves.empty() && Dict != Doc.Root)
    for (const PV *Opt : optimizerStateDicts(Doc.Root)) {
      const PV *State = dictGet(Opt, "state");
      const PV *Groups = dictGet(Opt, "param_groups");
      std::set<int64_t> Ids;
      for (const PV *G : Groups ? Groups->Items : std::vector<PickleRef>())
        if (const PV *Params = dictGet(G, "params"))
          for (const PV *Id : Params->Items)
            if (Id->K == PV::Kind::Int)
              Ids.insert(Id->Int);
      std::set<int64_t> Known;
      for (const auto &[From, To] : R.ParameterMoves)
        Known.insert(From);
      if (Ids != Known)
        fail(In.Path, "optimizer state for " + std::to_string(Ids.size()) +
                          " parameters beside a state dict of " +
                          std::to_string(Known.size()) +
                          ": it cannot follow them");
      if (!State || State->K != PV::Kind::Dict)
        continue;
      for (const auto &[K, V] : State->Entries) {
        if (K->K != PV::Kind::Int || !K->End ||
            !R.ParameterMoves.count(K->Int))
          fail(In.Path, "optimizer state under a key that is no parameter's");
        int64_t To = R.ParameterMoves.at(K->Int);
        if (To != K->Int)
          Splices.push_back({K->Begin, K->End, intOpcode(To)});
      }
      ++Result.OptimizersMoved;
    }
  std::sort(Splices.begin(), Splices.end(),
            [](const Splice &A, const Splice &B) { return A.Begin < B.Begin; });
  // A string shared by two places is one splice.
  Splices.erase(std::unique(Splices.begin(), Splices.end(),
                            [](const Splice &A, const Splice &B) {
                              return A.Begin == B.Begin && A.End == B.End &&
                                     A.With == B.With;
                            }),
                Splices.end());
  std::string Out;
  size_t At = 0;
  for (const Splice &S : Splices) {
    if (S.Begin < At)
      fail(In.Path, "data.pkl: two rewrites of the same bytes");
    Out.append(Pickle, At, S.Begin - At);
    Out += S.With;
    At = S.End;
  }
  Out.append(Pickle, At, std::string::npos);
  return Out;
}

RewriteResult rewriteTorchSave(const InputFile &In, const std::string &OutPath,
                               const KeyRewrite &R, const ReadOptions &Opts) {
  RewriteResult Result;
  Result.Format = "torch.save";
  std::vector<ZipEntry> Entries = readDirectory(In);
  const ZipEntry *Pickle = nullptr;
  bool TorchScript = false;
  for (const ZipEntry &E : Entries) {
    size_t Slash = E.Name.find('/');
    if (!Pickle && Slash != std::string::npos &&
        E.Name.substr(Slash) == "/data.pkl")
      Pickle = &E;
  }
  if (!Pickle)
    fail(In.Path, "a zip archive without <archive>/data.pkl: not a torch "
                  "checkpoint");
  std::string Prefix = Pickle->Name.substr(0, Pickle->Name.size() - 8);
  for (const ZipEntry &E : Entries)
    TorchScript |= E.Name == Prefix + "constants.pkl";
  if (TorchScript)
    fail(In.Path, "a torch::save or TorchScript archive: migrating one is "
                  "not supported (its keys live in a module object); save "
                  "the state dict from Python, or migrate a torch.save copy");
  std::string NewPickle = rewritePickle(
      In, readEntry(In, *Pickle, MaxPickleBytes), R, Opts, Result);
  std::string PickleName = Pickle->Name;
  OutputFile Out(OutPath, In);
  writeZip(In, Out, Entries, {{PickleName, NewPickle}}, Result);
  Out.commit();
  return Result;
}

// --- safetensors ------------------------------------------------------------

RewriteResult rewriteSafetensors(const InputFile &In,
                                 const std::string &OutPath,
                                 const KeyRewrite &R) {
  RewriteResult Result;
  Result.Format = "safetensors";
  uint64_t DataStart = 0;
  nlohmann::ordered_json Header = readSafetensorsHeader(In, DataStart);
  uint64_t DataSize = In.Size - DataStart;
  struct Tensor {
    std::string Name;
    nlohmann::ordered_json Info;
    uint64_t Begin, End;
  };
  std::vector<Tensor> Tensors;
  nlohmann::ordered_json Metadata;
  NewNames Names(In.Path, R, Result);
  for (auto &[Name, Info] : Header.items()) {
    if (Name == "__metadata__") {
      Metadata = Info;
      continue;
    }
    const auto &Offsets = Info.value("data_offsets", nlohmann::json());
    if (!Offsets.is_array() || Offsets.size() != 2 ||
        !Offsets[0].is_number_unsigned() || !Offsets[1].is_number_unsigned() ||
        Offsets[0].get<uint64_t>() > Offsets[1].get<uint64_t>() ||
        Offsets[1].get<uint64_t>() > DataSize)
      fail(In.Path, "'" + Name + "' has data_offsets outside the data");
    if (std::optional<std::string> New = Names.of(Name))
      Tensors.push_back({*New, Info, Offsets[0].get<uint64_t>(),
                         Offsets[1].get<uint64_t>()});
  }
  Names.finish();
  // The kept tensors' bytes in their order, packed: a dropped tensor
  // leaves no hole (safetensors refuses one).
  std::vector<Tensor *> ByOffset;
  for (Tensor &T : Tensors)
    ByOffset.push_back(&T);
  std::sort(ByOffset.begin(), ByOffset.end(),
            [](const Tensor *A, const Tensor *B) { return A->Begin < B->Begin; });
  uint64_t Next = 0;
  std::vector<std::pair<uint64_t, uint64_t>> Copies;
  for (Tensor *T : ByOffset) {
    uint64_t Size = T->End - T->Begin;
    if (!Copies.empty() && Copies.back().first + Copies.back().second == T->Begin)
      Copies.back().second += Size;
    else
      Copies.push_back({T->Begin, Size});
    T->Info["data_offsets"] = {Next, Next + Size};
    Next += Size;
  }
  nlohmann::ordered_json NewHeader = nlohmann::ordered_json::object();
  if (!Metadata.is_null())
    NewHeader["__metadata__"] = Metadata;
  for (const Tensor &T : Tensors)
    NewHeader[T.Name] = T.Info;
  std::string Text = NewHeader.dump();
  Text.append((8 - Text.size() % 8) % 8, ' ');
  OutputFile Out(OutPath, In);
  std::string Length;
  putLe(Length, Text.size(), 8);
  Out.write(Length + Text);
  for (const auto &[Begin, Size] : Copies) {
    Out.copy(In, DataStart + Begin, Size);
    Result.BytesCopied += Size;
  }
  Out.commit();
  return Result;
}

// --- our JSON manifest --------------------------------------------------------

RewriteResult rewriteJsonManifest(const InputFile &In,
                                  const std::string &OutPath,
                                  const KeyRewrite &R) {
  RewriteResult Result;
  Result.Format = "manifest";
  nlohmann::ordered_json Doc = nlohmann::ordered_json::parse(
      In.read(0, std::min<uint64_t>(In.Size, MaxManifestBytes)), nullptr,
      /*allow_exceptions=*/false);
  if (!Doc.is_object() || !Doc["keys"].is_array())
    fail(In.Path, "not a torch-keycheck manifest");
  nlohmann::ordered_json Keys = nlohmann::ordered_json::array();
  NewNames Names(In.Path, R, Result);
  for (auto &K : Doc["keys"]) {
    if (!K.is_object() || !K["name"].is_string())
      fail(In.Path, "not a torch-keycheck manifest: a key without a name");
    if (std::optional<std::string> Name = Names.of(K["name"])) {
      K["name"] = *Name;
      Keys.push_back(K);
    }
  }
  Names.finish();
  Doc["keys"] = Keys;
  OutputFile Out(OutPath, In);
  Out.write(Doc.dump(2) + "\n");
  Out.commit();
  return Result;
}

} // namespace
} // namespace checkpoint

RewriteResult rewriteCheckpoint(const std::string &In, const std::string &Out,
                                const KeyRewrite &R, const ReadOptions &Opts) {
  using namespace checkpoint;
  InputFile File(In);
  std::string Head = File.read(0, std::min<uint64_t>(File.Size, 512));
  switch (sniff(In, Head, File.Size)) {
  case Format::Zip:
    return rewriteTorchSave(File, Out, R, Opts);
  case Format::Safetensors:
    if (!Opts.Entry.empty())
      fail(In, "--entry applies to nested torch.save checkpoints");
    return rewriteSafetensors(File, Out, R);
  case Format::JsonManifest:
    return rewriteJsonManifest(File, Out, R);
  case Format::Legacy:
    fail(In, "a checkpoint in torch.save's format before 1.6: save it "
             "again with a newer torch (the zip format) to migrate it");
  case Format::SafetensorsIndex:
    fail(In, "a sharded safetensors index: migrate each shard, then "
             "rename the keys in the index's weight_map");
  default:
    fail(In, "not a checkpoint torch-keycheck can rewrite");
  }
}

} // namespace torchkc
