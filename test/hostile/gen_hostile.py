"""Writes the hostile corpus: files an attacker or an accident can hand
torch-keycheck, each with the command a user would run on it and the
outcome the tool promises (docs/security.md).

    gen_hostile.py OUT_DIR          writes OUT_DIR/<case>/... and OUT_DIR/cases.json

Every file is written byte by byte here (pickles opcode by opcode, zips
with lying directories, safetensors headers, JSON documents, sources), so
the corpus needs no torch. A case is a dict:
    name     unique, also the case's directory under OUT_DIR
    args     the command after the torch-keycheck binary; "{libtorch}" is
             replaced by the LibTorch compile flags
    expect   "error": exit 2, a message naming the file (`names`, default
             the first file argument) and containing each of `says`;
             "ok": exit 0 (or `exit`), stdout containing each of `says`
    json     stdout must parse as JSON (and be valid UTF-8)
    marker   a file a payload would create: it must never exist
Cases run with the case directory as working directory (run_hostile.py).
"""
import json
import os
import struct
import sys
import zipfile

CASES = []
OUT = None


def case(name, args, expect="error", says=(), names=None, **extra):
    c = {"name": name, "args": args, "expect": expect, "says": list(says)}
    if names is not None:
        c["names"] = names
    c.update(extra)
    CASES.append(c)


def path(name, *parts):
    parts = [q for p in parts for q in p.split("/")]
    d = os.path.join(OUT, name, *parts[:-1])
    os.makedirs(d, exist_ok=True)
    return os.path.join(OUT, name, *parts)


