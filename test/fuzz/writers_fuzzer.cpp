// libFuzzer target: the JSON and SARIF writers of `check`, on findings
// whose file names, messages, notes and keys are arbitrary bytes (a
// checkpoint's key names and a repository's file names are). Each output
// must be a JSON document that is valid UTF-8: a writer that throws or
// writes bytes no JSON reader takes loses every finding of the run.
#include "torch-keycheck/output/FindingsOutput.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace torchkc;

namespace {

/// Splits the input into fields at 0x00 bytes.
std::vector<std::string> fields(const uint8_t *Data, size_t Size) {
  std::vector<std::string> F(1);
  for (size_t I = 0; I < Size; ++I) {
    if (Data[I] == 0)
      F.emplace_back();
    else
      F.back() += char(Data[I]);
  }
  while (F.size() < 6)
    F.emplace_back();
  return F;
}

void mustParse(const std::string &Text) {
  if (!nlohmann::json::accept(Text))
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::vector<std::string> F = fields(Data, Size);
  Finding A(CheckId::UnregisteredSubmodule, SourceLoc{F[0], 3, 7}, F[1],
            {Note{SourceLoc{F[2], 1, 1}, F[3]}});
  A.Keys = {F[4], F[5]};
  A.Fixes.push_back(FixIt{SourceLoc{F[0], 3, 7}, 2, F[5]});
  Finding B(CheckId::DuplicateKey, SourceLoc{"/p/" + F[2], 1, 2}, F[4]);
  B.Configuration = {{F[3], F[1]}};
  std::vector<Finding> Fs = {A, B};
  RenderOptions Opts;
  Opts.BaseDir = F.size() > 6 ? F[6] : "/p";
  mustParse(renderFindingsJson(Fs, 1, Opts));
  SarifInvocation Run;
  Run.ToolVersion = "0.1.0";
  Run.Arguments = {A.Message, B.Message};
  Run.Problems = {A.Message};
  mustParse(renderFindingsSarif(Fs, {B}, Opts, Run));
  renderFixesYaml(Fs, F[0], "/p", Opts);
  SourceLines Lines;
  renderFindingsText(Fs, Lines, Opts);
  return 0;
}
