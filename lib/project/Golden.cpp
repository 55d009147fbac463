//===- Golden.cpp - Golden manifests and key drift ------------------------===//
#include "torch-keycheck/project/Golden.h"
#include "torch-keycheck/support/Files.h"
#include "torch-keycheck/support/Json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace torchkc {

namespace {

std::vector<int64_t> sizesOf(const Key &K) {
  std::vector<int64_t> S;
  for (const Dim &D : *K.Shape)
    S.push_back(*D.Value);
  return S;
}

ManifestKey::Kind manifestKind(Key::Kind K) {
  return K == Key::Kind::Parameter ? ManifestKey::Kind::Parameter
                                   : ManifestKey::Kind::Buffer;
}

/// The name with every index component replaced by `#`: keys that only
/// moved between container slots share it.
std::string indexPattern(const std::string &Name) {
  std::string Out;
  size_t Start = 0;
  while (Start <= Name.size()) {
    size_t Dot = Name.find('.', Start);
    if (Dot == std::string::npos)
      Dot = Name.size();
    std::string Part = Name.substr(Start, Dot - Start);
    bool Index = !Part.empty() &&
                 std::all_of(Part.begin(), Part.end(),
                             [](char C) { return C >= '0' && C <= '9'; });
    Out += (Start ? "." : "") + (Index ? std::string("#") : Part);
    Start = Dot + 1;
  }
  return Out;
}

/// What a key is beyond its name, as the diff shows it: shape, and dtype
/// and kind when the golden records them.
std::string description(const std::vector<int64_t> &Shape,
                        const std::string &DType, const char *Kind) {
  std::string D = shapeText(Shape);
  if (!DType.empty())
    D += " " + DType;
  if (Kind)
    D += std::string(" ") + Kind;
  return D;
}

/// Where the golden lists Key, when it is JSON (written by `golden
/// --update` or `manifest --format json`); invalid otherwise.
SourceLoc whereGoldenLists(const std::string &GoldenFile,
                           const std::string &Key) {
  if (!regularFileProblem(GoldenFile).empty())
    return SourceLoc();
  std::ifstream In(GoldenFile);
  std::string Needle = "\"name\": " + dumpJson(nlohmann::json(Key));
  std::string Line;
  for (unsigned N = 1; std::getline(In, Line); ++N) {
    if (N == 1 && Line.rfind("{", 0) != 0)
      break; // not JSON: a checkpoint used as the golden
    size_t At = Line.find(Needle);
    if (At != std::string::npos)
      return SourceLoc{GoldenFile, N, unsigned(At + 1)};
  }
  return SourceLoc();
}

} // namespace

Manifest goldenManifest(const ModelKeys &Model) {
  Manifest M;
  M.Format = "predicted";
  M.Source = Model.Class;
  std::string Defines;
  for (const auto &[Name, Value] : Model.Config.Defines)
    Defines += (Defines.empty() ? "" : ", ") + Name + "=" + Value->str();
  if (!Model.Config.Name.empty() || !Defines.empty())
    M.Source += " (" + Model.Config.Name +
                (Model.Config.Name.empty() || Defines.empty() ? "" : ": ") +
                Defines + ")";
  for (const Key &K : Model.Keys)
    M.Keys.push_back({K.Name, sizesOf(K), K.DType, manifestKind(K.K)});
  computePrefixes(M);
  return M;
}

std::string goldenToJson(const Manifest &M) {
  using nlohmann::json;
  std::ostringstream OS;
  OS << "{\n  \"version\": " << M.Version
     << ",\n  \"format\": " << dumpJson(json(M.Format))
     << ",\n  \"source\": " << dumpJson(json(M.Source)) << ",\n  \"keys\": [";
  for (size_t I = 0; I < M.Keys.size(); ++I) {
    const ManifestKey &K = M.Keys[I];
    // Field order as docs/manifest.md lists them, one key per line.
    OS << (I ? ",\n" : "\n") << "    {\"name\": " << dumpJson(json(K.Name))
       << ", \"shape\": " << shapeText(K.Shape)
       << ", \"dtype\": " << dumpJson(json(K.DType)) << ", \"kind\": \""
       << kindName(K.K) << "\"}";
  }
  OS << (M.Keys.empty() ? "]\n}\n" : "\n  ]\n}\n");
  return OS.str();
}

