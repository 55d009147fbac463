//===- main.cpp - The torch-keycheck command line -------------------------===//
//
// `torch-keycheck <command> ...`. Commands that read checkpoints run here,
// linked against the manifest library only; commands that parse C++ live
// in the analysis module (Analysis.cpp), loaded on demand, so that reading
// a manifest never pays for loading LLVM and Clang.
//
//===----------------------------------------------------------------------===//
#include "torch-keycheck/checkpoint/Manifest.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

enum ExitCode { Success = 0, ToolError = 2 };

int error(const std::string &Msg) {
  std::cerr << "torch-keycheck: error: " << Msg << "\n";
  return ToolError;
}

void printUsage(std::ostream &OS) {
  OS << "usage: torch-keycheck <command> [options] <input>...\n"
        "\n"
        "commands:\n"
        "  keys       list the state_dict keys, shapes and dtypes each model "
        "class\n"
        "             registers, in LibTorch's "
        "named_parameters()/named_buffers() order\n"
        "  check      report registration hazards in model classes (names "
        "LibTorch\n"
        "             refuses, duplicate keys, unregistered members, keys that "
        "depend\n"
        "             on configuration) as compiler-style diagnostics\n"
        "  golden     compare the keys of the models the project file "
        "names with\n"
        "             their committed golden manifests, or write them "
        "(--update)\n"
        "  manifest   list the tensors a checkpoint holds (torch.save, "
        "torch::save,\n"
        "             safetensors, or a JSON manifest) without loading them\n"
        "  migrate    rename a checkpoint's keys to fit the model as the "
        "code is now\n"
        "             (reordered children, renames, prefixes), without "
        "loading a tensor\n"
        "  lsp        a language server for editors, beside clangd: findings "
        "as\n"
        "             diagnostics, quick fixes, keys on hover\n"
        "\n"
        "Run 'torch-keycheck <command> --help' for the options of a command.\n";
}

const char *ManifestHelp =
    "usage: torch-keycheck manifest <checkpoint> [--entry NAME] [--format "
    "text|json]\n"
    "\n"
    "Lists the tensors a checkpoint holds (name, shape, dtype, and parameter "
    "or\n"
    "buffer where the file says), without loading them or running pickled "
    "code.\n"
    "\n"
    "  --entry NAME     the dict to read inside a nested checkpoint; nested "
    "keys\n"
    "                   are separated by '/' (model/state_dict)\n"
    "  --format FORMAT  text (default) or json, the golden-manifest format\n"
    "  --version        print the version and exit\n";

int runManifest(const std::vector<std::string> &Args) {
  std::string Path, Entry, Format = "text";
  for (size_t I = 0; I < Args.size(); ++I) {
    const std::string &A = Args[I];
    auto value = [&](const std::string &Opt, std::string &Out) {
      if (A == Opt) {
        if (I + 1 >= Args.size())
          throw std::string(Opt + " needs a value");
        Out = Args[++I];
        return true;
      }
      if (A.compare(0, Opt.size() + 1, Opt + "=") == 0) {
        Out = A.substr(Opt.size() + 1);
        return true;
      }
      return false;
    };
    try {
      if (A == "--help" || A == "-h") {
        std::cout << ManifestHelp;
        return Success;
      }
      if (A == "--version") {
        std::cout << "torch-keycheck " TORCHKC_VERSION "\n";
        return Success;
      }
      if (value("--entry", Entry) || value("--format", Format))
        continue;
    } catch (const std::string &Msg) {
      return error(Msg);
    }
    if (!A.empty() && A[0] == '-')
      return error("unknown option '" + A + "' for 'manifest'");
    if (!Path.empty())
      return error("manifest takes one checkpoint file");
    Path = A;
  }
  if (Path.empty())
    return error("no checkpoint file given");
  if (Format != "text" && Format != "json")
    return error("unknown --format '" + Format + "' (expected text or json)");
  torchkc::ReadOptions Opts;
  Opts.Entry = Entry;
  try {
    torchkc::Manifest M = torchkc::readCheckpoint(Path, Opts);
    std::cout << (Format == "json" ? torchkc::manifestToJson(M)
                                   : torchkc::manifestToText(M));
  } catch (const torchkc::CheckpointError &E) {
    return error(E.what());
  }
  return Success;
}

std::string executableDir() {
  char Buf[PATH_MAX];
  ssize_t N = readlink("/proc/self/exe", Buf, sizeof Buf - 1);
  if (N <= 0)
    return ".";
  std::string P(Buf, size_t(N));
  return P.substr(0, P.rfind('/'));
}

/// Runs a command of the analysis module: next to the executable in a
/// build tree, in ../lib/torch-keycheck/ once installed.
int runAnalysis(const std::string &Command, int Argc, const char **Argv) {
  std::string Dir = executableDir();
  std::string Tried;
  void *Module = nullptr;
  for (const std::string &Candidate :
       {Dir + "/libtorch-keycheck-analysis.so",
        Dir + "/../lib/torch-keycheck/libtorch-keycheck-analysis.so"}) {
    Module = dlopen(Candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (Module)
      break;
    Tried += std::string("\n  ") + dlerror();
  }
  if (!Module)
    return error("cannot load the analysis module:" + Tried);
  using Entry = int (*)(const char *, int, const char **);
  auto Main = reinterpret_cast<Entry>(dlsym(Module, "torchkc_analysis_main"));
  if (!Main)
    return error("the analysis module has no entry point");
  return Main(Command.c_str(), Argc, Argv);
}

} // namespace

int main(int Argc, const char **Argv) {
  if (Argc < 2) {
    printUsage(std::cerr);
    return ToolError;
  }
  std::string Command = Argv[1];
  if (Command == "--help" || Command == "-h" || Command == "help") {
    printUsage(std::cout);
    return Success;
  }
  if (Command == "--version") {
    std::cout << "torch-keycheck " TORCHKC_VERSION "\n";
    return Success;
  }
  if (Command == "manifest")
    return runManifest(std::vector<std::string>(Argv + 2, Argv + Argc));
  if (Command == "keys" || Command == "check" || Command == "golden" ||
      Command == "lsp" || Command == "migrate") {
    // The command takes argv[0]'s place, so option parsing and usage
    // messages name it.
    std::string Program = "torch-keycheck " + Command;
    std::vector<const char *> Args(Argv + 1, Argv + Argc);
    Args[0] = Program.c_str();
    return runAnalysis(Command, int(Args.size()), Args.data());
  }
  std::cerr << "torch-keycheck: error: unknown command '" << Command << "'\n";
  printUsage(std::cerr);
  return ToolError;
}