def write(name, file, data):
    with open(path(name, file), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# --- Pickle opcodes ---------------------------------------------------------

PROTO2 = b"\x80\x02"


def uni(s):
    b = s.encode("utf-8", "surrogatepass") if isinstance(s, str) else s
    return b"X" + struct.pack("<I", len(b)) + b


def glob(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def binint(i):
    if 0 <= i < 256:
        return b"K" + bytes([i])
    if 0 <= i < 65536:
        return b"M" + struct.pack("<H", i)
    if -(2 ** 31) <= i < 2 ** 31:
        return b"J" + struct.pack("<i", i)
    return b"\x8a\x08" + struct.pack("<q", i)


def tup(*items):
    return b"(" + b"".join(items) + b"t"


def tensor(shape, key="0", storage="FloatStorage", numel=None, stride=None,
           offset=0):
    """_rebuild_tensor_v2(('storage', torch.<storage>, key, 'cpu', numel),
    offset, size, stride, False, OrderedDict()), as torch.save writes it."""
    if numel is None:
        numel = 1
        for d in shape:
            numel *= d
    if stride is None:
        stride, acc = [], 1
        for d in reversed(shape):
            stride.insert(0, acc)
            acc *= d
    pid = tup(uni("storage"), glob("torch", storage), uni(key), uni("cpu"),
              binint(numel))
    return (glob("torch._utils", "_rebuild_tensor_v2") + tup(
        pid + b"Q", binint(offset), tup(*map(binint, shape)),
        tup(*map(binint, stride)), b"\x89",
        glob("collections", "OrderedDict") + b")R") + b"R")


def state_dict(entries):
    """An OrderedDict of name -> pickled value."""
    body = b"".join(uni(k) + v for k, v in entries)
    return glob("collections", "OrderedDict") + b")R(" + body + b"u"


def torch_zip(name, file, pickled, storages=None, archive="archive",
              extra=None, compress=zipfile.ZIP_STORED):
    """A torch.save zip: <archive>/data.pkl, data/<key> storages, version."""
    with zipfile.ZipFile(path(name, file), "w", compress) as z:
        z.writestr(f"{archive}/data.pkl", pickled)
        for key, data in (storages or {}).items():
            z.writestr(f"{archive}/data/{key}", data)
        for entry, data in (extra or {}).items():
            z.writestr(f"{archive}/{entry}", data)
        z.writestr(f"{archive}/version", "3\n")


def manifest(name, file, pickled, storages=None, expect="error", says=(),
             **kw):
    torch_zip(name, file, pickled, storages, **{k: v for k, v in kw.items()
                                               if k in ("archive", "extra",
                                                        "compress")})
    case(name, ["manifest", file] + kw.get("more", []), expect, says,
         **{k: v for k, v in kw.items()
            if k in ("json", "marker", "names", "timeout")})


def payload(name, pickled_call, marker="PWNED"):
    """A pickle whose REDUCE would create a marker file if run."""
    manifest(name, "x.pt", PROTO2 + pickled_call + b".", says=["nothing was executed"],
             marker=marker)


def gen_pickles():
    touch = tup(uni("touch PWNED"))
    payload("pickle-os-system", glob("os", "system") + touch + b"R")
    payload("pickle-posix-system", glob("posix", "system") + touch + b"R")
    payload("pickle-eval", glob("builtins", "eval") +
            tup(uni("open('PWNED','w')")) + b"R")
    payload("pickle-exec-stack-global", uni("builtins") + uni("exec") +
            b"\x93" + tup(uni("open('PWNED','w')")) + b"R")
    payload("pickle-subprocess", glob("subprocess", "Popen") +
            tup(b"]" + uni("touch") + b"a" + uni("PWNED") + b"a") + b"R")
    payload("pickle-getattr", glob("builtins", "getattr") +
            tup(glob("os", "path"), uni("exists")) + b"R")
    payload("pickle-apply-via-torch", glob("torch", "load") +
            tup(uni("other.pt")) + b"R")
    payload("pickle-numpy", glob("numpy.core.multiarray", "_reconstruct") +
            tup() + b"R")
    payload("pickle-globals-in-state-dict",
            state_dict([("w", glob("os", "system") + touch + b"R")]))
    # Opcodes torch.save never writes: refused, never interpreted.
    for op, label in ((b"i", "inst"), (b"o", "obj"), (b"P", "persid"),
                      (b"\x82", "ext1"), (b"\x96", "bytearray8"),
                      (b"\x97", "next-buffer"), (b"c", "global-no-newline")):
        manifest(f"pickle-opcode-{label}", "x.pt",
                 PROTO2 + b"(" + op + b"os\nsystem" * (op == b"c") + b".",
                 says=["malformed pickle"] if op != b"i" else ["pickle"])
    manifest("pickle-truncated", "x.pt",
             PROTO2 + state_dict([("w", tensor([2]))])[:-7], {"0": b"\0" * 8},
             says=["truncated"])
    manifest("pickle-empty", "x.pt", b"", says=["pickle"])
    manifest("pickle-stop-only", "x.pt", b".", says=["empty stack"])
    manifest("pickle-memo-missing", "x.pt", PROTO2 + b"h\x07.",
             says=["never stored"])
    manifest("pickle-pop-mark", "x.pt", PROTO2 + b"(0.", says=["malformed"])
    manifest("pickle-protocol-9", "x.pt", b"\x80\x09}.", says=["protocol"])
    manifest("pickle-string-2-60", "x.pt", PROTO2 + b"\x8d" +
             struct.pack("<Q", 1 << 60) + b"x.", says=["bytes"])
    manifest("pickle-long4", "x.pt", PROTO2 + b"\x8b" + struct.pack("<I", 1 << 30),
             says=["64 bits"])
    manifest("pickle-marks-1m", "x.pt", PROTO2 + b"(" * 1_100_000 + b".",
             says=["MARK"], compress=zipfile.ZIP_DEFLATED)
    manifest("pickle-stack-2m", "x.pt", PROTO2 + b"N" + b"2" * 2_000_000 + b".",
             says=["stack"], compress=zipfile.ZIP_DEFLATED)
    # 20 million Nones from a small (deflated) file: values are bounded in
    # memory, not only in count.
    manifest("pickle-20m-none", "x.pt", PROTO2 + b"](" + b"N" * 20_000_000 + b"e.",
             says=["pickle"], compress=zipfile.ZIP_DEFLATED)
    # BUILD of a 1M-entry dict, 3,000 times, onto one object.
    many = (PROTO2 + glob("__torch__", "M") + b")\x81" +
            b"}r\x00\x00\x00\x00" + b"(" + b"".join(binint(i) + b"N" for i in range(200_000)) +
            b"u0" + b"j\x00\x00\x00\x00b" * 3000 + b".")
    torch_zip("pickle-build-3000x", "x.pt", many, compress=zipfile.ZIP_DEFLATED,
              extra={"constants.pkl": PROTO2 + b").", "code/__torch__.py": ""})
    case("pickle-build-3000x", ["manifest", "x.pt"], "error", ["pickle"])
    # A dict whose 30 keys all point at itself: the search for state dicts
    # visits it once.
    selfref = PROTO2 + b"}q\x00(" + b"".join(uni(f"k{i}") + b"h\x00" for i in range(30)) + b"u."
    manifest("walk-self-referential-dict", "x.pt", selfref, says=["no dict of tensors"])
    # 8 levels of 60 keys each sharing the next level: 60^8 paths.
    p = PROTO2
    for level in range(8, 0, -1):
        p += b"}r" + struct.pack("<I", level) + b"("
        if level < 8:
            p += b"".join(uni(f"k{i}") + b"j" + struct.pack("<I", level + 1)
                          for i in range(60))
        else:
            p += uni("x") + binint(1)
        p += b"u"
        if level > 1:
            p += b"0"
    p += b"."
    manifest("walk-shared-levels", "x.pt", p, says=["no dict of tensors"])
    # An optimizer state dict whose param list names one state 1M times.
    state = (b"}(" + binint(0) + b"}(" + b"".join(
        uni(f"s{i}") + tensor([1], key=str(i)) for i in range(50)) + b"uu")
    # APPENDS in batches of 1,000, as pickle writes long lists.
    params = b"]" + (b"(" + binint(0) * 1000 + b"e") * 1000
    opt = (PROTO2 + b"}(" + uni("state") + state + uni("param_groups") + b"](" +
           b"}(" + uni("params") + params + uni("lr") + binint(1) + b"u" + b"e" +
           b"u.")
    manifest("walk-optimizer-1m-refs", "x.pt", opt, {str(i): b"\0" * 4 for i in range(50)},
             says=["more than"], compress=zipfile.ZIP_DEFLATED)
    # Tensors that are not what they claim.
    manifest("tensor-negative-dim", "x.pt", PROTO2 + state_dict([("w", tensor([-3], numel=0))]) + b".",
             {"0": b""}, says=["non-negative"])
    manifest("tensor-dim-2-63", "x.pt",
             PROTO2 + state_dict([("w", tensor([2 ** 63 - 1 + 0], numel=1))]) + b".",
             {"0": b"\0" * 4}, says=["storage"])
    manifest("tensor-65-dims", "x.pt", PROTO2 + state_dict([("w", tensor([1] * 65))]) + b".",
             {"0": b"\0" * 4}, says=["dimensions"])
    manifest("tensor-storage-missing", "x.pt", PROTO2 + state_dict([("w", tensor([2, 2]))]) + b".",
             {}, says=["data/0"])
    manifest("tensor-storage-too-small", "x.pt",
             PROTO2 + state_dict([("w", tensor([10, 10]))]) + b".",
             {"0": b"\0" * 8}, says=["data/0", "400"])
    manifest("tensor-view-past-storage", "x.pt",
             PROTO2 + state_dict([("w", tensor([10], numel=4, offset=2))]) + b".",
             {"0": b"\0" * 16}, says=["storage"])
    manifest("tensor-unknown-storage", "x.pt",
             PROTO2 + state_dict([("w", tensor([2], storage="QInt8Storage"))]) + b".",
             {"0": b"\0" * 2}, says=["QInt8Storage"])
    manifest("tensor-quantized", "x.pt", PROTO2 + state_dict(
        [("w", glob("torch._utils", "_rebuild_qtensor") + tup() + b"R")]) + b".",
        says=["not supported"])
    manifest("whole-model-pickled", "x.pt", PROTO2 + glob("__main__", "Net") + b")\x81.",
             says=["state_dict()"])
    manifest("state-dict-duplicate-key", "x.pt", PROTO2 + state_dict(
        [("w", tensor([1])), ("w", tensor([1]))]) + b".", {"0": b"\0" * 4},
        says=["twice"])
    manifest("state-dict-root-int", "x.pt", PROTO2 + binint(5) + b".",
             says=["no dict of tensors"])
    manifest("reduce-storage-type", "x.pt", PROTO2 + glob("torch", "FloatStorage") +
             tup() + b"R.", says=["not callable"])
    manifest("setitem-on-list", "x.pt", PROTO2 + b"]" + uni("a") + b"Ns.",
             says=["not a dict"])
    manifest("newobj-ordered-dict", "x.pt", PROTO2 + glob("collections", "OrderedDict") +
             b")\x81.", says=["TorchScript"])
    # A real torch.save({'\ud800': t}): torch.load reads it; the JSON
    # writer must not abort on the lone surrogate.
    manifest("utf8-surrogate-key", "x.pt", PROTO2 + b"}(" + uni("\ud800") +
             tensor([1]) + uni("caf\xe9") + tensor([1], key="1") + b"u.",
             {"0": b"\0" * 4, "1": b"\0" * 4}, expect="ok",
             says=['"name": "\ufffd'], more=["--format", "json"], json=True)
    manifest("utf8-invalid-bytes-text", "x.pt", PROTO2 + b"}(" + b"C\x02\xff\xfe" +
             tensor([1]) + b"u.", {"0": b"\0" * 4}, expect="ok", says=["1 key"])


def raw_zip(entries):
    """A deflated zip written by hand, each distinct payload compressed
    once (400 entries of 16 MiB take a second, not a minute)."""
    import zlib
    out, central, done = bytearray(), bytearray(), {}
    for name, data in entries:
        key = id(data)
        if key not in done:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            done[key] = (c.compress(data) + c.flush(), zlib.crc32(data), len(data))
        comp, crc, size = done[key]
        n = name.encode()
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0, crc, len(comp),
                           size, len(n), 0) + n + comp
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0, crc,
                               len(comp), size, len(n), 0, 0, 0, 0, 0, off) + n
    end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, len(entries), len(entries),
                      len(central), len(out), 0)
    return bytes(out + central + end)


