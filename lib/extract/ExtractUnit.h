//===- ExtractUnit.h - One parsed translation unit to its graph -*- C++ -*-===//
#ifndef TORCH_KEYCHECK_LIB_EXTRACT_EXTRACTUNIT_H
#define TORCH_KEYCHECK_LIB_EXTRACT_EXTRACTUNIT_H

#include "torch-keycheck/extract/Extractor.h"

namespace clang {
class Sema;
} // namespace clang

namespace torchkc {
namespace extract {

/// Extracts the classes and load sites of the unit Ctx holds into TU and,
/// when OnTU is given, calls it while the AST is alive (TU.Source set).
/// With S, class template specializations the unit only names are
/// instantiated; with RecordInputFiles, TU.InputFiles lists every file the
/// unit read.
void extractUnit(clang::ASTContext &Ctx, clang::Sema *S, RegistrationGraph &TU,
                 const TranslationUnitCallback &OnTU, bool RecordInputFiles);

} // namespace extract
} // namespace torchkc

#endif
