"""Each checkpoint hazard as a pair: what really happens when the checkpoint
is loaded (LibTorch's torch::load, recorded by the oracle driver, or
Python's load_state_dict), and what `torch-keycheck check --checkpoint`
says beforehand. They must agree: every real failure is an error of the
expected check, every silent misload too (the verdict follows Python's
strict rules), and a clean load is clean.

check_verdicts.py --driver D --keycheck K --source models.cpp --flags F
                  [--torch-python P]
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import subprocess
import sys
import tempfile

# hazard checkpoint (saved by the driver) -> the loading model, its
# configuration, the check's expected exit code and the check that must
# report it (None: nothing may be reported).
CASES = [
    # The write-up's first hazard: a ReLU moved to the front of a Sequential.
    ("reordered-sequential", "oracle::ReorderedV2Impl", {}, 1, "torch-checkpoint-reordered"),
    # The second: a layer under a flag, both directions.
    ("flag-off-loads-flag-on", "oracle::FlagLayerImpl",
     {"in": 10, "use_extra_layer": "true"}, 1, "torch-checkpoint-missing-key"),
    ("flag-on-loads-flag-off", "oracle::FlagLayerImpl",
     {"in": 10, "use_extra_layer": "false"}, 1, "torch-checkpoint-unexpected-key"),
    # Without the flag given, the checkpoint matches one configuration: said
    # as a remark, not an error.
    ("flag-on-loads-flag-off", "oracle::FlagLayerImpl", {"in": 10}, 0,
     "torch-checkpoint-configuration"),
    # What LibTorch lets through silently is an error here.
    ("unexpected-key-ignored", "oracle::LinearOptionsNetImpl",
     {"in": 16, "out": 4, "bias": "false"}, 1, "torch-checkpoint-unexpected-key"),
    ("shape-mismatch-accepted", "oracle::MlpImpl", {"in": 10, "hidden": 3}, 1,
     "torch-checkpoint-shape-mismatch"),
    # The same checkpoint into the model that saved it: clean.
    ("shape-mismatch-accepted", "oracle::MlpImpl", {"in": 784, "hidden": 64}, 0, None),
]

# The write-up's third hazard and its relatives: the SGD state the driver
# saved (sgd.pt, from OptimizedNetImpl(4)) loaded into another optimizer or
# over other parameters. (hazard recorded by the driver, class, defines,
# optimizer, expected exit code, expected check.)
OPTIMIZER_CASES = [
    ("sgd-state-into-adam", "oracle::OptimizedNetImpl", {"in": 4}, "adam", 1,
     "torch-optimizer-kind"),
    ("sgd-state-other-shapes", "oracle::OptimizedNetImpl", {"in": 6}, "sgd", 1,
     "torch-optimizer-state-shape"),
    ("sgd-state-other-count", "oracle::MlpImpl", {"in": 4, "hidden": 8}, "sgd", 1,
     "torch-optimizer-parameter-count"),
    (None, "oracle::OptimizedNetImpl", {"in": 4}, "sgd", 0, None),
]

# hazard -> the outcome the driver must record for the pair to mean anything.
LIBTORCH = {
    "reordered-sequential": "error",
    "flag-off-loads-flag-on": "error",
    "flag-on-loads-flag-off": "error",
    "unexpected-key-ignored": "loaded",
    "shape-mismatch-accepted": "loaded",
    "sgd-state-into-adam": "error",
    "sgd-state-other-shapes": "loaded",
    "sgd-state-other-count": "error",
}

# A Python state_dict saved through DataParallel: every key under
# 'module.'. Python's own strict load into the same layers must fail, and
# the check must say which prefix to strip.
PYTHON_PREFIXED = r"""
import sys, torch
class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 64)
        self.fc2 = torch.nn.Linear(64, 10)
wrapped = torch.nn.DataParallel(Mlp())
torch.save(wrapped.state_dict(), sys.argv[1])
try:
    Mlp().load_state_dict(torch.load(sys.argv[1]))
    print("loaded")
except RuntimeError as e:
    print("error " + str(e).splitlines()[0])
"""


def check(args, cls, defines, checkpoint, optimizer=None):
    cmd = [args.keycheck, "check", args.source, "--class", cls, "--format", "json"]
    if optimizer:
        cmd += ["--optimizer-checkpoint", checkpoint, "--optimizer", optimizer]
    else:
        cmd += ["--checkpoint", checkpoint]
    for k, v in defines.items():
        cmd += ["--define", f"{k}={v}"]
    cmd += ["--"] + shlex.split(args.flags)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    found = json.loads(proc.stdout)["findings"] if proc.stdout.strip() else []
    return proc.returncode, found, proc.stderr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--driver", required=True)
    p.add_argument("--keycheck", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--flags", required=True)
    p.add_argument("--torch-python")
    args = p.parse_args()
    failed = passed = 0

    def verdict(name, ok, detail):
        nonlocal failed, passed
        passed += ok
        failed += not ok
        print(("ok   " if ok else "FAIL ") + name + ": " + detail)

    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([args.driver, "--hazards", tmp], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"check_verdicts: the driver failed:\n{proc.stderr}")
        outcome = {h["hazard"]: h for h in json.loads(proc.stdout)}
        for hazard, want in LIBTORCH.items():
            got = outcome.get(hazard, {}).get("outcome")
            verdict(f"libtorch {hazard}", got == want,
                    f"torch::load {got}: {outcome.get(hazard, {}).get('message', '')[:90]}")
        # Each check parses the models once; two at a time on two cores.
        runs = [(f"{h} into {c}" + (f" {d}" if d else ""), code, want,
                 (args, c, d, os.path.join(tmp, h + ".pt"), None))
                for h, c, d, code, want in CASES]
        runs += [(f"sgd.pt into {o} over {c} {d}", code, want,
                  (args, c, d, os.path.join(tmp, "sgd.pt"), o))
                 for _, c, d, o, code, want in OPTIMIZER_CASES]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda r: check(*r[3]), runs))
        for (label, code, want, _), (rc, found, err) in zip(runs, results):
            checks = sorted({f["check"] for f in found})
            ok = rc == code and ((want in checks) if want else not found)
            verdict(label, ok, f"exit {rc}, {checks or 'clean'}" + ("" if ok else f"\n{err}"))

        if args.torch_python:
            ckpt = os.path.join(tmp, "data-parallel.pt")
            py = subprocess.run([args.torch_python, "-c", PYTHON_PREFIXED, ckpt],
                                capture_output=True, text=True)
            verdict("python data-parallel load_state_dict", py.stdout.startswith("error"),
                    py.stdout.strip()[:100] or py.stderr[-300:])
            rc, found, err = check(args, "oracle::MlpImpl", {"in": 784, "hidden": 64}, ckpt)
            checks = sorted({f["check"] for f in found})
            verdict("data-parallel into oracle::MlpImpl",
                    rc == 1 and checks == ["torch-checkpoint-prefix"],
                    f"exit {rc}, {checks}" + ("" if rc == 1 else f"\n{err}"))
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