namespace {

/// Parameter order: optimizer state is matched by position. The longest
/// run of common parameters in the golden's order stays; the others moved.
std::set<std::string>
reorderedParameters(const ModelKeys &Model,
                    const std::map<std::string, size_t> &InGolden) {
  std::vector<std::pair<size_t, const Key *>> Common;
  for (const Key &K : Model.Keys)
    if (auto It = InGolden.find(K.Name);
        K.K == Key::Kind::Parameter && It != InGolden.end())
      Common.push_back({It->second, &K});
  // Longest increasing subsequence of the golden positions.
  std::vector<size_t> Tail, TailAt, Prev(Common.size(), SIZE_MAX);
  for (size_t I = 0; I < Common.size(); ++I) {
    size_t Pos = std::lower_bound(Tail.begin(), Tail.end(), Common[I].first) -
                 Tail.begin();
    if (Pos == Tail.size()) {
      Tail.push_back(Common[I].first);
      TailAt.push_back(I);
    } else {
      Tail[Pos] = Common[I].first;
      TailAt[Pos] = I;
    }
    Prev[I] = Pos ? TailAt[Pos - 1] : SIZE_MAX;
  }
  std::vector<bool> Kept(Common.size(), false);
  for (size_t I = TailAt.empty() ? SIZE_MAX : TailAt.back(); I != SIZE_MAX;
       I = Prev[I])
    Kept[I] = true;
  std::set<std::string> Reordered;
  for (size_t I = 0; I < Common.size(); ++I)
    if (!Kept[I])
      Reordered.insert(Common[I].second->Name);
  return Reordered;
}

} // namespace

std::vector<KeyChange> diffWithGolden(const ModelKeys &Model,
                                      const Manifest &Golden) {
  std::map<std::string, size_t> InGolden;
  for (size_t I = 0; I < Golden.Keys.size(); ++I)
    InGolden[Golden.Keys[I].Name] = I;
  std::map<std::string, const Key *> InCode;
  for (const Key &K : Model.Keys)
    InCode[K.Name] = &K;

  std::vector<KeyChange> Changes;
  std::vector<const ManifestKey *> Removed;
  for (const ManifestKey &G : Golden.Keys)
    if (!InCode.count(G.Name))
      Removed.push_back(&G);

  std::set<std::string> Reordered = reorderedParameters(Model, InGolden);

  for (const Key &K : Model.Keys) {
    std::vector<int64_t> Shape = sizesOf(K);
    const char *Kind = kindName(manifestKind(K.K));
    auto It = InGolden.find(K.Name);
    if (It == InGolden.end()) {
      // A removed key of the same shape whose name differs only in indices
      // moved there: a reordered container, not an unrelated change.
      auto From = std::find_if(
          Removed.begin(), Removed.end(), [&](const ManifestKey *G) {
            return G && G->Shape == Shape &&
                   indexPattern(G->Name) == indexPattern(K.Name);
          });
      if (From != Removed.end()) {
        Changes.push_back({KeyChange::Kind::Moved, K.Name, (*From)->Name,
                           shapeText(Shape), K.Loc});
        *From = nullptr;
      } else {
        Changes.push_back({KeyChange::Kind::Added, K.Name, "",
                           description(Shape, K.DType, nullptr), K.Loc});
      }
      continue;
    }
    const ManifestKey &G = Golden.Keys[It->second];
    // The golden's dtype and kind count when it records them (a Python
    // checkpoint's kinds are unknown).
    bool SameDType = G.DType.empty() || K.DType.empty() || G.DType == K.DType;
    bool SameKind =
        G.K == ManifestKey::Kind::Unknown || G.K == manifestKind(K.K);
    if (G.Shape != Shape || !SameDType || !SameKind) {
      const char *GKind = SameKind ? nullptr : kindName(G.K);
      Changes.push_back({KeyChange::Kind::Reshaped, K.Name,
                         description(G.Shape, SameDType ? "" : G.DType, GKind),
                         description(Shape, SameDType ? "" : K.DType,
                                     SameKind ? nullptr : Kind),
                         K.Loc});
    }
    if (Reordered.count(K.Name))
      Changes.push_back({KeyChange::Kind::Reordered, K.Name, "", "", K.Loc});
  }

  for (const ManifestKey *G : Removed)
    if (G)
      Changes.push_back({KeyChange::Kind::Removed, G->Name, "",
                         description(G->Shape, G->DType, nullptr),
                         SourceLoc()});
  return Changes;
}

