"""Benchmark: the language server as an editor feels it.

  1. Latency: on the example model (examples/classifier/model.h, opened in
     the editor as a unit that includes it), the time from a didChange
     below the #includes to the publishDiagnostics of that version, with
     the preamble's PCH warm; --edits edits, median and worst. The server
     runs with --debounce-ms=0, so the figure is the analysis' own: an
     editor adds the debounce (300 ms by default) after the last keystroke.
  2. First open: the same unit's first diagnostics with a cold cache (the
     parse that writes the PCH).
  3. Memory: a server holding --units open units (generated model files
     that include the example model, each with a class of its own), after
     all their diagnostics are in: resident set size now and at its peak
     (VmRSS, VmHWM).

The client is the tests' (test/lit/Inputs/lsp_client.py). Prints a
Markdown table; --write-docs puts it into docs/performance.md between the
lsp-bench markers.

  /usr/bin/python3 bench/lsp_bench.py --keycheck build/tools/torch-keycheck/torch-keycheck --write-docs
"""
import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "lit", "Inputs"))
import lsp_client  # noqa: E402
sys.path.insert(0, HERE)
from analysis_bench import write_docs  # noqa: E402

FLAGS = "-std=c++17 -isystem /usr/include/torch/csrc/api/include"


def project(dir, units):
    shutil.copy(os.path.join(ROOT, "examples", "classifier", "model.h"), dir)
    commands = []
    for i in range(units):
        name = "unit%02d.cpp" % i
        with open(os.path.join(dir, name), "w") as f:
            f.write('#include "model.h"\n\n'
                    "struct Head%dImpl : torch::nn::Module {\n"
                    "  explicit Head%dImpl(int64_t width = %d) {\n"
                    '    fc = register_module("fc", torch::nn::Linear(width, 10));\n'
                    "    if (width > 8)\n"
                    '      extra = register_module("extra", torch::nn::Linear(width, 2));\n'
                    "  }\n"
                    "  torch::nn::Linear fc{nullptr}, extra{nullptr};\n"
                    "};\n"
                    "TORCH_MODULE(Head%d);\n\n"
                    "example::Classifier build%d() { return example::Classifier(10, %d); }\n"
                    % (i, i, 8 + i, i, i, 16 + i))
        commands.append('{"directory": "%s", "file": "%s", "command": '
                        '"clang++ %s -c %s"}' % (dir, name, FLAGS, name))
    with open(os.path.join(dir, "compile_commands.json"), "w") as f:
        f.write("[" + ",\n".join(commands) + "]\n")


def memory(pid):
    fields = {}
    for line in open("/proc/%d/status" % pid):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def start(keycheck, dir, cache):
    client = lsp_client.Client([keycheck, "lsp", "--debounce-ms=0",
                                "--log=error", "--cache-dir=" + cache],
                               cwd=dir, stderr=open(os.devnull, "w"))
    client.call("initialize", {
        "processId": os.getpid(), "rootUri": lsp_client.uri(dir),
        "capabilities": {"general": {"positionEncodings": ["utf-8"]}}})
    client.notify("initialized", {})
    return client


def stop(client):
    client.call("shutdown", None)
    client.notify("exit", None)
    client.proc.stdin.close()
    client.proc.wait(timeout=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--units", type=int, default=20)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    keycheck = os.path.abspath(args.keycheck)
    rows = []
    with tempfile.TemporaryDirectory() as dir:
        project(dir, args.units)
        cache = os.path.join(dir, "cache")
        unit = os.path.join(dir, "unit00.cpp")

        # First open, cold cache.
        client = start(keycheck, dir, cache)
        t = time.perf_counter()
        client.open(unit)
        client.wait_diagnostics(unit)
        first = time.perf_counter() - t

        # Edits below the #includes: the width default, back and forth.
        latencies = []
        for i in range(args.edits):
            text = client.docs[unit][0]
            old = "width = %d" % (8 + (i % 2))
            new = "width = %d" % (8 + ((i + 1) % 2))
            start_at = text.index(old)
            t = time.perf_counter()
            client.edit(unit, start_at, start_at + len(old), new)
            client.wait_diagnostics(unit)
            latencies.append(time.perf_counter() - t)
        stop(client)

        # A server holding every unit.
        client = start(keycheck, dir, cache)
        t = time.perf_counter()
        paths = [os.path.join(dir, "unit%02d.cpp" % i)
                 for i in range(args.units)]
        for p in paths:
            client.open(p)
        for p in paths:
            client.wait_diagnostics(p)
        all_in = time.perf_counter() - t
        mem = memory(client.proc.pid)
        stop(client)

    rows.append(("first open of the unit, cold cache (writes the PCH)",
                 "%.2f s" % first, ""))
    rows.append(("didChange -> publishDiagnostics, PCH warm (median of %d)"
                 % args.edits, "%.0f ms" % (statistics.median(latencies)
                                            * 1000),
                 "worst %.0f ms" % (max(latencies) * 1000)))
    rows.append(("%d units opened, all diagnostics in (PCH warm)"
                 % args.units, "%.2f s" % all_in, ""))
    rows.append(("server holding %d open units: resident" % args.units,
                 "%.0f MiB" % mem["VmRSS"], "peak %.0f MiB" % mem["VmHWM"]))
    table = ["| what | figure | |", "|---|---|---|"]
    table += ["| %s | %s | %s |" % r for r in rows]
    table.append("")
    table.append("%s, %d cores, one run, warm page cache" % (
        platform.platform(), os.cpu_count()))
    text = "\n".join(table)
    print(text)
    if args.write_docs:
        write_docs("lsp-bench", text)


if __name__ == "__main__":
    main()
