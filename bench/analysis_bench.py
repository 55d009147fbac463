"""Benchmark: the analysis against the compiler's own parse, side by side.

Interleaved in one run, on the same inputs and flags, the median of --runs
runs of:
  1. one realistic model TU (examples/classifier/model.h, which includes
     <torch/torch.h>): `torch-keycheck keys --no-cache` and `check
     --no-cache` against `clang++-19 -fsyntax-only`, and `keys` with the
     PCH of the unit's preamble in the cache (what a re-analysis after an
     edit below the #includes costs);
  2. a project of --units generated model TUs with a compile_commands.json:
     `check -p DIR -j 2 --no-cache` against the build's own syntax-only
     pass (clang++-19 -fsyntax-only on each unit, two at a time);
  3. warm re-runs with nothing changed (`check` with its result cache
     filled by a first run), for the TU and for the project;
  4. the compiler plugin: `clang++-19 -c` of a LibTorch program that uses
     the model, with and without -fplugin;
  5. the clang-tidy plugin (the editor's path): clang-tidy on the model TU
     with the torch-* checks enabled against the same run without them (one
     cheap built-in check in both, since clang-tidy needs one).
(The manifest benchmark is bench/manifest_bench.py.) Wall time, CPU (user +
system, children included) and peak RSS (of the largest process) come from
wait4(). Prints a Markdown table; --write-docs puts it into
docs/performance.md between the analysis markers.

  /usr/bin/python3 bench/analysis_bench.py --build build --write-docs
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIBTORCH = ["-std=c++17", "-isystem", "/usr/include/torch/csrc/api/include"]

# Commands run from a minimal launcher, so that the figures are the
# command's own (Linux carries a parent's peak RSS into a forked child).
LAUNCHER = ("import os, sys, time\n"
            "out = os.open(os.devnull, os.O_WRONLY)\n"
            "t = time.perf_counter()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    os.dup2(out, 1); os.dup2(out, 2)\n"
            "    os.execvp(sys.argv[1], sys.argv[1:])\n"
            "_, status, ru = os.wait4(pid, 0)\n"
            "w = time.perf_counter() - t\n"
            "print(os.waitstatus_to_exitcode(status), w, ru.ru_utime + ru.ru_stime, ru.ru_maxrss)\n")


def write_docs(marker, text):
    """Puts text into docs/performance.md between the marker's lines."""
    path = os.path.join(ROOT, "docs", "performance.md")
    doc = open(path).read()
    begin, end = "<!-- %s:begin -->" % marker, "<!-- %s:end -->" % marker
    if begin not in doc:
        sys.exit("docs/performance.md has no %s markers" % marker)
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(head + begin + "\n" + text + "\n" + end + tail)


def measure(cmd, ok=(0,), cwd=None):
    proc = subprocess.run(["/usr/bin/python3", "-S", "-E", "-c", LAUNCHER, *cmd],
                          capture_output=True, text=True, cwd=cwd)
    rc, wall, cpu, rss = proc.stdout.split()
    if int(rc) not in ok:
        sys.exit(f"{' '.join(cmd[:3])} ... exited with {rc}")
    return {"wall": float(wall), "cpu": float(cpu), "rss": int(rss) / 1024.0}


