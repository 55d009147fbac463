//===- RegistrationOutsideConstructorCheck.cpp - Registrations no constructor
//makes -===//
//
// torch-registration-outside-constructor:
// docs/checks/torch-registration-outside-constructor.md.
//
//===----------------------------------------------------------------------===//
#include "SourceCheck.h"

namespace torchkc {
namespace checks {

void ClassLinter::checkOutsideConstructors() {
  for (const RegistrationOutsideConstructor &R : C.OutsideConstructors) {
    std::string Name = R.NameText;
    if (Name.size() >= 2 && Name.front() == '"' && Name.back() == '"')
      Name = Name.substr(1, Name.size() - 2);
    report(CheckId::RegistrationOutsideConstructor, R.Loc,
           "'" + Name + "' is registered in '" + R.Function +
               "', which no constructor calls; a checkpoint saved before "
               "it runs lacks " +
               (R.K == Registration::Kind::Module ? "its keys" : "the key"))
        .Notes.push_back(
            {R.FunctionLoc, "register in the constructor, or call '" +
                                R.Function + "' from it"});
  }
}

} // namespace checks
} // namespace torchkc
