"""torch_cases.py: checkpoints saved by real torch before a model changed,
and the check that a migrated one loads into the model as it is now.

  torch_cases.py save DIR      writes DIR/<case>.pt (and .safetensors)
  torch_cases.py verify OLD NEW CASE
      loads NEW into the new layout with load_state_dict(strict=True) and
      compares every tensor, bit for bit, with OLD's under the case's
      mapping; for a nested checkpoint also every other entry.
  torch_cases.py verify-libtorch OLD DUMP CASE
      compares the tensors a LibTorch program loaded (DUMP, as
      Inputs/cpp/load.cpp prints them) with OLD's under the mapping: every
      key of the model, its kind, dtype, shape and bytes.
  torch_cases.py verify-dumps OLD_DUMP NEW_DUMP CASE
      the same for a checkpoint saved from C++: OLD_DUMP is what the
      LibTorch program saved (load --save-old), NEW_DUMP what it loaded.

The new layout is model.cpp's NetImpl: body = Sequential(Linear(4, 8),
ReLU, Linear(8, 3)), classifier = Linear(3, 2), norm = BatchNorm1d(2).
"""
import json
import struct
import sys

import torch
import torch.nn as nn


class New(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        self.classifier = nn.Linear(3, 2)
        self.norm = nn.BatchNorm1d(2)


class OldOrder(nn.Module):
    """The ReLU first: the Linears at 1 and 2."""
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.ReLU(), nn.Linear(4, 8), nn.Linear(8, 3))
        self.classifier = nn.Linear(3, 2)
        self.norm = nn.BatchNorm1d(2)


class OldName(nn.Module):
    """The classifier was called head."""
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        self.head = nn.Linear(3, 2)
        self.norm = nn.BatchNorm1d(2)


class OldExtra(New):
    """An auxiliary head since removed."""
    def __init__(self):
        super().__init__()
        self.aux = nn.Linear(3, 3)


class OldTied(New):
    """An auxiliary head tied to the classifier's weight (one storage
    for two keys), declared before (first) or after everything else."""
    def __init__(self, first):
        super().__init__()
        aux = nn.Linear(3, 2)
        if first:
            # Registered first: its keys come first in the state dict.
            self._modules = dict([("aux", aux)] + list(self._modules.items()))
        else:
            self.aux = aux
        aux.weight = self.classifier.weight


class OldModuleOrder(nn.Module):
    """The classifier registered before the body: the same keys, the
    parameters in another order (optimizer state is by position)."""
    def __init__(self):
        super().__init__()
        self.classifier = nn.Linear(3, 2)
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        self.norm = nn.BatchNorm1d(2)

    def forward(self, x):
        return self.norm(self.classifier(self.body(x)))


def forward_new(model, x):
    return model.norm(model.classifier(model.body(x)))


class Wrapped(nn.Module):
    """What DataParallel saves: every key under module."""
    def __init__(self):
        super().__init__()
        self.module = New()


# Per case: how an old key is named now.
def renamed(case, key):
    if case == "order":
        return key.replace("body.1.", "body.0.", 1) if key.startswith("body.1.") else key
    if case == "name":
        return "classifier." + key[len("head."):] if key.startswith("head.") else key
    if case == "prefix":
        return key[len("module."):]
    return key


def trained(model, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p))
    # Running statistics that are not the defaults.
    model.train()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m(torch.randn(5, 2))
    return model


def write_safetensors(path, state):
    header, data = {}, b""
    for name, t in state.items():
        raw = t.contiguous().numpy().tobytes()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def read_safetensors(path):
    import numpy as np
    blob = open(path, "rb").read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        dt = {"F32": np.float32, "I64": np.int64}[info["dtype"]]
        out[name] = torch.from_numpy(
            np.frombuffer(blob[8 + n + b:8 + n + e], dtype=dt).copy()
        ).reshape(info["shape"])
    return out


def save(dir):
    order = trained(OldOrder(), 1)
    torch.save(order.state_dict(), dir + "/order.pt")
    name = trained(OldName(), 2)
    torch.save(name.state_dict(), dir + "/name.pt")
    write_safetensors(dir + "/name.safetensors", name.state_dict())
    wrapped = trained(Wrapped(), 3)
    torch.save(wrapped.state_dict(), dir + "/prefix.pt")
    opt = torch.optim.SGD(name.parameters(), lr=0.1, momentum=0.9)
    loss = name.head(name.body(torch.randn(5, 4))).sum()
    loss.backward()
    opt.step()
    torch.save({"epoch": 7, "model_state_dict": name.state_dict(),
                "optimizer_state_dict": opt.state_dict()},
               dir + "/nested.pt")
    torch.save(trained(OldExtra(), 5).state_dict(), dir + "/extra.pt")
    torch.save(trained(OldTied(False), 6).state_dict(), dir + "/tied-last.pt")
    torch.save(trained(OldTied(True), 6).state_dict(), dir + "/tied-first.pt")
    moved = trained(OldModuleOrder(), 7)
    opt = torch.optim.SGD(moved.parameters(), lr=0.1, momentum=0.9)
    moved(torch.randn(5, 4)).sum().backward()
    opt.step()
    torch.save({"epoch": 3, "model_state_dict": moved.state_dict(),
                "optimizer_state_dict": opt.state_dict()},
               dir + "/moved.pt")
    # A sub-module saved alone: the rest of the model is not in it.
    torch.save(trained(New(), 4).body.state_dict(), dir + "/part.pt")


