//===- RegistrationGraph.cpp - Lookup and merging of module classes -------===//
#include "torch-keycheck/graph/RegistrationGraph.h"

#include <algorithm>
#include <map>
#include <set>

namespace torchkc {

/// The name without its scope: `ResNetImpl<net::Block>` for
/// `net::ResNetImpl<net::Block>` (template arguments keep theirs).
static std::string unqualified(const std::string &Q) {
  auto P = Q.rfind("::", Q.find('<'));
  return P == std::string::npos ? Q : Q.substr(P + 2);
}

const ModuleClass *RegistrationGraph::findFunction(const std::string &Name,
                                                   bool *Ambiguous) const {
  if (Ambiguous)
    *Ambiguous = false;
  for (const ModuleClass &F : Functions)
    if (F.Name == Name)
      return &F;
  const ModuleClass *Found = nullptr;
  for (const ModuleClass &F : Functions) {
    if (unqualified(F.Name) != Name)
      continue;
    if (Found) {
      if (Ambiguous)
        *Ambiguous = true;
      return nullptr;
    }
    Found = &F;
  }
  return Found;
}

const ModuleClass *RegistrationGraph::find(const std::string &Name,
                                           bool *Ambiguous) const {
  if (Ambiguous)
    *Ambiguous = false;
  // An exact qualified match wins over unqualified ones.
  for (const ModuleClass &C : Classes)
    if (C.Name == Name || C.HolderName == Name)
      return &C;
  const ModuleClass *Found = nullptr;
  for (const ModuleClass &C : Classes) {
    if (unqualified(C.Name) != Name &&
        (C.HolderName.empty() || unqualified(C.HolderName) != Name))
      continue;
    if (Found) {
      if (Ambiguous)
        *Ambiguous = true;
      return nullptr;
    }
    Found = &C;
  }
  // `Net` for a NetImpl that has no TORCH_MODULE holder. (An ambiguous
  // match returned above.)
  bool EndsInImpl =
      Name.size() >= 4 && Name.compare(Name.size() - 4, 4, "Impl") == 0;
  if (!Found && !EndsInImpl)
    return find(Name + "Impl", Ambiguous);
  return Found;
}

/// How many of C's constructors run one whose definition its unit lacks.
static size_t undefinedConstructors(const ModuleClass &C) {
  return size_t(std::count_if(
      C.Constructors.begin(), C.Constructors.end(),
      [](const Constructor &Ctor) { return !Ctor.Undefined.empty(); }));
}

void RegistrationGraph::merge(RegistrationGraph Other) {
  // As a linker would: a class seen in several units keeps the unit that
  // defines its constructors (a header's class is declared in every unit
  // that includes it, and defined in the one .cpp that implements it).
  std::map<std::string, size_t> Seen;
  for (size_t I = 0; I < Classes.size(); ++I)
    Seen.emplace(Classes[I].Name, I);
  for (ModuleClass &C : Other.Classes) {
    auto [It, New] = Seen.emplace(C.Name, Classes.size());
    if (New)
      Classes.push_back(std::move(C));
    else if (undefinedConstructors(C) <
             undefinedConstructors(Classes[It->second]))
      Classes[It->second] = std::move(C);
  }
  // Function models are only extracted where defined: an inline one in a
  // header is the same function in every unit.
  std::set<std::string> Defined;
  for (const ModuleClass &F : Functions)
    Defined.insert(F.Name);
  for (ModuleClass &F : Other.Functions)
    if (Defined.insert(F.Name).second)
      Functions.push_back(std::move(F));
  // A header's load site seen from several translation units is kept once.
  std::set<std::string> Sites;
  for (const LoadSite &S : LoadSites)
    Sites.insert(S.Loc.str());
  for (LoadSite &S : Other.LoadSites)
    if (Sites.insert(S.Loc.str()).second)
      LoadSites.push_back(std::move(S));
}

} // namespace torchkc
