"""Checks a bundled example checkpoint against torch-keycheck's prediction.

torch itself reads the checkpoint (a C++ torch::save archive, loaded with
torch.jit.load(...).state_dict()); torch-keycheck predicts the keys from the
model source for the same configuration. Every key, kind-agnostic shape and
dtype must agree. The archive orders a module's own tensors before its
children's, unlike named_parameters(), so order is not compared here (the
oracle compares it against LibTorch)."""
import argparse
import json
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--class", dest="cls", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--define", action="append", default=[])
    ap.add_argument("--flags", default="")
    args = ap.parse_args()

    import torch  # the caller picks a Python that has it

    state = torch.jit.load(args.checkpoint).state_dict()
    real = {k: (list(v.shape), str(v.dtype).replace("torch.", "")) for k, v in state.items()}

    cmd = [args.keycheck, "keys", args.source, "--class", args.cls, "--format", "json"]
    for d in args.define:
        cmd += ["--define", d]
    cmd += ["--"] + args.flags.split()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"torch-keycheck failed ({proc.returncode}):\n{proc.stderr}")
    model = json.loads(proc.stdout)["models"][0]
    predicted = {k["name"]: (k["shape"], k["dtype"]) for k in model["keys"]}

    diffs = []
    for k in sorted(real.keys() - predicted.keys()):
        diffs.append(f"in the checkpoint, not predicted: {k} {real[k]}")
    for k in sorted(predicted.keys() - real.keys()):
        diffs.append(f"predicted, not in the checkpoint: {k} {predicted[k]}")
    for k in sorted(real.keys() & predicted.keys()):
        if real[k] != tuple(predicted[k]) and list(real[k]) != list(predicted[k]):
            diffs.append(f"{k}: checkpoint {real[k]}, predicted {predicted[k]}")
    label = f"{args.checkpoint} vs {args.cls} {' '.join(args.define)}".strip()
    if diffs:
        print(f"FAIL {label}")
        for d in diffs:
            print(f"  {d}")
        print("0 passed, 1 failed")
        sys.exit(1)
    print(f"ok {label}: {len(real)} keys agree")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
