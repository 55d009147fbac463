"""Records what LibTorch really does with the write-up's hazards, and fails
if that ever changes: these outcomes are what torch-keycheck's load
verdicts must agree with.

Runs `oracle-driver --hazards DIR`, which saves a checkpoint from one model
and loads it into a mismatched one with torch::save/torch::load."""
import json
import subprocess
import sys
import tempfile

# hazard -> (outcome, a fragment LibTorch's message must contain)
EXPECTED = {
    # Moving the ReLU to the front shifts body.0 to body.1: a load failure.
    "reordered-sequential": ("error", "No such serialized tensor 'body.1.weight'"),
    # The flag-on model wants linear3, which the flag-off checkpoint lacks.
    "flag-off-loads-flag-on": ("error", "No such serialized submodule: 'linear3'"),
    # The flag-off model wants its fallback buffer.
    "flag-on-loads-flag-off": ("error", "No such serialized tensor 'fallback_scale'"),
    # LibTorch ignores keys the model does not have: a silent pass.
    "unexpected-key-ignored": ("loaded", ""),
    # LibTorch takes the checkpoint's shape instead of failing.
    "shape-mismatch-accepted": ("loaded", ""),
    "shape-after-mismatched-load": ("shape", "fc1.weight [64, 784]"),
    # SGD state into Adam dies on an assertion that names neither cause nor file.
    "sgd-state-into-adam": ("error", "INTERNAL ASSERT FAILED"),
    # Same optimizer, other shapes: nothing checks it (state is positional).
    "sgd-state-other-shapes": ("loaded", ""),
    # Same optimizer, another parameter count: refused.
    "sgd-state-other-count": ("error", "different size than the optimizer's parameter group"),
    # What the source checks say LibTorch does (docs/checks/).
    # torch-duplicate-key: the same kind twice throws at construction ...
    "duplicate-submodule": ("error", "Submodule 'fc' already defined"),
    # ... a parameter and a buffer of one name only when saving.
    "parameter-and-buffer-share-a-name": ("error", "Parameter field mismatch for the field 'w'"),
    # torch-invalid-key-name, also for ModuleDict keys.
    "dotted-name": ("error", "Submodule name must not contain a dot (got 'a.b')"),
    "empty-name": ("error", "Buffer name must not be empty"),
    "dotted-module-dict-key": ("error", "Submodule name must not contain a dot"),
    # torch-unregistered-submodule: the member's two tensors are not parameters.
    "unregistered-member-parameters": ("count", "parameters 2"),
    # torch-registration-outside-constructor: a checkpoint saved before
    # forward ran lacks the key the loading model has by then.
    "registered-in-forward": ("error", "No such serialized submodule: 'extra'"),
}


def main():
    driver = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([driver, "--hazards", tmp], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"check_hazards: the driver failed ({proc.returncode}):\n{proc.stderr}")
    seen = {h["hazard"]: h for h in json.loads(proc.stdout)}
    passed = failed = 0
    for name, (outcome, fragment) in EXPECTED.items():
        h = seen.get(name)
        if h and h["outcome"] == outcome and fragment in h["message"]:
            passed += 1
            print(f"ok   {name}: {outcome} {h['message'][:100]}")
        else:
            failed += 1
            print(f"FAIL {name}: expected {outcome} with {fragment!r}, got {h}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