# Model headers for the project: shapes of real model code (MLPs, conv
# stacks in a Sequential, residual blocks, conditional heads, loops).
MODEL = """#pragma once
#include <torch/torch.h>

namespace bench{i} {{
struct BlockImpl : torch::nn::Module {{
  BlockImpl(int64_t in, int64_t out, bool shortcut) {{
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1)));
    bn = register_module("bn", torch::nn::BatchNorm2d(out));
    if (shortcut)
      proj = register_module("proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
  }}
  torch::nn::Conv2d conv{{nullptr}}, proj{{nullptr}};
  torch::nn::BatchNorm2d bn{{nullptr}};
}};
TORCH_MODULE(Block);

struct Model{i}Impl : torch::nn::Module {{
  explicit Model{i}Impl(int64_t width = {width}, int64_t depth = {depth}, bool aux = false) {{
    stem = register_module("stem", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, width, 3)));
    for (int64_t d = 0; d < depth; ++d)
      blocks->push_back(Block(width, width, d % 2 == 0));
    register_module("blocks", blocks);
    head = register_module("head", torch::nn::Sequential(
        torch::nn::AdaptiveAvgPool2d(1), torch::nn::Flatten(),
        torch::nn::Dropout(0.1), torch::nn::Linear(width, {classes})));
    if (aux)
      register_module("aux", torch::nn::Linear(width, {classes}));
    embed = register_module("embed", torch::nn::Embedding({vocab}, width));
    rnn = register_module("rnn", torch::nn::LSTM(torch::nn::LSTMOptions(width, width).num_layers(2)));
  }}
  torch::nn::Conv2d stem{{nullptr}};
  torch::nn::ModuleList blocks;
  torch::nn::Sequential head{{nullptr}};
  torch::nn::Embedding embed{{nullptr}};
  torch::nn::LSTM rnn{{nullptr}};
}};
TORCH_MODULE(Model{i});
}} // namespace bench{i}
"""

UNIT = """#include "models/model{i}.h"

bench{i}::Model{i} make{i}(bool aux) {{ return bench{i}::Model{i}({width}, {depth}, aux); }}
"""