def load(path):
    if path.endswith(".safetensors"):
        return read_safetensors(path)
    return torch.load(path)


def step_both(old, new):
    """One more training step from each checkpoint, the old model with its
    optimizer state and the new one with the migrated state: the same
    parameters after it, bit for bit, when the state followed them."""
    before = OldModuleOrder()
    before.load_state_dict(old["model_state_dict"])
    opt_before = torch.optim.SGD(before.parameters(), lr=0.1, momentum=0.9)
    opt_before.load_state_dict(old["optimizer_state_dict"])
    after = New()
    after.load_state_dict(new["model_state_dict"], strict=True)
    opt_after = torch.optim.SGD(after.parameters(), lr=0.1, momentum=0.9)
    opt_after.load_state_dict(new["optimizer_state_dict"])
    torch.manual_seed(0)
    x = torch.randn(5, 4)
    for model, opt, fwd in ((before, opt_before, lambda m, x: m(x)),
                            (after, opt_after, forward_new)):
        opt.zero_grad()
        fwd(model, x).sum().backward()
        opt.step()
    a, b = before.state_dict(), after.state_dict()
    for key in a:
        assert torch.equal(a[key], b[key]), "%s differs after a step" % key
    print("moved: %d tensors load strictly and step identically" % len(a))


def verify(old_path, new_path, case):
    old, new = load(old_path), load(new_path)
    if case == "moved":
        return step_both(old, new)
    if case == "nested":
        for key in old:
            if key != "model_state_dict":
                same = (old[key] == new[key]) if not isinstance(old[key], dict) \
                    else json.dumps(old[key], default=str) == json.dumps(new[key], default=str)
                assert same, "entry %r changed" % key
        old, new = old["model_state_dict"], new["model_state_dict"]
        case = "name"
    model = New()
    model.load_state_dict(new, strict=True)
    state = model.state_dict()
    n = 0
    for key, t in old.items():
        if case in ("extra", "tied") and key.startswith("aux."):
            assert key not in new, "%s was not dropped" % key
            continue
        target = renamed(case, key)
        assert t.dtype == state[target].dtype, key
        assert torch.equal(t, state[target]), "%s -> %s differs" % (key, target)
        n += 1
    assert n == len(state), "%d tensors for %d keys" % (n, len(state))
    # The _metadata of each module that holds tensors (its version, which
    # load_state_dict hands to the module's loading) is under its new path.
    if hasattr(new, "_metadata"):
        for k in set(key.rpartition(".")[0] for key in state):
            assert new._metadata.get(k) == state._metadata[k], \
                "_metadata of module %r: %r" % (k, new._metadata.get(k))
    print("%s: %d tensors load strictly, bit for bit" % (case, n))


def verify_libtorch(old_path, dump_path, case):
    old = load(old_path)
    if "model_state_dict" in old:
        old = old["model_state_dict"]
    dump = {t["name"]: t for t in json.load(open(dump_path))}
    model = New()
    buffers = set(name for name, _ in model.named_buffers())
    names = {torch.float32: "float", torch.int64: "long"}
    n = 0
    for key, t in old.items():
        if case in ("extra", "tied") and key.startswith("aux."):
            continue
        target = renamed(case, key)
        assert target in dump, "%s -> %s is not in what LibTorch loaded" % (key, target)
        got = dump[target]
        assert got["kind"] == ("buffer" if target in buffers else "parameter"), target
        assert got["dtype"].lower() == names[t.dtype], (target, got["dtype"])
        assert got["shape"] == list(t.shape), (target, got["shape"])
        assert got["bytes"] == t.contiguous().numpy().tobytes().hex(), \
            "%s -> %s differs" % (key, target)
        n += 1
    assert n == len(dump) == len(model.state_dict()), \
        "%d tensors for %d loaded" % (n, len(dump))
    print("%s: %d tensors load into LibTorch, bit for bit" % (case, n))


def verify_dumps(old_path, new_path, case):
    old = json.load(open(old_path))
    new = {t["name"]: t for t in json.load(open(new_path))}
    for t in old:
        target = renamed(case, t["name"])
        assert target in new, "%s -> %s is not in what LibTorch loaded" % (t["name"], target)
        for field in ("kind", "dtype", "shape", "bytes"):
            assert new[target][field] == t[field], \
                "%s -> %s differs in its %s" % (t["name"], target, field)
    assert len(old) == len(new), "%d tensors for %d loaded" % (len(old), len(new))
    print("%s: %d tensors load into LibTorch, bit for bit" % (case, len(old)))


if __name__ == "__main__":
    if sys.argv[1] == "save":
        save(sys.argv[2])
    elif sys.argv[1] == "verify-dumps":
        verify_dumps(sys.argv[2], sys.argv[3], sys.argv[4])
    elif sys.argv[1] == "verify-libtorch":
        verify_libtorch(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        verify(sys.argv[2], sys.argv[3], sys.argv[4])