def gen_torchscript():
    # 40 objects in a chain, each naming the next twice: 2^40 paths.
    p = PROTO2
    n = 40
    for i in range(n, 0, -1):
        p += glob("__torch__", "M") + b")\x81" + b"}("
        if i < n:
            p += uni("a") + b"j" + struct.pack("<I", i + 1) + uni("b") + b"j" + struct.pack("<I", i + 1)
        p += b"ub" + b"r" + struct.pack("<I", i)
        if i > 1:
            p += b"0"
    p += b"."
    torch_zip("torchscript-dag-2-40", "x.pt", p,
              extra={"constants.pkl": PROTO2 + b").", "code/__torch__.py": "class M(Module):\n  __parameters__ = []\n"})
    case("torchscript-dag-2-40", ["manifest", "x.pt"], "error", ["more than"])
    # 400 code/*.py entries of 16 MiB each, deflated to a few MB.
    name = "zip-code-amplification"
    blob = b"#" * ((16 << 20) - 1024)
    entries = [("archive/data.pkl", PROTO2 + glob("__torch__", "M") + b")\x81}b."),
               ("archive/constants.pkl", PROTO2 + b").")]
    entries += [(f"archive/code/__torch__/m{i}.py", blob) for i in range(400)]
    entries.append(("archive/version", b"3\n"))
    write(name, "x.pt", raw_zip(entries))
    case(name, ["manifest", "x.pt"], "error", ["MiB"])
    torch_zip("torchscript-deep-objects", "x.pt",
              PROTO2 + (glob("__torch__", "M") + b")\x81}(" + uni("c")) * 300 +
              (glob("__torch__", "M") + b")\x81}b") + b"ub" * 300 + b".",
              extra={"constants.pkl": PROTO2 + b").", "code/__torch__.py": ""})
    case("torchscript-deep-objects", ["manifest", "x.pt"], "error", ["deeper than"])
    torch_zip("torchscript-root-list", "x.pt", PROTO2 + b"].",
              extra={"constants.pkl": PROTO2 + b")."})
    case("torchscript-root-list", ["manifest", "x.pt"], "error", ["not an object"])


