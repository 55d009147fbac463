"""Makes real checkpoints with real torch and checks `torch-keycheck manifest`
against torch's own reading of each file.

Python torch.save files are compared with torch.load (keys, shapes, dtypes,
order); C++ torch::save archives (written by the oracle driver through
LibTorch) with torch.jit.load(...).state_dict() and its named_parameters()/
named_buffers() for kinds; optimizer files with the optimizer's own
state_dict(). safetensors files are written here byte by byte (no
safetensors package exists on Debian), so their expectation is what was
written. Hostile and broken files must fail with exit code 2, a message
naming the file, and nothing executed.

Run with a Python that imports torch.
"""
import argparse
import collections
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile

import torch

RESULTS = {"passed": 0, "failed": 0}


def report(name, problems):
    if problems:
        RESULTS["failed"] += 1
        print(f"FAIL {name}")
        for p in problems:
            print(f"  {p}")
    else:
        RESULTS["passed"] += 1
        print(f"ok   {name}")


def run_manifest(keycheck, path, *extra):
    proc = subprocess.run([keycheck, "manifest", path, "--format", "json", *extra],
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def expected_keys(state, kinds=None):
    return [{"name": k, "shape": list(v.shape), "dtype": dtype_name(v),
             "kind": (kinds or {}).get(k, "unknown")} for k, v in state.items()]


def compare_keys(got, want):
    problems = []
    gk = [k["name"] for k in got]
    wk = [k["name"] for k in want]
    if gk != wk:
        missing = [k for k in wk if k not in gk]
        extra = [k for k in gk if k not in wk]
        if missing or extra:
            problems.append(f"keys differ: missing {missing}, unexpected {extra}")
        else:
            problems.append(f"order differs: torch {wk}, manifest {gk}")
    by_name = {k["name"]: k for k in got}
    for w in want:
        g = by_name.get(w["name"])
        if not g:
            continue
        for field in ("shape", "dtype", "kind"):
            if g[field] != w[field]:
                problems.append(f"{w['name']}: {field} {g[field]}, torch says {w[field]}")
    return problems


def check_file(keycheck, name, path, want_keys, extra=(), entry=None, prefixes=None):
    rc, out, err = run_manifest(keycheck, path, *extra)
    if rc != 0:
        report(name, [f"exit {rc}: {err.strip()}"])
        return None
    m = json.loads(out)
    problems = compare_keys(m["keys"], want_keys)
    if entry is not None and m.get("entry", "") != entry:
        problems.append(f"entry {m.get('entry')!r}, expected {entry!r}")
    if prefixes is not None and m["prefixes"] != prefixes:
        problems.append(f"prefixes {m['prefixes']}, expected {prefixes}")
    report(name, problems)
    return m


def check_fails(keycheck, name, path, fragment, extra=()):
    rc, out, err = run_manifest(keycheck, path, *extra)
    problems = []
    if rc != 2:
        problems.append(f"exit code {rc}, expected 2")
    if path not in err:
        problems.append(f"the message does not name the file: {err.strip()!r}")
    if fragment not in err:
        problems.append(f"the message lacks {fragment!r}: {err.strip()!r}")
    if "Traceback" in err or "Segmentation" in err:
        problems.append("crashed")
    report(name, problems)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(10, 4)
        self.lstm = torch.nn.LSTM(4, 3, num_layers=2)
        self.bn = torch.nn.BatchNorm1d(3)
        self.head = torch.nn.Linear(3, 2)
        self.register_buffer("scale", torch.ones(2))


def safetensors_bytes(tensors, metadata=None, header_override=None):
    """The safetensors format, written directly: 8-byte header length,
    JSON header, then the raw bytes."""
    codes = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
             torch.int64: "I64", torch.bool: "BOOL", torch.int8: "I8",
             torch.float64: "F64", torch.int32: "I32", torch.uint8: "U8"}
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if header_override:
        header_override(header)
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"".join(blobs)


