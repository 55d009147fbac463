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
    for an argument that has no --define spelling (a device, a pointer) or
    a struct, whose fields a user gives as {"define": {"config.hidden": 8}}."""
    if isinstance(value, dict):
        return value["cpp"]
    return cpp_value(value)


def model_kind(configuration):
    """"class", or "function" for a function model."""
    return "function" if "function" in configuration else "class"


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
    lines += ['#include "DumpKeys.h"', "#include <fstream>", "#include <functional>",
              "#include <memory>",
              "#include <type_traits>", "#include <vector>",
              "// A module class, or a TORCH_MODULE holder as a user names it.",
              "template <class T, class... A>",
              "std::shared_ptr<torch::nn::Module> makeModel(A &&...Args) {",
              "  if constexpr (std::is_base_of_v<torch::nn::Module, T>)",
              "    return std::make_shared<T>(std::forward<A>(Args)...);",
              "  else",
              "    return T(std::forward<A>(Args)...).ptr();",
              "}",
              "// load INDEX CHECKPOINT OUT: torch::load of CHECKPOINT into",
              "// configuration INDEX, then each tensor's bytes into OUT and",
              "// its name, kind, dtype, shape and place there as JSON.",
              "void dumpBytes(const torch::OrderedDict<std::string, torch::Tensor> &D,",
              "               const char *Kind, std::ofstream &Out, bool &First) {",
              "  for (const auto &Item : D) {",
              "    torch::Tensor T = Item.value().contiguous();",
              "    std::cout << (First ? \"\" : \",\") << \"\\n {\\\"name\\\": \" << quote(Item.key())",
              "              << \", \\\"kind\\\": \\\"\" << Kind << \"\\\", \\\"dtype\\\": \\\"\"",
              "              << dtypeName(T.scalar_type()) << \"\\\", \\\"shape\\\": [\";",
              "    for (int64_t I = 0; I < T.dim(); ++I)",
              "      std::cout << (I ? \", \" : \"\") << T.size(I);",
              "    std::cout << \"], \\\"offset\\\": \" << Out.tellp() << \", \\\"bytes\\\": \"",
              "              << T.nbytes() << \"}\";",
              "    Out.write(static_cast<const char *>(T.data_ptr()), std::streamsize(T.nbytes()));",
              "    First = false;",
              "  }",
              "}",
              "int main(int argc, char **argv) {",
              "  std::vector<std::function<std::shared_ptr<torch::nn::Module>()>> Make = {"]
    for c in project["configurations"]:
        args = ", ".join(argument_source(v) for _, v in c["args"])
        if "function" in c:
            lines.append(f"    [] {{ return asModule({c['function']}({args})); }},")
        else:
            lines.append(f"    [] {{ return makeModel<{c['class']}>({args}); }},")
    lines += ["  };",
              '  if (argc == 5 && std::string(argv[1]) == "load") {',
              "    auto *Out = std::cout.rdbuf(std::cerr.rdbuf());",
              "    std::shared_ptr<torch::nn::Module> M = Make[std::stoul(argv[2])]();",
              "    std::cout.rdbuf(Out);",
              "    try {",
              "      torch::load(M, argv[3]);",
              "    } catch (const std::exception &E) {",
              "      std::string What = E.what();",
              '      std::cerr << "torch::load failed: " << What.substr(0, What.find(\'\\n\')) << "\\n";',
              "      return 1;",
              "    }",
              "    std::ofstream Bytes(argv[4], std::ios::binary);",
              '    std::cout << "[";',
              "    bool First = true;",
              '    dumpBytes(M->named_parameters(), "parameter", Bytes, First);',
              '    dumpBytes(M->named_buffers(), "buffer", Bytes, First);',
              '    std::cout << "\\n]\\n";',
              "    return 0;",
              "  }",
              '  std::cout << "[";',
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


# Run by the torch Python: the tensors LibTorch loaded (an index and their
# bytes, as the driver's load mode writes them) against the Python
# state_dict under migrate's mapping, every tensor byte for byte.
COMPARE_LOADED = r"""
import json, sys, torch
state = torch.load(sys.argv[1])
mapping = json.load(open(sys.argv[2]))
loaded = {t["name"]: t for t in json.load(open(sys.argv[3]))}
blob = open(sys.argv[4], "rb").read()
rename = {r["from"]: r["to"] for r in mapping["rename"]}
drop = set(mapping["drop"])
seen = set()
for key, t in state.items():
    if key in drop:
        continue
    name = rename.get(key, key)
    if name not in loaded:
        sys.exit("%s -> %s: not loaded" % (key, name))
    got = loaded[name]
    raw = t.contiguous().numpy().tobytes()
    if got["shape"] != list(t.shape) or \
            blob[got["offset"]:got["offset"] + got["bytes"]] != raw:
        sys.exit("%s -> %s: differs" % (key, name))
    seen.add(name)
