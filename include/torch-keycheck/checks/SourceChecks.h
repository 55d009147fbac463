//===- SourceChecks.h - Registration hazards visible in the source --*- C++
//-*-===//
//
// The checks that need no checkpoint: each reads one class's registration
// graph and reports what will break or surprise at run time (a name
// LibTorch refuses, a key registered twice, a member never registered, a
// key whose presence depends on configuration, ...). docs/checks/ has a
// page per check.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_CHECKS_SOURCECHECKS_H
#define TORCH_KEYCHECK_CHECKS_SOURCECHECKS_H

#include "torch-keycheck/checks/Findings.h"
#include "torch-keycheck/graph/RegistrationGraph.h"

#include <vector>

namespace torchkc {

/// The findings of every source check on class C, in source order. A
/// construct reached several ways (a helper called twice, a base
/// constructor inlined into each derived class) is reported once.
std::vector<Finding> lintClass(const ModuleClass &C);

/// lintClass over every class of G, each location reported once.
std::vector<Finding> lintGraph(const RegistrationGraph &G);

} // namespace torchkc

#endif
