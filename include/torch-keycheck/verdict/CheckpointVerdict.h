//===- CheckpointVerdict.h - The whole verdict of one load ------*- C++ -*-===//
//
// Above the load verdict and the solver: the comparison when the given
// configuration decides every key, else the configurations that match, or
// the closest one's differences.
//
//===----------------------------------------------------------------------===//
#ifndef TORCH_KEYCHECK_VERDICT_CHECKPOINTVERDICT_H
#define TORCH_KEYCHECK_VERDICT_CHECKPOINTVERDICT_H

#include "torch-keycheck/graph/RegistrationGraph.h"
#include "torch-keycheck/verdict/LoadVerdict.h"

#include <map>
#include <string>
#include <vector>

namespace torchkc {

/// The whole verdict for loading M into Class configured by Given: the
/// comparison when Given decides every key, else the configurations that
/// match (a remark naming them, with notes on what the other values of
/// each boolean knob would break) or, when none does, the closest one's
/// differences. Sets Problem, and returns nothing, when the configuration
/// cannot be solved for.
std::vector<Finding>
checkAgainstCheckpoint(const RegistrationGraph &G, const ModuleClass &Class,
                       const Configuration &Given, const Manifest &M,
                       const CompareOptions &Opts, std::string &Problem);

} // namespace torchkc

#endif
