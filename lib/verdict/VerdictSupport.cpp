//===- VerdictSupport.cpp - What the verdict stages share -----------------===//
#include "VerdictSupport.h"

#include <algorithm>
#include <cctype>

namespace torchkc {
namespace verdict {

std::string someNames(const std::vector<std::string> &Names) {
  const size_t Shown = 3;
  std::string R;
  for (size_t I = 0; I < Names.size() && I < Shown; ++I) {
    if (I)
      R += I + 1 == Names.size() ? " and " : ", ";
    R += "'" + Names[I] + "'";
  }
  if (Names.size() > Shown)
    R += " and " + std::to_string(Names.size() - Shown) + " more";
  return R;
}

bool isConcreteKey(const Key &K) {
  if (K.When || K.Name.find('{') != std::string::npos || !K.Shape)
    return false;
  for (const Dim &D : *K.Shape)
    if (!D.Value)
      return false;
  return true;
}

const char *const UnlikeNamesNote =
    "the names share nothing: it is the only one with these keys and "
    "shapes here, on either side";

std::string conditionText(const Key &K) {
  std::string R;
  const std::vector<std::string> &Conditions = K.conditions();
  for (size_t I = 0; I < Conditions.size(); ++I)
    R += (I ? " and '" : "'") + Conditions[I] + "'";
  return R;
}

std::vector<int64_t> concreteShape(const Key &K) {
  std::vector<int64_t> S;
  for (const Dim &D : *K.Shape)
    S.push_back(*D.Value);
  return S;
}

size_t errorsIn(const std::vector<Finding> &Fs) {
  return size_t(std::count_if(Fs.begin(), Fs.end(), [](const Finding &F) {
    return F.Level == Severity::Error;
  }));
}

bool isIntegralType(const std::string &T) {
  for (const char *Word : {"int", "long", "size_t", "short"})
    if (T.find(Word) != std::string::npos)
      return true;
  return false;
}

bool namesMatch(const std::string &Pattern, const std::string &Name) {
  size_t P = 0, N = 0;
  while (P < Pattern.size()) {
    if (Pattern[P] == '{') {
      size_t Close = Pattern.find('}', P);
      if (Close == std::string::npos)
        return false;
      size_t Digits = N;
      while (N < Name.size() && std::isdigit((unsigned char)Name[N]))
        ++N;
      if (N == Digits)
        return false;
      P = Close + 1;
    } else if (N < Name.size() && Pattern[P] == Name[N]) {
      ++P;
      ++N;
    } else {
      return false;
    }
  }
  return N == Name.size();
}

bool isIdentifier(const std::string &Text) {
  // A name, or a struct field's path (`config.hiddenSize`).
  if (Text.empty() || Text.front() == '.' || Text.back() == '.' ||
      Text.find("..") != std::string::npos)
    return false;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    bool Start = I == 0 || Text[I - 1] == '.';
    if (Start && std::isdigit((unsigned char)C))
      return false;
    if (!std::isalnum((unsigned char)C) && C != '_' && C != '.')
      return false;
  }
  return true;
}

std::set<std::string> identifiers(const std::string &Text) {
  std::set<std::string> R;
  for (size_t I = 0; I < Text.size();) {
    if (std::isalpha((unsigned char)Text[I]) || Text[I] == '_') {
      // A name and, when it is a struct's, each path through its fields
      // (`config`, `config.hiddenSize`).
      size_t J = I;
      while (true) {
        while (J < Text.size() &&
               (std::isalnum((unsigned char)Text[J]) || Text[J] == '_'))
          ++J;
        R.insert(Text.substr(I, J - I));
        if (J + 1 < Text.size() && Text[J] == '.' &&
            (std::isalpha((unsigned char)Text[J + 1]) || Text[J + 1] == '_'))
          ++J;
        else
          break;
      }
      I = J;
    } else {
      ++I;
    }
  }
  return R;
}

const Constructor *constructorFor(const ModuleClass &Class,
                                  const Configuration &Given) {
  if (Given.Constructor >= 0 &&
      size_t(Given.Constructor) < Class.Constructors.size())
    return &Class.Constructors[size_t(Given.Constructor)];
  for (const Constructor &C : Class.Constructors)
    if (takesDefines(C, Given))
      return &C;
  return nullptr;
}

bool takesDefines(const Constructor &C, const Configuration &Given) {
  return std::all_of(
      Given.Defines.begin(), Given.Defines.end(), [&](const auto &D) {
        return std::any_of(
            C.Params.begin(), C.Params.end(), [&](const ConstructorParam &P) {
              return P.Name == D.first ||
                     std::find(P.OtherNames.begin(), P.OtherNames.end(),
                               D.first) != P.OtherNames.end() ||
                     P.fieldOwner(D.first);
            });
      });
}

ModelKeys symbolicKeys(const RegistrationGraph &G, const ModuleClass &Class,
                       const Constructor &Ctor) {
  Configuration Symbols;
  Symbols.Constructor = int(&Ctor - Class.Constructors.data());
  for (const ConstructorParam &P : Ctor.Params)
    Symbols.Defines[P.Name] = SymExpr::makeParam(P.Name);
  return deriveKeys(G, Class, Symbols);
}

std::string defineText(const Configuration &C,
                       const std::vector<std::string> &Only,
                       const std::map<std::string, std::string> &ReadFrom) {
  std::string R;
  for (const std::string &K : Only) {
    auto It = C.Defines.find(K);
    if (It == C.Defines.end())
      continue;
    R += (R.empty() ? "" : ", ") + K + "=" + It->second->str();
    if (auto From = ReadFrom.find(K); From != ReadFrom.end())
      R += " (from " + From->second + ")";
  }
  return R;
}

std::string wrapperPrefix(const std::vector<ManifestKey> &Ckpt,
                          const std::vector<Key> &Model, bool Always) {
  std::string Prefix;
  if (Ckpt.empty())
    return Prefix;
  auto Starts = [](std::string_view Name, std::string_view P) {
    return Name.substr(0, P.size()) == P;
  };
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (std::string_view P : {"module.", "_orig_mod."}) {
      bool All = std::all_of(Ckpt.begin(), Ckpt.end(), [&](const auto &K) {
        return Starts(std::string_view(K.Name).substr(Prefix.size()), P);
      });
      bool ModelHasIt =
          std::any_of(Model.begin(), Model.end(), [&](const Key &K) {
            return (!Always || !K.When) && Starts(K.Name, P);
          });
      if (All && !ModelHasIt) {
        Prefix += P;
        Changed = true;
      }
    }
  }
  return Prefix;
}

} // namespace verdict
} // namespace torchkc