def make_project(root, units):
    os.makedirs(os.path.join(root, "models"))
    os.makedirs(os.path.join(root, "src"))
    commands = []
    for i in range(units):
        p = dict(i=i, width=16 * (1 + i % 4), depth=2 + i % 5, classes=10 + i,
                 vocab=1000 + 10 * i)
        with open(os.path.join(root, "models", f"model{i}.h"), "w") as f:
            f.write(MODEL.format(**p))
        src = os.path.join(root, "src", f"unit{i}.cpp")
        with open(src, "w") as f:
            f.write(UNIT.format(**p))
        commands.append({"directory": root, "file": src,
                         "arguments": ["clang++-19", *LIBTORCH, f"-I{root}", "-c", src]})
    with open(os.path.join(root, "compile_commands.json"), "w") as f:
        json.dump(commands, f, indent=1)
    return [c["file"] for c in commands]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--units", type=int, default=20)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    tkc = os.path.join(build, "tools/torch-keycheck/torch-keycheck")
    plugin = os.path.join(build, "tools/clang-plugin/libTorchKeyCheckPlugin.so")
    tidy_plugin = os.path.join(build, "tools/clang-tidy-plugin/libTorchKeyCheckTidy.so")
    clang_tidy = shutil.which("clang-tidy-19") or "/usr/lib/llvm-19/bin/clang-tidy"
    builtin_check = "-*,readability-else-after-return"
    model = os.path.join(ROOT, "examples/classifier/model.h")
    program = os.path.join(ROOT, "examples/classifier/save_checkpoint.cpp")

    work = tempfile.mkdtemp(prefix="tkc-bench-")
    try:
        project = os.path.join(work, "project")
        units = make_project(project, args.units)
        warm_cache = os.path.join(work, "cache")
        syntax_pass = ["bash", "-c",
                       "printf '%s\\n' \"$@\" | xargs -P 2 -I{} clang++-19 -fsyntax-only "
                       + " ".join(LIBTORCH) + f" -I{project} {{}}", "pass", *units]
        cases = {
            "tu-syntax": ["clang++-19", "-fsyntax-only", "-x", "c++", *LIBTORCH, model],
            "tu-keys": [tkc, "keys", model, "--no-cache", "--", *LIBTORCH],
            "tu-keys-pch": [tkc, "keys", model, f"--cache-dir={warm_cache}", "--",
                            *LIBTORCH],
            "tu-check": [tkc, "check", model, "--no-cache", "--", *LIBTORCH],
            "tu-warm": [tkc, "check", model, f"--cache-dir={warm_cache}", "--", *LIBTORCH],
            "project-syntax": syntax_pass,
            "project-check": [tkc, "check", "-p", project, "-j", "2", "--no-cache"],
            "project-warm": [tkc, "check", "-p", project, "-j", "2", f"--cache-dir={warm_cache}"],
            "compile": ["clang++-19", "-c", *LIBTORCH, program, "-o", os.path.join(work, "a.o")],
            "compile-plugin": ["clang++-19", "-c", f"-fplugin={plugin}", *LIBTORCH, program,
                               "-o", os.path.join(work, "b.o")],
            "tidy": [clang_tidy, f"--load={tidy_plugin}", f"--checks={builtin_check}",
                     model, "--", "-x", "c++", *LIBTORCH],
            "tidy-plugin": [clang_tidy, f"--load={tidy_plugin}",
                            f"--checks={builtin_check},torch-*", model, "--", "-x", "c++",
                            *LIBTORCH],
        }
        # `check` exits 1 when it finds errors; the example has warnings only.
        ok = {name: (0, 1) for name in cases}
        # Fill the cache once (twice for the preamble's PCH, which is
        # written the second time a preamble is parsed); the warm figures
        # are re-runs.
        measure(cases["tu-keys-pch"], ok["tu-keys-pch"])
        measure(cases["tu-keys-pch"], ok["tu-keys-pch"])
        measure(cases["tu-warm"], ok["tu-warm"])
        measure(cases["project-warm"], ok["project-warm"])
        results = {name: [] for name in cases}
        for r in range(args.runs):
            for name, cmd in cases.items():
                results[name].append(measure(cmd, ok[name], cwd=ROOT))
                print(f"run {r + 1}/{args.runs} {name}: {results[name][-1]['wall']:.2f} s",
                      file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def med(name, key):
        return statistics.median(x[key] for x in results[name])

    rows = [
        ("one TU: clang++-19 -fsyntax-only", "tu-syntax", "tu-syntax", None),
        ("one TU: keys (cold)", "tu-keys", "tu-syntax", "<= 0.5x"),
        ("one TU: check (cold)", "tu-check", "tu-syntax", "<= 0.5x"),
        ("one TU: check, warm re-run", "tu-warm", "tu-syntax", "<= 0.05x"),
        ("one TU: keys, parsed headers from the cache (PCH)", "tu-keys-pch", "tu-syntax", None),
        (f"{args.units} TUs: syntax-only pass, 2 at a time", "project-syntax", "project-syntax", None),
        (f"{args.units} TUs: check -j 2 (cold)", "project-check", "project-syntax", "<= 0.5x"),
        (f"{args.units} TUs: check -j 2, warm re-run", "project-warm", "project-syntax", "<= 0.05x"),
        ("compile (clang++-19 -c)", "compile", "compile", None),
        ("compile with -fplugin", "compile-plugin", "compile", "<= 1.05x"),
        ("one TU: clang-tidy, a built-in check", "tidy", "tidy", None),
        ("the same with the torch-* checks", "tidy-plugin", "tidy", "<= 1.05x"),
    ]
    lines = ["| what | wall | CPU | peak RSS | ratio (wall) | target |",
             "|---|---|---|---|---|---|"]
    for label, name, ref, target in rows:
        wall, cpu, rss = med(name, "wall"), med(name, "cpu"), med(name, "rss")
        ratio = "reference" if name == ref else f"{wall / med(ref, 'wall'):.3f}x"
        lines.append(f"| {label} | {wall:.2f} s | {cpu:.2f} s | {rss:.0f} MiB | {ratio} | {target or ''} |")
    table = "\n".join(lines)
    machine = (f"{platform.platform()}, {os.cpu_count()} cores, median of {args.runs} "
               f"interleaved runs, warm page cache")
    print(table)
    print()
    print(machine)
    if args.write_docs:
        write_docs("analysis-bench", f"{table}\n\n{machine}")


if __name__ == "__main__":
    main()
