#!/usr/bin/env python3
"""The real-world bench: torch-keycheck on public LibTorch projects.

For every project of projects.json found under --checkouts (a checkout of
owner/name at <checkouts>/<owner>/<name>, at the listed commit), builds the
truth with LibTorch itself (a generated driver constructs every
configuration and prints named_parameters() then named_buffers(), as the
runtime oracle does), runs `torch-keycheck keys` as a user would, from the
project's root on its model sources, and compares the two key by key (name,
kind, shape, dtype, order). Prints a table; --write-docs writes it to
docs/accuracy.md.

  /usr/bin/python3 bench/realworld/run.py --checkouts ~/src \\
      --keycheck build/tools/torch-keycheck/torch-keycheck [--write-docs]

Third-party code is never copied into this repository: only the list of
projects and this runner are.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "oracle"))
from gen_cases import cpp_value  # noqa: E402
from run_oracle import compare  # noqa: E402

TORCH_INCLUDE = "/usr/include/torch/csrc/api/include"
TORCH_LIBS = ["-ltorch", "-ltorch_cpu", "-lc10"]


def argument_source(value):
    """C++ for one constructor argument: a value, or {"cpp": expression}
    for an argument that has no --define spelling (a device, a pointer)."""
    if isinstance(value, dict):
        return value["cpp"]
    return cpp_value(value)


def label_value(value):
    return value["cpp"] if isinstance(value, dict) else value


def prepare(project, checkout, work):
    """The checkout as the bench measures it: a private copy with the
    project's recorded patches applied (the smallest edits that make a
    source build against LibTorch 1.13 on Linux), or the checkout itself."""
    patches = project.get("patches", [])
    if not patches:
        return checkout
    copy = os.path.join(work, "src")
    shutil.copytree(checkout, copy, symlinks=False,
                    ignore=shutil.ignore_patterns(".git"))
    for patch in patches:
        path = os.path.join(copy, patch["file"])
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        if text.count(patch["find"]) != 1:
            sys.exit(f"{project['name']}: patch for {patch['file']} does not "
                     f"apply: {patch['find'][:60]!r} is not there exactly once")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text.replace(patch["find"], patch["replace"]))
    return copy


def driver_source(project, checkout):
    """A LibTorch program that builds each configuration and prints its keys."""
    lines = [f'#include "{os.path.join(checkout, h)}"' for h in project["headers"]]
    lines += ['#include "DumpKeys.h"', "#include <functional>", "#include <memory>",
              "#include <vector>", "int main() {",
              "  std::vector<std::function<std::shared_ptr<torch::nn::Module>()>> Make = {"]
    for c in project["configurations"]:
        args = ", ".join(argument_source(v) for _, v in c["args"])
        lines.append(f"    [] {{ return std::static_pointer_cast<torch::nn::Module>("
                     f"std::make_shared<{c['class']}>({args})); }},")
    lines += ["  };", '  std::cout << "[";',
              "  for (size_t I = 0; I < Make.size(); ++I) {",
              '    std::cout << (I ? "," : "") << "\\n {\\"keys\\": [";',
              "    bool First = true;",
              "    try {",
              "      // What a constructor prints goes to stderr, not into the keys.",
              "      auto *Out = std::cout.rdbuf(std::cerr.rdbuf());",
              "      std::shared_ptr<torch::nn::Module> M;",
              "      try { M = Make[I](); } catch (...) { std::cout.rdbuf(Out); throw; }",
              "      std::cout.rdbuf(Out);",
              '      dumpKeys(M->named_parameters(), "parameter", First);',
              '      dumpKeys(M->named_buffers(), "buffer", First);',
              '      std::cout << "]}";',
              "    } catch (const std::exception &E) {",
              '      std::cout << "], \\"error\\": " << quote(E.what()) << "}";',
              "    }",
              "  }",
              '  std::cout << "\\n]\\n";',
              "}"]
    return "\n".join(lines) + "\n"


def truth(project, checkout, work):
    src = os.path.join(work, "driver.cpp")
    exe = os.path.join(work, "driver")
    with open(src, "w") as f:
        f.write(driver_source(project, checkout))
    cmd = (["g++", "-std=c++17", "-O0", "-g0", "-w", f"-I{TORCH_INCLUDE}",
            f"-I{os.path.join(ROOT, 'test', 'oracle')}", f"-I{checkout}"] +
           project.get("flags", []) + [src] +
           [os.path.join(checkout, s) for s in project["sources"]] +
           ["-o", exe] + TORCH_LIBS)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=checkout)
    if proc.returncode != 0:
        sys.exit(f"{project['name']}: the truth driver did not build:\n"
                 f"{proc.stderr[-3000:]}")
    proc = subprocess.run([exe], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{project['name']}: the truth driver failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def prediction(project, checkout, keycheck, work):
    configs = {"configurations": [
        {"class": c["class"], "name": f"config-{i}",
         "define": {a: v for a, v in c["args"] if not isinstance(v, dict)}}
        for i, c in enumerate(project["configurations"])]}
    path = os.path.join(work, "configurations.json")
    with open(path, "w") as f:
        json.dump(configs, f)
    # The units a user names: the model sources, or the header of a
    # header-only model.
    units = project["sources"] or project["headers"]
    cmd = ([keycheck, "keys"] + units +
           ["--configurations", path, "--format", "json", "--no-cache", "--",
            "-std=c++17", f"-I{TORCH_INCLUDE}"] + project.get("flags", []))
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=checkout)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        return None, proc.stderr.strip().splitlines()[-1:] or ["failed"], seconds
    models = {m["configuration"]["name"]: m for m in json.loads(proc.stdout)["models"]}
    return models, None, seconds


def run_project(project, checkout, keycheck):
    rows = []
    with tempfile.TemporaryDirectory() as work:
        tree = prepare(project, checkout, work)
        real = truth(project, tree, work)
        models, error, seconds = prediction(project, tree, keycheck, work)
    for i, c in enumerate(project["configurations"]):
        label = (f"{c['class']}("
                 f"{', '.join(f'{a}={label_value(v)}' for a, v in c['args'])})")
        r = real[i]
        if "error" in r:
            rows.append((label, "LibTorch throws", [r["error"]]))
            continue
        model = models.get(f"config-{i}") if models else None
        if model is None:
            rows.append((label, "no prediction", error or []))
            continue
        diffs = compare(r["keys"], model["keys"])
        diffs += [f"unresolved: {u['message']}" for u in model.get("unresolved", [])]
        rows.append((label, "exact" if not diffs else "differs", diffs))
    return rows, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkouts", required=True)
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--projects", default=os.path.join(HERE, "projects.json"))
    ap.add_argument("--only", action="append", default=[], metavar="OWNER/NAME",
                    help="measure only these projects (repeatable)")
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    if args.only and args.write_docs:
        ap.error("--write-docs writes the whole table: not with --only")
    with open(args.projects) as f:
        projects = json.load(f)["projects"]
    keycheck = os.path.abspath(args.keycheck)
    report = ["| project | configuration | result | differences |",
              "| --- | --- | --- | --- |"]
    exact = total = measured = 0
    for p in projects:
        if args.only and p["name"] not in args.only:
            continue
        checkout = os.path.join(os.path.abspath(args.checkouts), p["name"])
        if not os.path.isdir(checkout):
            print(f"{p['name']}: no checkout at {checkout}; skipped")
            continue
        rows, seconds = run_project(p, checkout, keycheck)
        measured += 1
        print(f"{p['name']} ({p['commit'][:12]}): keys on {len(p['sources'] or p['headers'])} "
              f"units in {seconds:.1f} s")
        for label, result, diffs in rows:
            total += 1
            exact += result == "exact"
            print(f"  {result:>14}  {label}")
            for d in diffs[:8]:
                print(f"                  {d}")
            shown = "; ".join(diffs[:3]) + (f"; {len(diffs) - 3} more" if len(diffs) > 3 else "")
            report.append(f"| {p['name']} | `{label}` | {result} | {shown.replace('|', '/')} |")
    summary = (f"{exact} of {total} configurations exact, in {measured} "
               f"project{'s' if measured != 1 else ''}")
    print(summary)
    if args.write_docs:
        with open(os.path.join(ROOT, "docs", "accuracy.md"), "w") as f:
            f.write("# Accuracy on real code\n\n"
                    "Written by `bench/realworld/run.py --write-docs` from the "
                    "projects in `bench/realworld/projects.json`, each at its "
                    "listed commit: LibTorch's own keys against `torch-keycheck "
                    "keys`, name, kind, shape, dtype and order.\n\n"
                    f"**{summary}.**\n\n" +
                    "\n".join(report) + "\n")
    sys.exit(0 if exact == total else 1)


if __name__ == "__main__":
    main()
