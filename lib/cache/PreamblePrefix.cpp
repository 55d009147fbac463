//===- PreamblePrefix.cpp - Leading directives a shared PCH stands for ----===//
#include "torch-keycheck/cache/PreamblePrefix.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace torchkc {

namespace {

bool isIdentifierChar(char C) { return llvm::isAlnum(C) || C == '_'; }

/// The macro name a directive's operands start with.
llvm::StringRef macroName(llvm::StringRef Operands) {
  return Operands.take_while(isIdentifierChar);
}

/// Where the line that starts at or before I ends, continuation lines
/// (a backslash before the newline) included.
size_t endOfLogicalLine(llvm::StringRef S, size_t I) {
  while (I < S.size()) {
    size_t NL = S.find('\n', I);
    if (NL == llvm::StringRef::npos)
      return S.size();
    llvm::StringRef Before = S.slice(I, NL).rtrim("\r");
    if (!Before.ends_with("\\"))
      return NL;
    I = NL + 1;
  }
  return S.size();
}

} // namespace

PreamblePrefix preamblePrefix(llvm::StringRef S) {
  PreamblePrefix P;
  std::string OpenGuard; // after `#ifndef X` opening the file
  llvm::StringSet<> Defined;
  size_t I = 0;
  while (I < S.size()) {
    // Whitespace and comments between directives.
    char C = S[I];
    if (llvm::isSpace(C)) {
      ++I;
      continue;
    }
    if (S.substr(I).starts_with("//")) {
      I = endOfLogicalLine(S, I);
      continue;
    }
    if (S.substr(I).starts_with("/*")) {
      size_t End = S.find("*/", I + 2);
      if (End == llvm::StringRef::npos)
        break;
      I = End + 2;
      continue;
    }
    if (C != '#')
      break;

    // A directive, to the end of its logical line. A block comment that
    // runs on past the line ends the prefix (rare, and hard to cut right).
    size_t End = endOfLogicalLine(S, I);
    llvm::StringRef Line = S.slice(I, End);
    bool Spans = false;
    for (size_t J = Line.find("/*"); J != llvm::StringRef::npos;
         J = Line.find("/*", J + 2)) {
      size_t Close = Line.find("*/", J + 2);
      if (Close == llvm::StringRef::npos) {
        Spans = true;
        break;
      }
      J = Close;
    }
    if (Spans)
      break;
    llvm::StringRef Rest = Line.drop_front(1).ltrim(" \t");
    llvm::StringRef Name = Rest.take_while(isIdentifierChar);
    Rest = Rest.drop_front(Name.size()).ltrim(" \t");

    if (!OpenGuard.empty()) {
      // `#ifndef X` must be followed by `#define X` to be a guard.
      if (Name != "define" || macroName(Rest) != OpenGuard)
        break;
      P.Guards.push_back(OpenGuard);
      OpenGuard.clear();
    } else if (Name == "ifndef" && P.Text.empty() && P.Guards.empty()) {
      OpenGuard = macroName(Rest).str();
      if (OpenGuard.empty())
        break;
    } else if (Name == "pragma") {
      llvm::StringRef Operand = Rest.take_while(isIdentifierChar);
      llvm::StringRef After = Rest.drop_front(Operand.size()).ltrim(" \t\r");
      if (Operand != "once" || !(After.empty() || After.starts_with("//") ||
                                 After.starts_with("/*")))
        break;
      // Marks the unit itself, not what the PCH holds.
    } else if (Name == "include") {
      if (!Rest.starts_with("<"))
        P.Quoted = true;
      P.Text += Line.rtrim("\r").str() + "\n";
    } else if (Name == "define") {
      // Run again in the unit, each #define must repeat the definition the
      // PCH ends with: one macro defined twice, or #undef, ends the prefix.
      if (!Defined.insert(macroName(Rest)).second)
        break;
      P.Text += Line.rtrim("\r").str() + "\n";
    } else {
      break;
    }
    I = End;
  }
  return P;
}

} // namespace torchkc
