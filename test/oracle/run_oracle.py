"""Compares torch-keycheck's predicted keys with LibTorch's real ones.

Runs the oracle driver (LibTorch builds every case and lists its
named_parameters() and named_buffers()), runs `torch-keycheck keys` once on
the same model sources for all cases, and compares the two key by key:
name, kind, shape, dtype and order. Any difference fails.
"""
import argparse
import json
import subprocess
import sys


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def describe(key):
    return f"{key['name']} {key['kind']} {key['shape']} {key['dtype']}"


def compare(real, predicted):
    """Returns the differences between two ordered key lists."""
    diffs = []
    real_by_name = {k["name"]: k for k in real}
    pred_by_name = {k["name"]: k for k in predicted}
    for k in real:
        if k["name"] not in pred_by_name:
            diffs.append(f"missing from the prediction: {describe(k)}")
    for k in predicted:
        if k["name"] not in real_by_name:
            diffs.append(f"predicted but not in LibTorch: {describe(k)}")
    for name, r in real_by_name.items():
        p = pred_by_name.get(name)
        if p is None:
            continue
        for field in ("kind", "shape", "dtype"):
            if r[field] != p.get(field):
                diffs.append(f"{name}: {field} is {r[field]} in LibTorch, "
                             f"predicted {p.get(field)}")
    common_real = [k["name"] for k in real if k["name"] in pred_by_name]
    common_pred = [k["name"] for k in predicted if k["name"] in real_by_name]
    if not diffs and common_real != common_pred:
        diffs.append("order differs: LibTorch " + ", ".join(common_real) +
                     "; predicted " + ", ".join(common_pred))
    return diffs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--configurations", required=True)
    ap.add_argument("--source", required=True, nargs="+",
                    help="the translation units that define the models")
    ap.add_argument("--flags", default="")
    args = ap.parse_args()

    rc, out, err = run([args.driver])
    if rc != 0:
        sys.exit(f"oracle: the driver failed ({rc}):\n{err}")
    real_cases = {c["name"]: c for c in json.loads(out)}

    cmd = [args.keycheck, "keys", *args.source, "--configurations",
           args.configurations, "--format", "json", "--"] + args.flags.split()
    rc, out, err = run(cmd)
    if rc != 0:
        sys.exit(f"oracle: torch-keycheck failed ({rc}):\n{err}")
    predicted = {m["configuration"]["name"]: m for m in json.loads(out)["models"]}

    with open(args.configurations) as f:
        configurations = json.load(f)["configurations"]

    failed = passed = keys = 0
    for cfg in configurations:
        name = cfg["name"]
        real = real_cases[name]
        label = f"{cfg.get('class') or cfg['function']} {json.dumps(cfg['define'])}"
        if "error" in real:
            failed += 1
            print(f"FAIL {label}: LibTorch could not build it: {real['error']}")
            continue
        model = predicted.get(name)
        if model is None:
            failed += 1
            print(f"FAIL {label}: no prediction")
            continue
        diffs = compare(real["keys"], model["keys"])
        for u in model.get("unresolved", []):
            diffs.append(f"unresolved at {u['file']}:{u['line']}: {u['message']}")
        keys += len(real["keys"])
        if diffs:
            failed += 1
            print(f"FAIL {label}")
            for d in diffs:
                print(f"  {d}")
        else:
            passed += 1
    classes = len({c.get("class") or c["function"] for c in configurations})
    print(f"oracle: {classes} classes, {len(configurations)} configurations, "
          f"{keys} keys compared with LibTorch")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
