# lit configuration for torch-keycheck's end-to-end tests. Tests run the
# real tool on sources that include the real LibTorch headers.
import os

import lit.formats

config.name = "torch-keycheck"
# Bash, so tests can use pipes and redirections freely.
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".cpp", ".test"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.torchkc_obj_root, "test", "lit")

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])

# The result cache of `check` stays in the build tree, not the user's home;
# tests that must not reuse results pass --cache-dir or --no-cache.
config.environment["TORCH_KEYCHECK_CACHE_DIR"] = os.path.join(
    config.test_exec_root, "Output", "cache")

# In a sanitizer build the plugins are instrumented and their hosts are
# not: the hosts get the sanitizer runtimes preloaded (leaks are checked in
# our own executables, not in clang's or clang-tidy's).
host = ""
if config.sanitize:
    import subprocess
    runtimes = []
    for name, wanted in (("libasan.so", "address"), ("libubsan.so", "undefined")):
        if wanted in config.sanitize:
            runtimes.append(subprocess.check_output(
                ["g++", "-print-file-name=" + name], text=True).strip())
    host = "env LD_PRELOAD=%s ASAN_OPTIONS=detect_leaks=0 " % ":".join(runtimes)
    config.available_features.add("sanitize")
    # LeakSanitizer's tracer dies (signal 11) at the exit of the analyzer
    # once LLVM is loaded: memory errors and undefined behaviour are checked,
    # leaks are not.
    config.environment["ASAN_OPTIONS"] = "detect_leaks=0"
# Reports from our code fail the test; LibTorch and LLVM stay unreported
# (they are not instrumented).
config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"

# Longer names first: lit applies substitutions in order.
config.substitutions.append(("%torch-keycheck", config.torch_keycheck))
config.substitutions.append(("%clang-plugin", config.clang_plugin))
# ccache in front of clang++ (the runtimes preloaded into both, in a
# sanitizer build: ccache runs the compiler it is given).
config.substitutions.append(
    ("%ccache-clangxx",
     host + "ccache " + os.path.join(config.llvm_tools_dir, "clang++")))
config.substitutions.append(
    ("%clangxx", host + os.path.join(config.llvm_tools_dir, "clang++")))
if config.tidy_plugin:
    config.available_features.add("tidy-plugin")
    config.substitutions.append(("%tidy-plugin", config.tidy_plugin))
    config.substitutions.append(
        ("%run-clang-tidy",
         host + os.path.join(config.llvm_tools_dir, "run-clang-tidy")))
    # The binary alone, for run-clang-tidy -clang-tidy-binary: the runtimes
    # reach it through %run-clang-tidy's environment.
    config.substitutions.append(
        ("%clang-tidy-path", os.path.join(config.llvm_tools_dir, "clang-tidy")))
    config.substitutions.append(
        ("%clang-tidy", host + os.path.join(config.llvm_tools_dir, "clang-tidy")))
config.substitutions.append(("%libtorch", config.libtorch_flags))
# For clang and clang-tidy runs: the same headers, precompiled (built with
# %libtorch's flags; any other flag that changes the language fails the
# load loudly).
config.substitutions.append(("%torch-pch", "-include-pch " + config.torch_pch))
config.substitutions.append(("%resource-dir", config.clang_resource_dir))
config.substitutions.append(
    ("%expect-exit", "%s %s" % (config.python_executable,
                                os.path.join(config.test_source_root, "expect-exit.py"))))
config.substitutions.append(
    ("%clang-apply-replacements",
     os.path.join(config.llvm_tools_dir, "clang-apply-replacements")))
config.substitutions.append(("%torch-python", config.torch_python))
if config.migrate_load:
    config.available_features.add("libtorch-program")
    config.substitutions.append(("%migrate-load", config.migrate_load))
config.substitutions.append(("%python", config.python_executable))
if config.torch_python:
    config.available_features.add("torch-python")
# Build-tool workflows (the compiler plugin's dependency file).
import shutil
for tool in ("ninja", "ccache"):
    if shutil.which(tool):
        config.available_features.add(tool)
