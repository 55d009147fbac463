"""Benchmark: `torch-keycheck manifest` against Python's torch.load.

Writes state_dicts of growing size (the largest >= 1 GiB) with torch.save,
then, interleaved in one run on the same files, times:
  - torch-keycheck manifest FILE (a whole process),
  - torch.load(FILE) in a Python process (reported as the whole process and
    as the torch.load call alone, which excludes `import torch`).
Each figure is the median of --runs runs; peak RSS comes from wait4(), CPU
is user + system time. Prints a Markdown table and, with --write-docs,
puts it into docs/performance.md between the manifest markers.

  /usr/bin/python3 bench/manifest_bench.py --keycheck build/tools/torch-keycheck/torch-keycheck
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import torch

LOAD = ("import sys, time, torch\n"
        "t = time.perf_counter()\n"
        "sd = torch.load(sys.argv[1])\n"
        "print(time.perf_counter() - t)\n")



# Linux carries a process's peak RSS across fork and exec, so a command
# started from this process (which holds torch and the tensors it just
# saved) would report this process's peak. Commands are started from a
# minimal Python launcher instead; its own few MiB are the floor.
LAUNCHER = ("import os, sys, time\n"
            "out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)\n"
            "t = time.perf_counter()\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    os.dup2(out, 1)\n"
            "    os.execv(sys.argv[2], sys.argv[2:])\n"
            "_, status, ru = os.wait4(pid, 0)\n"
            "w = time.perf_counter() - t\n"
            "print(os.waitstatus_to_exitcode(status), w, ru.ru_utime + ru.ru_stime, ru.ru_maxrss)\n")


def measure(cmd):
    with tempfile.NamedTemporaryFile() as out:
        proc = subprocess.run(["/usr/bin/python3", "-S", "-E", "-c", LAUNCHER, out.name, *cmd],
                              capture_output=True, text=True)
        rc, wall, cpu, rss = proc.stdout.split()
        if int(rc) != 0:
            sys.exit(f"{cmd[0]} failed ({rc}): {proc.stderr[:500]}")
        return {"wall": float(wall), "cpu": float(cpu), "rss": int(rss) / 1024.0,
                "out": open(out.name).read()}


def write_state_dict(path, gib):
    """A transformer-like state dict of about `gib` GiB in float32."""
    sd = {}
    layers = max(1, int(round(gib * 64)))
    for i in range(layers):
        sd[f"layers.{i}.attn.in_proj.weight"] = torch.zeros(3 * 1024, 1024)
        sd[f"layers.{i}.attn.in_proj.bias"] = torch.zeros(3 * 1024)
        sd[f"layers.{i}.mlp.fc.weight"] = torch.zeros(1024, 1024)
        sd[f"layers.{i}.norm.weight"] = torch.ones(1024)
    torch.save(sd, path)
    return len(sd), os.path.getsize(path)


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default="0.0625,0.25,1.0", help="GiB, comma-separated")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as d:
        for gib in (float(s) for s in args.sizes.split(",")):
            path = os.path.join(d, f"state_dict_{gib}.pt")
            keys, size = write_state_dict(path, gib)
            kc_runs, load_runs, floor = [], [], []
            for _ in range(args.runs):
                floor.append(measure(["/bin/true"]))  # interleaved, on a warm page cache
                kc_runs.append(measure([args.keycheck, "manifest", path, "--format", "json"]))
                load_runs.append(measure([sys.executable, "-c", LOAD, path]))
            call = statistics.median(float(r["out"].strip()) for r in load_runs)
            rows.append({
                "size": size, "keys": keys,
                "kc_wall": median(kc_runs, "wall"), "kc_cpu": median(kc_runs, "cpu"),
                "kc_rss": median(kc_runs, "rss"),
                "load_wall": median(load_runs, "wall"), "load_call": call,
                "load_rss": median(load_runs, "rss"), "floor": median(floor, "rss"),
            })
            os.remove(path)

    lines = [
        "| checkpoint | keys | manifest wall | manifest CPU | manifest peak RSS "
        "| torch.load process | torch.load call | torch.load peak RSS "
        "| speed-up vs call | speed-up vs process |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size'] / 2**30:.2f} GiB | {r['keys']} | {r['kc_wall'] * 1000:.1f} ms "
            f"| {r['kc_cpu'] * 1000:.1f} ms | {r['kc_rss']:.1f} MiB "
            f"| {r['load_wall']:.2f} s | {r['load_call']:.2f} s | {r['load_rss']:.0f} MiB "
            f"| {r['load_call'] / r['kc_wall']:.0f}x | {r['load_wall'] / r['kc_wall']:.0f}x |")
    machine = (f"{platform.platform()}, {os.cpu_count()} cores, torch {torch.__version__}, "
               f"median of {args.runs} interleaved runs, warm page cache; the launcher's "
               f"own floor (/bin/true measured the same way) is {rows[0]['floor']:.1f} MiB")
    table = "\n".join(lines)
    print(table)
    print(machine)

    if args.write_docs:
        doc = os.path.join(os.path.dirname(__file__), "..", "docs", "performance.md")
        begin, end = "<!-- manifest-bench:begin -->", "<!-- manifest-bench:end -->"
        text = open(doc).read()
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        block = f"{begin}\n{table}\n\n{machine}\n{end}"
        open(doc, "w").write(head + block + tail)


if __name__ == "__main__":
    main()
