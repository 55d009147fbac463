//===- RegistrationGraph.cpp - Lookup and merging of module classes -------===//
#include "torch-keycheck/graph/RegistrationGraph.h"

#include <set>

namespace torchkc {

/// The name without its scope: `ResNetImpl<net::Block>` for
/// `net::ResNetImpl<net::Block>` (template arguments keep theirs).
static std::string unqualified(const std::string &Q) {
  auto P = Q.rfind("::", Q.find('<'));
  return P == std::string::npos ? Q : Q.substr(P + 2);
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

void RegistrationGraph::merge(RegistrationGraph Other) {
  std::set<std::string> Seen;
  for (const ModuleClass &C : Classes)
    Seen.insert(C.Name);
  for (ModuleClass &C : Other.Classes)
    if (Seen.insert(C.Name).second)
      Classes.push_back(std::move(C));
  // A header's load site seen from several translation units is kept once.
  std::set<std::string> Sites;
  for (const LoadSite &S : LoadSites)
    Sites.insert(S.Loc.str());
  for (LoadSite &S : Other.LoadSites)
    if (Sites.insert(S.Loc.str()).second)
      LoadSites.push_back(std::move(S));
}

} // namespace torchkc