def hostile_zip(path, pickled, archive="hostile"):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{archive}/data.pkl", pickled)
        z.writestr(f"{archive}/version", "3\n")


class RunsCommand:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--driver", required=True, help="the oracle driver, for torch::save files")
    args = ap.parse_args()
    kc = args.keycheck
    torch.manual_seed(0)

    with tempfile.TemporaryDirectory() as d:
        p = lambda name: os.path.join(d, name)
        model = Model()
        sd = model.state_dict()

        # --- Python torch.save ------------------------------------------------
        torch.save(sd, p("ordered.pt"))
        check_file(kc, "state_dict (OrderedDict with _metadata)", p("ordered.pt"),
                   expected_keys(torch.load(p("ordered.pt"))))

        torch.save(dict(sd), p("plain.pt"))
        check_file(kc, "plain dict", p("plain.pt"), expected_keys(torch.load(p("plain.pt"))))

        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        loss = model.head(model.bn(torch.randn(4, 3))).sum()
        loss.backward()
        opt.step()
        training = {"epoch": 3, "model_state_dict": sd,
                    "optimizer_state_dict": opt.state_dict(), "loss": 0.25}
        torch.save(training, p("training.pt"))
        loaded = torch.load(p("training.pt"))
        check_file(kc, "nested training checkpoint, entry found alone", p("training.pt"),
                   expected_keys(loaded["model_state_dict"]), entry="model_state_dict")
        check_file(kc, "nested training checkpoint, --entry", p("training.pt"),
                   expected_keys(loaded["model_state_dict"]),
                   extra=["--entry", "model_state_dict"], entry="model_state_dict")

        # The optimizer entry: kind, groups and per-parameter state shapes.
        rc, out, err = run_manifest(kc, p("training.pt"), "--entry", "optimizer_state_dict")
        problems = [] if rc == 0 else [f"exit {rc}: {err}"]
        if rc == 0:
            o = json.loads(out)["optimizer"]
            want = loaded["optimizer_state_dict"]
            if o["kind"] != "SGD":
                problems.append(f"kind {o['kind']}, expected SGD")
            if o["param_groups"] != [len(g["params"]) for g in want["param_groups"]]:
                problems.append(f"param_groups {o['param_groups']}")
            for i, idx in enumerate(want["param_groups"][0]["params"]):
                w = {k: list(v.shape) for k, v in want["state"].get(idx, {}).items()
                     if torch.is_tensor(v)}
                g = {k: v["shape"] for k, v in o["state"][i].items()}
                if w != g:
                    problems.append(f"param {i}: state {g}, torch says {w}")
        report("python optimizer state_dict (SGD with momentum)", problems)

        # The same archive repacked the ways other zip writers write: zip64
        # headers, deflated entries, and data descriptors (a writer that
        # cannot seek back writes sizes after each entry).
        src = zipfile.ZipFile(p("ordered.pt"))
        with zipfile.ZipFile(p("zip64.pt"), "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                with z.open(info.filename, "w", force_zip64=True) as f:
                    f.write(src.read(info.filename))

        class Unseekable:
            def __init__(self, f):
                self.f = f

            def write(self, b):
                return self.f.write(b)

            def flush(self):
                self.f.flush()

        with open(p("descriptors.pt"), "wb") as raw:
            with zipfile.ZipFile(Unseekable(raw), "w", zipfile.ZIP_DEFLATED) as z:
                for info in src.infolist():
                    z.writestr(info.filename, src.read(info.filename))
        want = expected_keys(torch.load(p("ordered.pt")))
        for name in ("zip64.pt", "descriptors.pt"):
            check_file(kc, f"repacked archive ({name})", p(name), want)
        report("the repacked archive really has data descriptors",
               [] if zipfile.ZipFile(p("descriptors.pt")).infolist()[0].flag_bits & 0x08
               else ["flag bit 3 is not set"])

        torch.save({"model": sd, "ema": sd, "step": 10}, p("two-models.pt"))
        check_fails(kc, "several state dicts without --entry", p("two-models.pt"),
                    "choose one with --entry")
        check_file(kc, "several state dicts, --entry ema", p("two-models.pt"),
                   expected_keys(torch.load(p("two-models.pt"))["ema"]),
                   extra=["--entry", "ema"], entry="ema")
        check_fails(kc, "--entry that does not exist", p("two-models.pt"),
                    "no entry 'nope'", extra=["--entry", "nope"])

        base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
        dtypes = collections.OrderedDict([
            ("half", torch.ones(3, 2, dtype=torch.float16)),
            ("bf16", torch.ones(2, dtype=torch.bfloat16)),
            ("f64", torch.ones(1, 1, dtype=torch.float64)),
            ("i32", torch.ones(5, dtype=torch.int32)),
            ("i64", torch.ones(5, dtype=torch.int64)),
            ("i8", torch.ones(2, dtype=torch.int8)),
            ("u8", torch.ones(2, dtype=torch.uint8)),
            ("flags", torch.ones(4, dtype=torch.bool)),
            ("scalar", torch.tensor(3.5)),
            ("empty", torch.ones(0, 7)),
            ("transposed", base.t()),
            ("sliced", base[:, 1:4]),
            ("strided", base[::2, ::3]),
            ("expanded", torch.ones(1, 3).expand(5, 3)),
        ])
        torch.save(dtypes, p("dtypes.pt"))
        check_file(kc, "dtypes, 0-dim, empty and non-contiguous views", p("dtypes.pt"),
                   expected_keys(torch.load(p("dtypes.pt"))))

        torch.save({"module." + k: v for k, v in sd.items()}, p("dataparallel.pt"))
        check_file(kc, "DataParallel 'module.' prefix", p("dataparallel.pt"),
                   expected_keys(torch.load(p("dataparallel.pt"))), prefixes=["module."])
        torch.save({"_orig_mod.module." + k: v for k, v in sd.items()}, p("compiled.pt"))
        check_file(kc, "torch.compile '_orig_mod.' prefix", p("compiled.pt"),
                   expected_keys(torch.load(p("compiled.pt"))),
                   prefixes=["_orig_mod.", "_orig_mod.module."])

        params = collections.OrderedDict([("w", torch.nn.Parameter(torch.ones(2, 3))),
                                          ("b", torch.zeros(3))])
        torch.save(params, p("parameters.pt"))
        check_file(kc, "nn.Parameter values are parameters", p("parameters.pt"),
                   expected_keys(torch.load(p("parameters.pt")), kinds={"w": "parameter"}))

        # --- TorchScript (Python torch.jit.save) --------------------------------
        scripted = torch.jit.script(Model())
        torch.jit.save(scripted, p("scripted.pt"))
        js = torch.jit.load(p("scripted.pt"))
        kinds = {n: "parameter" for n, _ in js.named_parameters()}
        kinds.update({n: "buffer" for n, _ in js.named_buffers()})
        check_file(kc, "torch.jit.save TorchScript module", p("scripted.pt"),
                   expected_keys(js.state_dict(), kinds))

        # --- C++ torch::save, written by LibTorch -------------------------------
        subprocess.run([args.driver, "--save-checkpoints", d], check=True)
        for f in ("cpp_module.pt", "cpp_norms.pt", "cpp_tensors.pt"):
            cm = torch.jit.load(p(f))
            kinds = {n: "parameter" for n, _ in cm.named_parameters()}
            kinds.update({n: "buffer" for n, _ in cm.named_buffers()})
            state = cm.state_dict()
            # A C++ archive lists each module's own tensors before its
            # children's, as torch.jit.load's state_dict() does.
            check_file(kc, f"C++ torch::save module ({f})", p(f), expected_keys(state, kinds))
        for f, kind, state_names in (("cpp_sgd.pt", "SGD", {"momentum_buffer"}),
                                     ("cpp_adam.pt", "Adam or AdamW", {"exp_avg", "exp_avg_sq"})):
            rc, out, err = run_manifest(kc, p(f))
            problems = [] if rc == 0 else [f"exit {rc}: {err}"]
            if rc == 0:
                o = json.loads(out)["optimizer"]
                if o["kind"] != kind:
                    problems.append(f"kind {o['kind']}, expected {kind}")
                net_shapes = [list(t.shape) for t in
                              torch.jit.load(p("cpp_module.pt")).parameters()]
                if o["param_groups"] != [len(net_shapes)]:
                    problems.append(f"param_groups {o['param_groups']}, model has {len(net_shapes)}")
                for i, (st, shape) in enumerate(zip(o["state"], net_shapes)):
                    if set(st) != state_names:
                        problems.append(f"param {i}: state {sorted(st)}")
                    for name, v in st.items():
                        if v["shape"] != shape:
                            problems.append(f"param {i} {name}: {v['shape']}, parameter is {shape}")
            report(f"C++ torch::save optimizer ({f})", problems)

        # --- safetensors ------------------------------------------------------
        st = collections.OrderedDict([("embed.weight", torch.ones(10, 4)),
                                      ("head.weight", torch.ones(2, 3, dtype=torch.float16)),
                                      ("steps", torch.zeros((), dtype=torch.int64)),
                                      ("mask", torch.ones(3, dtype=torch.bool))])
        with open(p("model.safetensors"), "wb") as f:
            f.write(safetensors_bytes(st, metadata={"format": "pt"}))
        m = check_file(kc, "safetensors", p("model.safetensors"), expected_keys(st))
        if m is not None and m.get("metadata") != {"format": "pt"}:
            report("safetensors __metadata__ kept", [f"metadata {m.get('metadata')}"])
        else:
            report("safetensors __metadata__ kept", [])
        shard1 = collections.OrderedDict(list(st.items())[:2])
        shard2 = collections.OrderedDict(list(st.items())[2:])
        with open(p("model-00001-of-00002.safetensors"), "wb") as f:
            f.write(safetensors_bytes(shard1))
        with open(p("model-00002-of-00002.safetensors"), "wb") as f:
            f.write(safetensors_bytes(shard2))
        index = {"metadata": {"total_size": 123},
                 "weight_map": {k: ("model-00001-of-00002.safetensors" if k in shard1
                                    else "model-00002-of-00002.safetensors") for k in st}}
        with open(p("model.safetensors.index.json"), "w") as f:
            json.dump(index, f)
        check_file(kc, "sharded safetensors (index.json)", p("model.safetensors.index.json"),
                   expected_keys(st))

        def bad_st(name, fragment, override=None, raw=None):
            path = p(name)
            with open(path, "wb") as f:
                f.write(raw if raw is not None else safetensors_bytes(st, header_override=override))
            check_fails(kc, f"safetensors: {fragment}", path, fragment)

        bad_st("huge-header.safetensors", "over the format's limit of 100000000 bytes",
               raw=struct.pack("<Q", 10**12) + b"{}")
        bad_st("past-end.safetensors", "runs past the end of the file",
               raw=struct.pack("<Q", 5000) + b'{"a": 1}')
        bad_st("offsets.safetensors", "lie outside",
               override=lambda h: h["mask"].update(data_offsets=[0, 10**9]))
        bad_st("size.safetensors", "need",
               override=lambda h: h["embed.weight"].update(shape=[11, 4]))
        bad_st("hole.safetensors", "hole or an overlap",
               override=lambda h: h.pop("head.weight"))
        bad_st("notjson.safetensors", "not valid JSON",
               raw=struct.pack("<Q", 4) + b"{abc")

        # --- our JSON manifest round-trips ---------------------------------------
        rc, out, err = run_manifest(kc, p("ordered.pt"))
        with open(p("golden.json"), "w") as f:
            f.write(out)
        check_file(kc, "JSON manifest reads back as written", p("golden.json"),
                   expected_keys(torch.load(p("ordered.pt"))))
        with open(p("bad.json"), "w") as f:
            f.write('{"version": 1, "keys": [{"name": "a", "shape": [-1], "dtype": "float32"}]}')
        check_fails(kc, "malformed JSON manifest", p("bad.json"), "non-negative integer")
        with open(p("future.json"), "w") as f:
            f.write('{"version": 2, "keys": []}')
        check_fails(kc, "manifest of a newer version", p("future.json"), "version 2")

        # --- what must be refused ---------------------------------------------
        torch.save(sd, p("legacy.pt"), _use_new_zipfile_serialization=False)
        check_fails(kc, "legacy torch.save format", p("legacy.pt"), "legacy")

        marker = p("PWNED")
        hostile_zip(p("hostile.pt"), pickle.dumps(RunsCommand(marker), protocol=2))
        check_fails(kc, "pickle that would run a command", p("hostile.pt"),
                    "refusing global 'posix.system'")
        report("the hostile pickle ran nothing", [f"{marker} exists"] if os.path.exists(marker) else [])
        # A sanity check that the payload is real: Python's own pickle runs it.
        pickle.loads(pickle.dumps(RunsCommand(marker), protocol=2))
        report("the payload does run under Python's pickle (so the test can fail)",
               [] if os.path.exists(marker) else ["the marker was not created"])
        os.remove(marker)

        torch.save(Model(), p("whole-model.pt"))
        check_fails(kc, "torch.save of a whole module", p("whole-model.pt"),
                    "save model.state_dict() instead")

        data = open(p("ordered.pt"), "rb").read()
        for cut in (len(data) // 2, 100):
            with open(p(f"truncated-{cut}.pt"), "wb") as f:
                f.write(data[:cut])
            check_fails(kc, f"truncated checkpoint ({cut} bytes)", p(f"truncated-{cut}.pt"),
                        "not a readable zip archive")

        good = zipfile.ZipFile(p("ordered.pt")).read("ordered/data.pkl")
        hostile_zip(p("cut-pickle.pt"), good[: len(good) // 2])
        check_fails(kc, "pickle cut short inside a valid zip", p("cut-pickle.pt"), "malformed pickle")
        hostile_zip(p("memo.pt"), b"\x80\x02h\x07.")
        check_fails(kc, "memo reference never stored", p("memo.pt"), "never stored")
        hostile_zip(p("mark.pt"), b"\x80\x02" + b"(" * 10 + b"t" * 11 + b".")
        check_fails(kc, "mark abuse", p("mark.pt"), "no MARK")
        hostile_zip(p("opcode.pt"), b"\x80\x02\xff.")
        check_fails(kc, "unknown opcode", p("opcode.pt"), "unsupported opcode 0xff")
        nested = b"\x80\x02" + b"]q\x00" + b"]h\x00aq\x00" * 200000 + b"."
        hostile_zip(p("deep.pt"), nested)
        check_fails(kc, "200,000-deep nesting through the memo", p("deep.pt"),
                    "no dict of tensors")

        with zipfile.ZipFile(p("bomb.pt"), "w", zipfile.ZIP_DEFLATED) as z:
            with z.open("bomb/data.pkl", "w") as f:
                chunk = b"\0" * (1 << 20)
                for _ in range(200):
                    f.write(chunk)
        check_fails(kc, "zip bomb (200 MiB data.pkl from a small file)", p("bomb.pt"),
                    "larger than 128 MiB")

        # Fixed bytes: random ones would now and then look like a header
        # (a '{' at byte 8 reads as safetensors).
        with open(p("random.bin"), "wb") as f:
            f.write(bytes(range(1, 128)) * 32)
        check_fails(kc, "not a checkpoint at all", p("random.bin"), "not a checkpoint format")
        check_fails(kc, "a missing file", p("missing.pt"), "no such file")

    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    sys.exit(1 if RESULTS["failed"] else 0)


if __name__ == "__main__":
    main()