def gen_zips():
    write("zip-truncated", "x.pt", b"PK\x03\x04" + b"\0" * 26)
    case("zip-truncated", ["manifest", "x.pt"], "error", ["zip"])
    torch_zip("zip-half", "full.pt", PROTO2 + state_dict([("w", tensor([1]))]) + b".",
              {"0": b"\0" * 4})
    data = open(path("zip-half", "full.pt"), "rb").read()
    write("zip-half", "x.pt", data[: len(data) // 2])
    case("zip-half", ["manifest", "x.pt"], "error", ["zip"])
    name = "zip-no-data-pkl"
    with zipfile.ZipFile(path(name, "x.pt"), "w") as z:
        z.writestr("archive/other.pkl", PROTO2 + b"}.")
    case(name, ["manifest", "x.pt"], "error", ["data.pkl"])
    # A data.pkl of 300 MB of zeros, deflated: refused at the entry limit.
    torch_zip("zip-pickle-bomb", "x.pt", b"\0" * (300 << 20), compress=zipfile.ZIP_DEFLATED)
    case("zip-pickle-bomb", ["manifest", "x.pt"], "error", ["MiB"])
    # The central directory claims a small size; the data inflates further.
    name = "zip-lying-size"
    torch_zip(name, "x.pt", PROTO2 + b"}" + b"N0" * 50000 + b".", compress=zipfile.ZIP_DEFLATED)
    raw = bytearray(open(path(name, "x.pt"), "rb").read())
    cd = raw.rfind(b"PK\x01\x02")
    while cd >= 0:
        fname_len = struct.unpack_from("<H", raw, cd + 28)[0]
        if raw[cd + 46: cd + 46 + fname_len].endswith(b"data.pkl"):
            struct.pack_into("<I", raw, cd + 24, 10)
        cd = raw.rfind(b"PK\x01\x02", 0, cd)
    write(name, "x.pt", bytes(raw))
    case(name, ["manifest", "x.pt"], "error", ["zip"])
    name = "zip-encrypted-flag"
    torch_zip(name, "x.pt", PROTO2 + b"}.")
    raw = bytearray(open(path(name, "x.pt"), "rb").read())
    struct.pack_into("<H", raw, 6, 1)
    cd = raw.find(b"PK\x01\x02")
    struct.pack_into("<H", raw, cd + 8, 1)
    write(name, "x.pt", bytes(raw))
    case(name, ["manifest", "x.pt"], "error", ["zip"])
    write("zip-legacy-tar", "x.pt", b"\0" * 257 + b"ustar" + b"\0" * 300)
    case("zip-legacy-tar", ["manifest", "x.pt"], "error", ["legacy"])
    write("file-empty", "x.pt", b"")
    case("file-empty", ["manifest", "x.pt"], "error", ["not a checkpoint"])
    write("file-random", "x.pt", os.urandom(4096).replace(b"{", b"(").replace(b"PK", b"pk"))
    case("file-random", ["manifest", "x.pt"], "error", ["not a checkpoint"])
    os.makedirs(path("file-directory", "x.pt", "inner"), exist_ok=True)
    case("file-directory", ["manifest", "x.pt"], "error", ["not a regular file"])
    case("file-fifo", ["manifest", "x.pt"], "error", ["not a regular file"],
         fifo=["x.pt"])
    case("file-dev-zero", ["manifest", "/dev/zero"], "error", ["not a regular file"],
         names="/dev/zero")
    case("file-missing", ["manifest", "nothere.pt"], "error", ["nothere.pt"])


def st_bytes(header, data=b"", raw_header=None):
    h = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


def safetensors(name, data, expect="error", says=(), file="x.safetensors", **kw):
    write(name, file, data)
    case(name, ["manifest", file] + kw.pop("more", []), expect, says, **kw)


def gen_safetensors():
    # A valid file whose header length is 123: its first byte is '{'.
    hdr = {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    raw = json.dumps(hdr).encode()
    raw += b" " * (123 - len(raw))
    safetensors("st-length-starts-with-brace", st_bytes(None, b"\0" * 8, raw), "ok",
                ["w", "[2]", "float32"])
    safetensors("st-header-100000001", struct.pack("<Q", 100_000_001) + b"{}",
                says=["limit of 100000000 bytes"])
    safetensors("st-header-2-64", struct.pack("<Q", 2 ** 64 - 1) + b"{}",
                says=["header"])
    safetensors("st-header-past-end", struct.pack("<Q", 5000) + b'{"a":1}',
                says=["past the end"])
    safetensors("st-header-not-json", st_bytes(None, raw_header=b"{not json"),
                says=["JSON"])
    safetensors("st-header-array", st_bytes(None, raw_header=b"[1,2]   "),
                says=["not a JSON object"])
    safetensors("st-unknown-dtype", st_bytes({"w": {"dtype": "F128", "shape": [1],
                                                     "data_offsets": [0, 16]}}, b"\0" * 16),
                says=["F128"])
    safetensors("st-negative-shape", st_bytes({"w": {"dtype": "F32", "shape": [-1],
                                                      "data_offsets": [0, 0]}}),
                says=["non-negative"])
    safetensors("st-dim-2-63", st_bytes({"w": {"dtype": "U8", "shape": [2 ** 63 + 5],
                                                "data_offsets": [0, 0]}}),
                says=["2^63"])
    safetensors("st-dims-product-overflow", st_bytes(
        {"w": {"dtype": "F32", "shape": [2 ** 40, 2 ** 40, 2 ** 40], "data_offsets": [0, 4]}},
        b"\0" * 4), says=["more"])
    safetensors("st-offsets-outside", st_bytes({"w": {"dtype": "F32", "shape": [1],
                                                       "data_offsets": [0, 400]}}, b"\0" * 4),
                says=["outside"])
    safetensors("st-offsets-reversed", st_bytes({"w": {"dtype": "F32", "shape": [1],
                                                        "data_offsets": [4, 0]}}, b"\0" * 4),
                says=["data_offsets"])
    safetensors("st-overlap", st_bytes({
        "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
        "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4),
        says=["overlap"])
    safetensors("st-hole", st_bytes({"a": {"dtype": "F32", "shape": [1],
                                           "data_offsets": [4, 8]}}, b"\0" * 8),
                says=["hole"])
    safetensors("st-metadata-not-strings", st_bytes({"__metadata__": {"a": 1}}),
                says=["__metadata__"])
    safetensors("st-deep-json", st_bytes(None, raw_header=b'{"a":' + b"[" * 200_000 +
                                         b"]" * 200_000 + b"}"), says=["deeper than"])
    safetensors("st-invalid-utf8-name", st_bytes(None, raw_header=b'{"\xff\xfe": {}}'),
                says=["JSON"])
    safetensors("st-too-short", b"\x05\0\0", says=["too short"])
    many = {f"t{i}": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}
            for i in range(200_000)}
    safetensors("st-200k-empty-tensors", st_bytes(many), "ok", ["200000 keys"])
    case("st-fifo", ["manifest", "x.safetensors"], "error", ["not a regular file"],
         fifo=["x.safetensors"])


def index(name, weight_map, metadata=None, shards=None, raw=None,
          expect="error", says=(), **kw):
    doc = {"weight_map": weight_map}
    if metadata is not None:
        doc["metadata"] = metadata
    write(name, "model.safetensors.index.json",
          raw if raw is not None else json.dumps(doc))
    for f, data in (shards or {}).items():
        write(name, f, data)
    case(name, ["manifest", "model.safetensors.index.json"], expect, says, **kw)


def gen_sharded():
    good = st_bytes({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4)
    index("index-good", {"w": "a.safetensors"}, shards={"a.safetensors": good},
          expect="ok", says=["1 key"])
    deep = (b'{"metadata": {"x": ' + b"[" * 1_000_000 + b"]" * 1_000_000 +
            b'}, "weight_map": {}}')
    index("index-deep-metadata", {}, raw=deep, says=["deep"])
    index("index-nul-in-shard", {"w": "a.safetensors\u0000.txt"},
          shards={"a.safetensors": good}, says=["NUL"])
    index("index-parent-shard", {"w": "../a.safetensors"}, says=["outside"])
    index("index-absolute-shard", {"w": "/etc/passwd"}, says=["outside"])
    index("index-dotdot", {"w": ".."}, says=["outside"])
    index("index-missing-shard", {"w": "gone.safetensors"}, says=["gone.safetensors"])
    index("index-shard-not-holding", {"v": "a.safetensors"}, shards={"a.safetensors": good},
          says=["does not hold"])
    index("index-weight-map-list", [], says=["weight_map"])
    index("index-not-json", None, raw="{", says=["JSON"])
    index("index-shard-fifo", {"w": "a.safetensors"}, says=["not a regular file"],
          fifo=["a.safetensors"])
    index("index-shard-directory", {"w": "d.safetensors"}, says=["not a regular file"],
          mkdir=["d.safetensors"])
    index("index-shard-bad", {"w": "a.safetensors"}, shards={"a.safetensors": b"\1"},
          says=["a.safetensors"])
    index("index-metadata-huge-dump", {"w": "a.safetensors"},
          metadata={"x": [[1] * 1000] * 1000}, shards={"a.safetensors": good},
          expect="ok", says=["1 key"])


def manifest_json(name, doc, says=(), expect="error", raw=None, **kw):
    write(name, "m.json", raw if raw is not None else json.dumps(doc))
    case(name, ["manifest", "m.json"] + kw.pop("more", []), expect, says, **kw)


def gen_json_manifests():
    key = {"name": "w", "shape": [1], "dtype": "float32"}
    manifest_json("json-version-2-32-plus-1", {"version": 4294967297, "keys": [key]},
                  ["4294967297"])
    manifest_json("json-version-negative", {"version": -1, "keys": [key]}, ["version"])
    manifest_json("json-dim-2-63", {"version": 1, "keys": [dict(key, shape=[2 ** 63])]},
                  ["2^63"])
    manifest_json("json-dim-negative", {"version": 1, "keys": [dict(key, shape=[-1])]},
                  ["non-negative"])
    manifest_json("json-keys-object", {"version": 1, "keys": {}}, ["keys"])
    manifest_json("json-deep", None, ["JSON"], raw="[" * 500_000 + "]" * 500_000)
    manifest_json("json-deep-object", None, ["deep"],
                  raw='{"version": 1, "keys": [], "x": ' + "[" * 500_000 + "]" * 500_000 + "}")
    manifest_json("json-lone-surrogate", None, ["JSON"],
                  raw='{"version": 1, "keys": [{"name": "\\ud800", "shape": [], "dtype": "f"}]}')
    manifest_json("json-kind-bogus", {"version": 1, "keys": [dict(key, kind="weights")]},
                  ["kind"])
    manifest_json("json-dup-keys", {"version": 1, "keys": [key, key]}, ["repeats"])


def gen_project():
    """Project files, goldens, compile databases, configurations: a cloned
    repository's files must not write outside it or block."""
    src = ('#include <torch/torch.h>\n'
           'struct NetImpl : torch::nn::Module {\n'
           '  NetImpl() { fc = register_module("fc", torch::nn::Linear(2, 3)); }\n'
           '  torch::nn::Linear fc{nullptr};\n};\nTORCH_MODULE(Net);\n')

    def project(name, doc, golden=None, raw=None):
        write(name, "net.h", src)
        write(name, ".torch-keycheck.json", raw if raw is not None else json.dumps(doc))
        if golden:
            for f, data in golden.items():
                write(name, f, data)

    base = {"version": 1, "models": [{"class": "Net", "golden": "golden/net.json"}]}
    project("project-golden-outside", {"version": 1, "models": [
        {"class": "Net", "golden": "../outside/x.json"}]})
    case("project-golden-outside", ["golden", "--update", "net.h", "--", "{libtorch}"],
         "error", ["outside"], names=".torch-keycheck.json", outside="../outside/x.json")
    project("project-golden-absolute", {"version": 1, "models": [
        {"class": "Net", "golden": "/tmp/torch-keycheck-hostile-written.json"}]})
    case("project-golden-absolute", ["golden", "--update", "net.h", "--", "{libtorch}"],
         "error", ["outside"], names=".torch-keycheck.json",
         outside="/tmp/torch-keycheck-hostile-written.json")
    project("project-golden-not-golden", base, {"golden/net.json": "precious, not JSON\n"})
    case("project-golden-not-golden", ["golden", "--update", "net.h", "--", "{libtorch}"],
         "error", ["not a golden manifest"], names="net.json",
         unchanged=["golden/net.json"])
    project("project-golden-symlink-out", base)
    case("project-golden-symlink-out", ["golden", "--update", "net.h", "--", "{libtorch}"],
         "error", ["outside"], names="net.json",
         symlink={"golden": "../outside"}, outside="../outside/net.json")
    project("project-class-empty", {"version": 1, "models": [{"class": ""}]})
    case("project-class-empty", ["golden", "net.h", "--", "{libtorch}"], "error",
         ['"class" is empty'], names=".torch-keycheck.json")
    project("project-not-json", None, raw="{version: 1")
    case("project-not-json", ["golden", "net.h", "--", "{libtorch}"], "error",
         ["not valid JSON"], names=".torch-keycheck.json")
    project("project-deep", None, raw='{"version": 1, "x": ' + "[" * 300_000 + "]" * 300_000 + "}")
    case("project-deep", ["golden", "net.h", "--", "{libtorch}"], "error",
         [".torch-keycheck.json"], names=".torch-keycheck.json")
    project("project-unknown-field", {"version": 1, "modles": []})
    case("project-unknown-field", ["golden", "net.h", "--", "{libtorch}"], "error",
         ["unknown field"], names=".torch-keycheck.json")
    project("project-version-big", {"version": 4294967297, "models": []})
    case("project-version-big", ["golden", "net.h", "--", "{libtorch}"], "error",
         ['"version" must be 1'], names=".torch-keycheck.json")
    write("project-fifo", "net.h", src)
    case("project-fifo", ["golden", "net.h", "--", "{libtorch}"], "error",
         ["not a regular file"], names=".torch-keycheck.json", fifo=[".torch-keycheck.json"])
    project("project-golden-fifo", base)
    case("project-golden-fifo", ["golden", "net.h", "--", "{libtorch}"], "error",
         ["not a regular file"], names="net.json", fifo=["golden/net.json"])
    # Configurations files.
    write("configurations-fifo", "net.h", src)
    case("configurations-fifo", ["keys", "net.h", "--configurations", "c.json", "--", "{libtorch}"],
         "error", ["not a regular file"], names="c.json", fifo=["c.json"])
    write("configurations-not-json", "net.h", src)
    write("configurations-not-json", "c.json", "[{")
    case("configurations-not-json", ["keys", "net.h", "--configurations", "c.json", "--",
                                     "{libtorch}"], "error", ["not valid JSON"], names="c.json")
    # Compile databases.
    def database(name, raw):
        write(name, "net.cpp", src)
        write(name, "build/compile_commands.json", raw)
    database("database-malformed", "[{")
    case("database-malformed", ["check", "-p", "build", "net.cpp"], "error",
         ["not a compilation database"], names="compile_commands.json")
    database("database-empty", "")
    case("database-empty", ["check", "-p", "build", "net.cpp"], "error",
         ["compile_commands.json"], names="compile_commands.json")
    database("database-no-directory", json.dumps([{
        "directory": "/nonexistent/dir", "file": "net.cpp",
        "arguments": ["c++", "-c", "net.cpp"]}]))
    case("database-no-directory", ["check", "-p", "build", "/nonexistent/dir/net.cpp"], "error",
         ["/nonexistent/dir"], names="/nonexistent/dir")
    database("database-wrong-shape", json.dumps({"file": "net.cpp"}))
    case("database-wrong-shape", ["check", "-p", "build", "net.cpp"], "error",
         ["compile_commands.json"], names="compile_commands.json")
    write("database-fifo", "net.cpp", src)
    os.makedirs(path("database-fifo", "build", "x"), exist_ok=True)
    case("database-fifo", ["check", "-p", "build", "net.cpp"], "error",
         ["compile_commands.json"], names="compile_commands.json",
         fifo=["build/compile_commands.json"])


def gen_sources():
    """Sources and defines: the interpreter's budget and the define parser."""
    head = "#include <torch/torch.h>\n"
    loop = (head + "struct NetImpl : torch::nn::Module {\n  NetImpl(int64_t n = 1000000000) {\n"
            "    for (int64_t i = 0; i < n; ++i)\n"
            "      register_module(\"l\" + std::to_string(i), torch::nn::Linear(2, 2));\n"
            "  }\n};\nTORCH_MODULE(Net);\n")
    write("source-billion-loop", "net.cpp", loop)
    case("source-billion-loop", ["keys", "net.cpp", "--class", "Net", "--", "{libtorch}"], "ok",
         ["--max-iterations"])
    write("source-define-huge", "net.cpp", loop)
    case("source-define-huge", ["keys", "net.cpp", "--class", "Net", "--define",
                                "n=99999999999999999999999", "--", "{libtorch}"], "error",
         ["n=99999999999999999999999"], names="n=99999999999999999999999")
    write("source-define-1e999", "net.cpp", loop)
    case("source-define-1e999", ["keys", "net.cpp", "--class", "Net", "--define", "n=1e999",
                                 "--", "{libtorch}"], "error", ["n=1e999"], names="n=1e999")
    write("source-define-empty", "net.cpp", loop)
    case("source-define-empty", ["keys", "net.cpp", "--class", "Net", "--define", "n=",
                                 "--", "{libtorch}"], "error", ["'n='"], names="n=")
    write("source-define-open-list", "net.cpp", loop)
    case("source-define-open-list", ["keys", "net.cpp", "--class", "Net", "--define", "n=[1,",
                                     "--", "{libtorch}"], "error", ["n=[1,"], names="n=[1,")
    spin = (head + "struct NetImpl : torch::nn::Module {\n  NetImpl() {\n"
            "    while (true) { if (std::rand() == 7) break; }\n"
            "    register_module(\"fc\", torch::nn::Linear(2, 2));\n  }\n};\nTORCH_MODULE(Net);\n")
    write("source-while-rand", "net.cpp", spin)
    case("source-while-rand", ["keys", "net.cpp", "--class", "Net", "--", "{libtorch}"], "ok",
         ["unresolved"])
    # Key names and source names that are not UTF-8 in the JSON outputs.
    latin1 = (head + "struct NetImpl : torch::nn::Module {\n  NetImpl() {\n"
              "    register_module(\"caf\xe9\", torch::nn::Linear(2, 2));\n  }\n};\nTORCH_MODULE(Net);\n")
    write("source-latin1-key", "net.cpp", latin1.encode("latin-1"))
    case("source-latin1-key", ["keys", "net.cpp", "--class", "Net", "--format", "json", "--",
                               "{libtorch}"], "ok", ["caf\ufffd.weight"], json=True)
    unregistered = latin1.replace("  }\n};", "    extra = torch::nn::Linear(2, 2);\n  }\n"
                                  "  torch::nn::Linear extra{nullptr};\n};")
    with open(path("source-latin1-file-name", b"n\xe9t.cpp".decode("utf-8", "surrogateescape")),
              "wb") as f:
        f.write(unregistered.encode("latin-1"))
    case("source-latin1-file-name", ["check", "n\udce9t.cpp", "--format", "sarif", "--",
                                     "{libtorch}"], "ok", ["n%E9t.cpp"], json=True, exit=[0, 1])
    write("source-broken", "net.cpp", head + "struct NetImpl : torch::nn::Module { NetImpl() {\n")
    case("source-broken", ["keys", "net.cpp", "--class", "Net", "--", "{libtorch}"], "error",
         ["net.cpp"])
    case("source-missing", ["keys", "gone.cpp", "--class", "Net", "--", "{libtorch}"], "error",
         ["gone.cpp"])
    # Clang reads a device as an empty file: the source holds no model.
    write("source-include-dev-zero", "net.cpp", '#include "/dev/zero"\n')
    case("source-include-dev-zero", ["keys", "net.cpp", "--class", "Net", "--", "{libtorch}"],
         "error", ["no class deriving from torch::nn::Module"], names="in the sources")


def gen_cache():
    """Result-cache entries are trusted only when they read back whole."""
    src = ('#include <torch/torch.h>\n'
           'struct NetImpl : torch::nn::Module {\n'
           '  NetImpl() { fc = register_module("fc", torch::nn::Linear(2, 3)); }\n'
           '  torch::nn::Linear fc{nullptr};\n};\nTORCH_MODULE(Net);\n')
    write("cache-garbage-entries", "net.cpp", src)
    case("cache-garbage-entries", ["check", "net.cpp", "--cache-dir", "cache", "--", "{libtorch}"],
         "ok", [], exit=[0, 1], corrupt_cache="cache", repeat=2)


def main():
    global OUT
    OUT = os.path.abspath(sys.argv[1])
    os.makedirs(OUT, exist_ok=True)
    gen_pickles()
    gen_torchscript()
    gen_zips()
    gen_safetensors()
    gen_sharded()
    gen_json_manifests()
    gen_project()
    gen_sources()
    gen_cache()
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names repeat"
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(CASES, f, indent=1)
    print(f"{len(CASES)} hostile cases in {OUT}")


if __name__ == "__main__":
    main()