std::string driftSummary(const std::vector<KeyChange> &Changes) {
  static const std::pair<KeyChange::Kind, const char *> Order[] = {
      {KeyChange::Kind::Added, "added"},
      {KeyChange::Kind::Removed, "removed"},
      {KeyChange::Kind::Reshaped, "reshaped"},
      {KeyChange::Kind::Moved, "moved"},
      {KeyChange::Kind::Reordered, "reordered"}};
  std::string S;
  for (const auto &[Kind, Word] : Order) {
    size_t N = std::count_if(Changes.begin(), Changes.end(),
                             [&](const KeyChange &C) { return C.K == Kind; });
    if (N)
      S += (S.empty() ? "" : ", ") + std::to_string(N) + " " + Word;
  }
  return S;
}

Finding goldenDriftFinding(const ModelKeys &Model,
                           const std::vector<KeyChange> &Changes,
                           const std::string &GoldenFile,
                           const std::string &GoldenShown) {
  Finding F;
  F.Check = CheckId::GoldenDrift;
  F.Level = checkInfo(F.Check).Level;
  F.Loc = Model.Loc;
  std::string Config = Model.Config.Name;
  F.Message = "the keys of '" + Model.Class + "'" +
              (Config.empty() ? "" : " ('" + Config + "')") +
              " differ from golden '" + GoldenShown +
              "': " + driftSummary(Changes);
  for (const KeyChange &C : Changes) {
    SourceLoc At = C.Loc.valid() ? C.Loc : Model.Loc;
    std::string Msg;
    switch (C.K) {
    case KeyChange::Kind::Added:
      Msg = "added '" + C.Name + "' " + C.Now + ", which the golden lacks";
      break;
    case KeyChange::Kind::Removed:
      if (SourceLoc InGolden = whereGoldenLists(GoldenFile, C.Name);
          InGolden.valid()) {
        At = InGolden;
        Msg = "removed '" + C.Name + "' " + C.Now +
              ": the golden has it and the code no longer registers it";
      } else {
        Msg = "removed '" + C.Name + "' " + C.Now + ", which '" + GoldenShown +
              "' has";
      }
      break;
    case KeyChange::Kind::Reshaped:
      Msg = "reshaped '" + C.Name + "': " + C.Was + " in the golden, " + C.Now +
            " now";
      break;
    case KeyChange::Kind::Moved:
      Msg = "moved '" + C.Was + "' to '" + C.Name +
            "': a checkpoint of the golden's keys no longer loads";
      break;
    case KeyChange::Kind::Reordered:
      Msg = "reordered '" + C.Name +
            "' among the parameters: optimizer state, matched by position, "
            "would go to another parameter";
      break;
    }
    F.Notes.push_back({At, Msg});
  }
  F.Notes.push_back({Model.Loc,
                     "if the change is intended, update the golden with "
                     "'torch-keycheck golden --update'"});
  return F;
}

std::string renderKeyDiff(const std::vector<KeyChange> &Changes) {
  std::ostringstream OS;
  for (const KeyChange &C : Changes) {
    switch (C.K) {
    case KeyChange::Kind::Added:
      OS << "+ " << C.Name << " " << C.Now << "\n";
      break;
    case KeyChange::Kind::Removed:
      OS << "- " << C.Name << " " << C.Now << "\n";
      break;
    case KeyChange::Kind::Reshaped:
      OS << "~ " << C.Name << " " << C.Was << " -> " << C.Now << "\n";
      break;
    case KeyChange::Kind::Moved:
      OS << "> " << C.Was << " -> " << C.Name << " " << C.Now << "\n";
      break;
    case KeyChange::Kind::Reordered:
      OS << "^ " << C.Name << " (another position among the parameters)\n";
      break;
    }
  }
  return OS.str();
}

} // namespace torchkc
