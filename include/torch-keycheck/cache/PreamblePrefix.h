//===- PreamblePrefix.h - Leading directives a shared PCH stands for -*- C++ -*-===//
//
// A unit's leading #includes and #defines, read from the text of its
// preamble: the part one PCH can stand for in every unit that starts with
// the same directives (the comments around them, a test's RUN lines or a
// licence header, do not matter). The unit is then parsed whole with that
// PCH loaded: its own directives run again, an #include of a header the PCH
// holds is skipped by the header's guard, a #define repeats its identical
// definition.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_CACHE_PREAMBLEPREFIX_H
#define TORCH_KEYCHECK_CACHE_PREAMBLEPREFIX_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace torchkc {

struct PreamblePrefix {
  /// The directives, each as written (continuation lines included), one
  /// per line: the source the PCH is built from.
  std::string Text;
  /// The macro of an include guard (`#ifndef X` / `#define X`) the prefix
  /// starts inside and leaves out: the PCH must never read it.
  std::vector<std::string> Guards;
  /// Some #include is quoted (or names a macro): it is looked up next to
  /// the unit first, so the PCH serves units of one directory only.
  bool Quoted = false;

  bool empty() const { return Text.empty(); }
};

/// The leading directives of Preamble (the text clang's preamble bounds
/// give) that a PCH can stand for: #include, #define (each macro once), an
/// include guard opening the file and `#pragma once`, up to the first
/// directive of another kind (#undef, a conditional, another #pragma,
/// #include_next, ...), whose effect could differ when run twice.
PreamblePrefix preamblePrefix(llvm::StringRef Preamble);

} // namespace torchkc

#endif