if seen != set(loaded):
    sys.exit("loaded but not from the checkpoint: " + ", ".join(sorted(set(loaded) - seen)))
print(len(seen))
"""


def migrate_pair(project, tree, keycheck, c, index, path, work, torch_python,
                 extra_args=()):
    """`migrate --format libtorch` of the pair's checkpoint, as a C++ user
    would run it to load Python weights, then the archive loaded by the
    truth driver with torch::load and compared with the Python tensors
    under the mapping. Returns the outcome and a detail."""
    kind = model_kind(c)
    archive = os.path.join(work, f"pair-{index}-libtorch.pt")
    mapping = os.path.join(work, f"pair-{index}-mapping.json")
    cmd = ([keycheck, "migrate", path, f"--{kind}", c[kind], "--format",
            "libtorch", "-o", archive, "--mapping-out", mapping, "--no-cache"] +
           list(extra_args) +
           [f"--define={a}={define_text(v)}"
            for a, v in configuration_defines(c).items()] +
           (project["sources"] or project["headers"]) +
           ["--", "-std=c++17", f"-I{TORCH_INCLUDE}"] + project.get("flags", []))
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tree)
    if proc.returncode == 1:
        lines = proc.stderr.strip().splitlines()
        return "refused", (lines[1].strip() if len(lines) > 1 else lines[0]) if lines else ""
    if proc.returncode != 0:
        return "tool error", (proc.stderr.strip().splitlines() or ["?"])[-1]
    renamed = sum(1 for line in proc.stdout.splitlines()
                  if " -> " in line and "(dropped" not in line)
    loaded = subprocess.run(
        [os.path.join(work, "driver"), "load", str(project["configurations"].index(c)),
         archive, archive + ".bytes"], capture_output=True, text=True)
    if loaded.returncode != 0:
        return "archive not loaded", loaded.stderr.strip()[-200:]
    with open(archive + ".index", "w") as f:
        f.write(loaded.stdout)
    same = subprocess.run([torch_python, "-c", COMPARE_LOADED, path, mapping,
                           archive + ".index", archive + ".bytes"],
                          capture_output=True, text=True)
    if same.returncode != 0:
        return "loaded, tensors differ", same.stderr.strip()[-200:]
    return "loads in C++", (f"{same.stdout.strip()} tensors bit for bit, "
                            f"{renamed} renamed")


def configuration_defines(configuration):
    """The --define values a user gives for a configuration: each argument
    with a value, and the fields of a struct argument, by path."""
    defines = {}
    for name, value in configuration["args"]:
        if not isinstance(value, dict):
            defines[name] = value
        else:
            defines.update(value.get("define", {}))
    return defines


def define_text(value):
    """A value as --define spells it."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def prediction(project, checkout, keycheck, work):
    configs = {"configurations": [
        {model_kind(c): c[model_kind(c)], "name": f"config-{i}",
         "define": configuration_defines(c)}
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


def python_state_dict(pair, path, torch_python):
    """Saves the Python model's state_dict with torch.save and returns its
    keys and shapes, as torch itself reads them."""
    code = (pair["python"] + "\nimport json, torch\n"
            "sd = model.state_dict()\n"
            f"torch.save(sd, {path!r})\n"
            "print(json.dumps([[k, list(v.shape)] for k, v in sd.items()]))\n")
    proc = subprocess.run([torch_python, "-c", code], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        # Not a verdict of ours: said, and left out of the count.
        return None, (proc.stderr.strip().splitlines() or ["failed"])[-1]
    return {k: shape for k, shape in json.loads(proc.stdout)}, None


def judge_pair(project, tree, keycheck, pair, real, work, index, torch_python):
    """One Python-port pair: the right verdict from the two key sets (a
    state_dict loads by name when names and shapes agree; order does not
    matter), and `check --checkpoint` run as a user would."""
    c = project["configurations"][pair["configuration"]]
    path = os.path.join(work, f"pair-{index}.pt")
    python_keys, failure = python_state_dict(pair, path, torch_python)
    if failure:
        return {"label": pair["label"], "truth": "not run", "verdict": "not run",
                "right": None, "first": f"the Python side failed: {failure}",
                "migrate": "not run", "migrate_detail": "",
                "migrate_right": None}
    cpp_keys = {k["name"]: k["shape"] for k in real["keys"]}
    loads = python_keys == cpp_keys
    kind = model_kind(c)
    cmd = ([keycheck, "check"] + (project["sources"] or project["headers"]) +
           [f"--{kind}", c[kind], "--checkpoint", path, "--no-cache"] +
           [f"--define={a}={define_text(v)}"
            for a, v in configuration_defines(c).items()] +
           ["--", "-std=c++17", f"-I{TORCH_INCLUDE}"] + project.get("flags", []))
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tree)
    verdict = {0: "loads", 1: "mismatch"}.get(proc.returncode, "no verdict")
    right = verdict == ("loads" if loads else "mismatch")
    first = next((line for line in proc.stdout.splitlines()
                  if ": error: " in line or ": warning: " in line), "")
    if verdict == "no verdict":
        first = (proc.stderr.strip().splitlines() or ["?"])[-1]
    truth_text = "loads" if loads else (
        f"{len(set(python_keys) ^ set(cpp_keys))} names differ, "
        f"{sum(1 for k in python_keys if k in cpp_keys and python_keys[k] != cpp_keys[k])}"
        " shapes differ")
    migrated, detail = migrate_pair(project, tree, keycheck, c, index,
                                    path, work, torch_python,
                                    pair.get("migrate_args", []))
    # Where the names and shapes agree, the archive must load; elsewhere
    # a migration may rename its way there or refuse, never write an
    # archive that does not load as the mapping says.
    migrate_right = (migrated == "loads in C++" or
                     (migrated == "refused" and not loads))
    return {"label": pair["label"], "truth": truth_text, "verdict": verdict,
            "right": right, "first": first[:200], "migrate": migrated,
            "migrate_detail": detail[:200], "migrate_right": migrate_right}


def lint_findings(project, tree, keycheck):
    """`check` on the project's units as a user would run it (source checks,
    no checkpoint), each finding with the judgement projects.json records
    for it: "real" (a hazard, read in the code) or "false alarm"."""
    cmd = ([keycheck, "check"] + (project["sources"] or project["headers"]) +
           ["--format", "json", "--no-cache", "--", "-std=c++17",
            f"-I{TORCH_INCLUDE}"] + project.get("flags", []))
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tree)
    if proc.returncode == 2:
        return [{"where": "", "check": "", "message": proc.stderr.strip()[-200:],
                 "judgement": "tool error"}]
    judged = {(j["check"], j["where"]): j
              for j in project.get("lint_judgements", [])}
    found = []
    for f in json.loads(proc.stdout)["findings"]:
        where = (f"{os.path.relpath(os.path.realpath(f['location']['file']), os.path.realpath(tree))}:"
                 f"{f['location']['line']}")
        j = judged.get((f["check"], where), {})
        found.append({"where": where, "check": f["check"],
                      "message": f["message"],
                      "judgement": j.get("judgement", "not judged"),
                      "why": j.get("why", "")})
    return found


def syntax_only_seconds(project, tree):
    """What the compiler takes to parse the same units: clang++-19
    -fsyntax-only, one after another, as keys parses them."""
    units = project["sources"] or project["headers"]
    start = time.monotonic()
    for unit in units:
        language = ["-x", "c++"] if unit.endswith((".h", ".hpp", ".hh")) else []
        subprocess.run(["clang++-19", "-fsyntax-only", "-w", "-std=c++17",
                        f"-I{TORCH_INCLUDE}"] + project.get("flags", []) +
                       language + [unit], capture_output=True, cwd=tree)
    return time.monotonic() - start


def run_project(project, checkout, keycheck, torch_python=None):
    rows = []
    with tempfile.TemporaryDirectory() as work:
        tree = prepare(project, checkout, work)
        real = truth(project, tree, work)
        models, error, seconds = prediction(project, tree, keycheck, work)
        compiler = syntax_only_seconds(project, tree)
        lints = lint_findings(project, tree, keycheck)
        pairs = [judge_pair(project, tree, keycheck, pair,
                            real[pair["configuration"]], work, i, torch_python)
                 for i, pair in enumerate(project.get("python_pairs", []))
                 if torch_python]
    for i, c in enumerate(project["configurations"]):
        label = (f"{c[model_kind(c)]}("
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
    return rows, (seconds, compiler), pairs, lints


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkouts", required=True)
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--projects", default=os.path.join(HERE, "projects.json"))
    ap.add_argument("--only", action="append", default=[], metavar="OWNER/NAME",
                    help="measure only these projects (repeatable)")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--torch-python", default="/usr/bin/python3",
                    help="a Python with torch and torchvision, for the "
                         "Python-port pairs ('' skips them)")
    args = ap.parse_args()
    if args.only and args.write_docs:
        ap.error("--write-docs writes the whole table: not with --only")
    with open(args.projects) as f:
        projects = json.load(f)["projects"]
    keycheck = os.path.abspath(args.keycheck)
    report = ["| project | configuration | result | differences |",
              "| --- | --- | --- | --- |"]
    pair_report = ["| project | Python model | truth (names, shapes) | "
                   "`check --checkpoint` | right | first finding |",
                   "| --- | --- | --- | --- | --- | --- |"]
    migrate_report = ["| project | Python model | `migrate --format libtorch` | "
                      "right | detail |",
                      "| --- | --- | --- | --- | --- |"]
    exact = total = measured = pairs_right = pairs_total = 0
    migrations_right = migrations_total = 0
    keys_time = compiler_time = 0.0
    lint_counts = {}
    lint_report = ["| project | where | check | message | judgement | why |",
                   "| --- | --- | --- | --- | --- | --- |"]
    timing = ["| project | units | `keys --no-cache` (s) | "
              "`clang++-19 -fsyntax-only` (s) | ratio |",
              "| --- | --- | --- | --- | --- |"]
    for p in projects:
        if args.only and p["name"] not in args.only:
            continue
        checkout = os.path.join(os.path.abspath(args.checkouts), p["name"])
        if not os.path.isdir(checkout):
            print(f"{p['name']}: no checkout at {checkout}; skipped")
            continue
        rows, (seconds, compiler), pairs, lints = run_project(
            p, checkout, keycheck, args.torch_python or None)
        for l in lints:
            lint_counts[l["judgement"]] = lint_counts.get(l["judgement"], 0) + 1
            print(f"  lint {l['judgement']:>11}  {l['where']} [{l['check']}] "
                  f"{l['message'][:120]}")
            lint_report.append(
                f"| {p['name']} | {l['where']} | {l['check']} | "
                f"{l['message'].replace('|', '/')} | {l['judgement']} | "
                f"{l.get('why', '').replace('|', '/')} |")
        measured += 1
        keys_time += seconds
        compiler_time += compiler
        print(f"{p['name']} ({p['commit'][:12]}): keys on "
              f"{len(p['sources'] or p['headers'])} units in {seconds:.1f} s "
              f"(clang++-19 -fsyntax-only: {compiler:.1f} s)")
        timing.append(f"| {p['name']} | {len(p['sources'] or p['headers'])} | "
                      f"{seconds:.1f} | {compiler:.1f} | "
                      f"{seconds / compiler:.2f} |")
        for label, result, diffs in rows:
            total += 1
            exact += result == "exact"
            print(f"  {result:>14}  {label}")
            for d in diffs[:8]:
                print(f"                  {d}")
            shown = "; ".join(diffs[:3]) + (f"; {len(diffs) - 3} more" if len(diffs) > 3 else "")
            report.append(f"| {p['name']} | `{label}` | {result} | {shown.replace('|', '/')} |")
        for pair in pairs:
            if pair["right"] is not None:
                pairs_total += 1
                pairs_right += pair["right"]
            state = {True: "right", False: "WRONG", None: "not run"}[pair["right"]]
            print(f"  pair {state:>9}  "
                  f"{pair['label']}: truth {pair['truth']}, verdict "
                  f"{pair['verdict']}")
            if pair["first"]:
                print(f"                  {pair['first']}")
            pair_report.append(
                f"| {p['name']} | `{pair['label']}` | {pair['truth']} | "
                f"{pair['verdict']} | "
                f"{ {True: 'yes', False: 'no', None: 'not run'}[pair['right']]} | "
                f"{pair['first'].replace('|', '/')} |")
            if pair["migrate_right"] is not None:
                migrations_total += 1
                migrations_right += pair["migrate_right"]
            print(f"  migrate {pair['migrate']}: {pair['migrate_detail']}")
            migrate_report.append(
                f"| {p['name']} | `{pair['label']}` | {pair['migrate']} | "
                f"{ {True: 'yes', False: 'no', None: 'not run'}[pair['migrate_right']]} | "
                f"{pair['migrate_detail'].replace('|', '/')} |")
    summary = (f"{exact} of {total} configurations exact, in {measured} "
               f"project{'s' if measured != 1 else ''}")
    pair_summary = f"{pairs_right} of {pairs_total} Python-port verdicts right"
    migrate_summary = (f"{migrations_right} of {migrations_total} migrations "
                       f"to C++ right")
    time_summary = (f"keys took {keys_time:.0f} s where clang++-19 "
                    f"-fsyntax-only takes {compiler_time:.0f} s "
                    f"({keys_time / max(compiler_time, 1e-9):.2f}x)")
    lint_total = sum(lint_counts.values())
    lint_summary = (f"{lint_total} lint findings: " +
                    (", ".join(f"{n} {j}" for j, n in sorted(lint_counts.items()))
                     or "none"))
    print(summary)
    print(pair_summary)
    print(migrate_summary)
    print(lint_summary)
    print(time_summary)
    if args.write_docs:
        with open(os.path.join(ROOT, "docs", "accuracy.md"), "w") as f:
            f.write("# Accuracy on real code\n\n"
                    "Written by `bench/realworld/run.py --write-docs` from the "
                    "projects in `bench/realworld/projects.json`, each at its "
                    "listed commit: LibTorch's own keys against `torch-keycheck "
                    "keys`, name, kind, shape, dtype and order.\n\n"
                    f"**{summary}.**\n\n" +
                    "\n".join(report) + "\n\n"
                    "## Python-port pairs\n\n"
                    "The Python twin of a configuration (torchvision's, or the "
                    "project's model written in Python), saved by `torch.save("
                    "model.state_dict())`; the right verdict is whether its "
                    "names and shapes are the C++ model's (a state_dict loads "
                    "by name), and `torch-keycheck check --checkpoint` must "
                    "exit 0 when they are and 1 when not.\n\n"
                    f"**{pair_summary}.**\n\n" +
                    "\n".join(pair_report) + "\n\n"
                    "## Python weights into the C++ model\n\n"
                    "Each pair's checkpoint through `torch-keycheck migrate "
                    "--format libtorch` from the project's sources, as a C++ "
                    "user would run it to load Python-trained weights, then "
                    "loaded into the C++ model with `torch::load` (the truth "
                    "driver) and every tensor compared, byte for byte, with "
                    "the Python one under the migration's mapping. Where "
                    "names and shapes agree the archive must load; elsewhere "
                    "the migration may rename its way there or refuse with "
                    "the list (exit 1), never write an archive that does not "
                    "load as its mapping says.\n\n"
                    f"**{migrate_summary}.**\n\n" +
                    "\n".join(migrate_report) + "\n\n"
                    "## Lint findings\n\n"
                    "`check` on each project's units, without a checkpoint, "
                    "as a user would run it; each finding judged by reading "
                    "the code (`lint_judgements` in projects.json).\n\n"
                    f"**{lint_summary}.**\n\n" +
                    "\n".join(lint_report) + "\n\n"
                    "## Time\n\n"
                    "`keys --no-cache` on the project's units (one parse "
                    "each, every configuration derived in it) against "
                    "`clang++-19 -fsyntax-only` of the same units, on the "
                    "machine that wrote this page.\n\n"
                    f"**{time_summary}.**\n\n" +
                    "\n".join(timing) + "\n")
    sys.exit(0 if exact == total and pairs_right == pairs_total and
             migrations_right == migrations_total and
             set(lint_counts) <= {"real"} else 1)


if __name__ == "__main__":
    main()
