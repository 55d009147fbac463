"""Benchmark: `migrate` on a large checkpoint against copying the file.

A torch.save checkpoint of --gib GiB (16 float32 tensors of equal size,
saved through DataParallel, so every key carries 'module.') is migrated to
the model that registers them without the prefix; the reference is `cp`
of the same file to the same directory. Median of --runs interleaved runs
with a warm page cache; wall time and peak RSS from wait4(). Prints a
Markdown table; --write-docs puts it into docs/performance.md between the
migrate-bench markers.

  /usr/bin/python3 bench/migrate_bench.py --keycheck build/tools/torch-keycheck/torch-keycheck --write-docs
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from analysis_bench import measure, write_docs  # noqa: E402

MODEL = """#include <torch/torch.h>
struct BigImpl : torch::nn::Module {
  BigImpl() {
    for (int i = 0; i < 16; ++i)
      register_parameter("w" + std::to_string(i), torch::zeros({%d, 4096}));
  }
};
TORCH_MODULE(Big);
"""

SAVE = """
import sys, torch
rows = int(sys.argv[2])
class Big(torch.nn.Module):
    def __init__(self):
        super().__init__()
        for i in range(16):
            self.register_parameter("w%%d" %% i, torch.nn.Parameter(torch.randn(rows, 4096)))
torch.save(torch.nn.DataParallel(Big()).state_dict(), sys.argv[1])
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--gib", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    keycheck = os.path.abspath(args.keycheck)
    rows = int(args.gib * (1 << 30) / 16 / 4096 / 4)
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, "build")) as d:
        with open(os.path.join(d, "model.cpp"), "w") as f:
            f.write(MODEL % rows)
        old = os.path.join(d, "old.pt")
        subprocess.run(["/usr/bin/python3", "-c", SAVE % (), old, str(rows)],
                       check=True)
        size = os.path.getsize(old)
        migrate = [keycheck, "migrate", old, "--class", "Big", "-o",
                   os.path.join(d, "new.pt"), os.path.join(d, "model.cpp"),
                   "--", "-std=c++17", "-isystem",
                   "/usr/include/torch/csrc/api/include"]
        cp = ["cp", old, os.path.join(d, "copy.pt")]
        # The first migrates parse model.cpp's headers into the cache, and
        # writes the mapping for the runs that apply it without the source.
        mapping = os.path.join(d, "map.json")
        # (A preamble gets its PCH the second time it is parsed.)
        for _ in range(2):
            subprocess.run(migrate[:3] + ["--mapping-out", mapping] +
                           migrate[3:], check=True, capture_output=True)
        apply = [keycheck, "migrate", old, "--mapping", mapping, "-o",
                 os.path.join(d, "new2.pt")]
        # The module archive C++'s torch::load reads, from the same mapping
        # (which records the model's layout).
        libtorch = apply[:-2] + ["--format", "libtorch", "-o",
                                 os.path.join(d, "new3.pt")]
        mig, copy, applied, archived = [], [], [], []
        for _ in range(args.runs):
            copy.append(measure(cp))
            mig.append(measure(migrate))
            applied.append(measure(apply))
            archived.append(measure(libtorch))
        # Only the tensors' bytes are copied; the output loads (checked by
        # the lit tests) and is the input's size give or take data.pkl.
        new_size = os.path.getsize(os.path.join(d, "new.pt"))
    def med(rows, field):
        return statistics.median(r[field] for r in rows)
    table = ["| what | wall | CPU | peak RSS | ratio to cp |", "|---|---|---|---|---|"]
    table.append("| cp of a %.2f GiB torch.save checkpoint | %.2f s | %.2f s | %.0f MiB | reference |"
                 % (size / (1 << 30), med(copy, "wall"), med(copy, "cpu"),
                    med(copy, "rss")))
    table.append("| migrate (16 keys renamed, 'module.' stripped) | %.2f s | %.2f s | %.0f MiB | %.2fx |"
                 % (med(mig, "wall"), med(mig, "cpu"), med(mig, "rss"),
                    med(mig, "wall") / med(copy, "wall")))
    table.append("| migrate --mapping (the reviewed mapping; no source parsed) | %.2f s | %.2f s | %.0f MiB | %.2fx |"
                 % (med(applied, "wall"), med(applied, "cpu"), med(applied, "rss"),
                    med(applied, "wall") / med(copy, "wall")))
    table.append("| migrate --mapping --format libtorch (a module archive for torch::load) | %.2f s | %.2f s | %.0f MiB | %.2fx |"
                 % (med(archived, "wall"), med(archived, "cpu"), med(archived, "rss"),
                    med(archived, "wall") / med(copy, "wall")))
    table.append("")
    table.append("%s, %d cores, median of %d interleaved runs, warm page cache; output %.2f GiB"
                 % (platform.platform(), os.cpu_count(), args.runs, new_size / (1 << 30)))
    text = "\n".join(table)
    print(text)
    if args.write_docs:
        write_docs("migrate-bench", text)


if __name__ == "__main__":
    main()
