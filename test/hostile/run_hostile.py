"""Runs torch-keycheck on every case of the hostile corpus (gen_hostile.py)
and holds it to its promise: within a time and a memory limit, exit 2 with
a message naming the file (or the documented outcome), no crash, no
payload's marker file, nothing written outside the scratch directory, no
file that must stay unchanged changed.

    run_hostile.py --keycheck BIN --scratch DIR [--libtorch FLAGS]
                   [--timeout S] [--max-rss-mib N] [--sanitized] [--filter RE]
"""
import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CRASH_SIGNS = ("Sanitizer", "runtime error:", "LLVM ERROR", "terminate called",
               "Stack dump", "Segmentation fault", "Assertion", "Traceback",
               "PLEASE submit a bug report")


def digest(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run_once(argv, cwd, env, timeout, max_as):
    def limit():
        os.setsid()
        if max_as:
            resource.setrlimit(resource.RLIMIT_AS, (max_as, max_as))
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=open(os.path.join(cwd, "..", ".stdout"), "wb"),
                            stderr=open(os.path.join(cwd, "..", ".stderr"), "wb"),
                            preexec_fn=limit)
    hung = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout:
            hung = True
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    with open(os.path.join(cwd, "..", ".stdout"), "rb") as f:
        out = f.read()
    with open(os.path.join(cwd, "..", ".stderr"), "rb") as f:
        err = f.read()
    return code, out, err, elapsed, usage.ru_maxrss // 1024, hung


def prepare(c, case_dir):
    for f in c.get("fifo", []):
        p = os.path.join(case_dir, f)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if not os.path.exists(p):
            os.mkfifo(p)
    for d in c.get("mkdir", []):
        os.makedirs(os.path.join(case_dir, d), exist_ok=True)
    for link, target in c.get("symlink", {}).items():
        p = os.path.join(case_dir, link)
        if not os.path.lexists(p):
            os.symlink(target, p)


def corrupt(cache_dir):
    """Every cache file overwritten: garbage, truncated, JSON of another
    shape, empty."""
    n = 0
    for root, _, files in os.walk(cache_dir):
        for i, f in enumerate(sorted(files)):
            p = os.path.join(root, f)
            size = os.path.getsize(p)
            with open(p, "r+b") as fh:
                if i % 4 == 0:
                    fh.seek(size // 2)
                    fh.write(os.urandom(min(4096, max(1, size // 2))))
                elif i % 4 == 1:
                    fh.truncate(size // 3)
                elif i % 4 == 2:
                    fh.truncate(0)
                    fh.write(b'{"findings": 5, "files": {"x": "y"}}')
                else:
                    fh.truncate(0)
            n += 1
    return n


def check(c, code, out, err, elapsed, rss, hung, args, case_dir, before):
    problems = []
    if hung:
        problems.append(f"still running after {args.timeout} s (killed)")
    if code < 0:
        problems.append(f"killed by signal {-code}")
    text_err = err.decode("utf-8", "replace")
    text_out = out.decode("utf-8", "replace")
    for sign in CRASH_SIGNS:
        if sign in text_err:
            problems.append(f"crash sign {sign!r} in stderr")
            break
    if args.max_rss_mib and rss > args.max_rss_mib:
        problems.append(f"peak memory {rss} MiB over {args.max_rss_mib} MiB")
    if c["expect"] == "error":
        if code != 2 and not hung:
            problems.append(f"exit code {code}, expected 2")
        names = c.get("names")
        if names is None:
            names = next(a for a in c["args"][1:] if not a.startswith("-"))
        if names not in text_err and names.encode("utf-8", "surrogateescape") not in err:
            problems.append(f"the message does not name {names!r}")
        for s in c["says"]:
            if s not in text_err:
                problems.append(f"the message lacks {s!r}")
    else:
        allowed = c.get("exit", [0])
        if code not in allowed and not hung:
            problems.append(f"exit code {code}, expected {allowed}")
        both = text_out + text_err
        for s in c["says"]:
            if s not in both:
                problems.append(f"the output lacks {s!r}")
    if c.get("json") and code in (0, 1):
        try:
            json.loads(out.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            problems.append(f"stdout is not UTF-8 JSON: {e}")
    marker = c.get("marker")
    if marker and os.path.exists(os.path.join(case_dir, marker)):
        problems.append(f"the payload ran: {marker} exists")
    outside = c.get("outside")
    if outside and os.path.lexists(os.path.normpath(os.path.join(case_dir, outside))):
        problems.append(f"wrote outside the project: {outside}")
    for f, d in before.items():
        if not os.path.exists(f) or digest(f) != d:
            problems.append(f"changed {os.path.relpath(f, case_dir)}")
    if problems and (text_err or text_out):
        tail = (text_err or text_out).strip().splitlines()
        problems.append("stderr: " + " | ".join(tail[:3])[:400])
    return problems


def check_migrate(c, argv, case_dir, env, args, max_as, scratch):
    """A checkpoint `manifest` refuses is refused by `migrate` too: exit 2
    naming it, no crash, and no output file, whole or partial."""
    if c["args"][0] != "manifest" or c.get("expect", "error") != "error":
        return []
    ckpt = c["args"][1]
    if ckpt.startswith("/dev/") or not os.path.lexists(os.path.join(case_dir, ckpt)):
        return []
    mapping = os.path.join(scratch, "identity-mapping.json")
    if not os.path.exists(mapping):
        with open(mapping, "w") as f:
            json.dump({"version": 1, "rename": [], "drop": []}, f)
    migrate = [argv[0], "migrate", ckpt, "--mapping", mapping, "-o", "migrated.pt"]
    code, out, err, elapsed, rss, hung = run_once(migrate, case_dir, env,
                                                  args.timeout, max_as)
    err = err.decode("utf-8", "replace") if isinstance(err, bytes) else err
    problems = []
    if hung:
        problems.append("migrate: did not finish in %ds" % args.timeout)
    elif code != 2:
        problems.append("migrate: exit %d, not 2" % code)
    if any(s in err for s in CRASH_SIGNS):
        problems.append("migrate: crashed: " + err[-300:])
    if code == 2 and os.path.basename(ckpt) not in err:
        problems.append("migrate: the message does not name the file: " + err[-200:])
    left = [n for n in os.listdir(case_dir) if n.startswith("migrated.pt")]
    if left:
        problems.append("migrate: left " + ", ".join(left))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keycheck", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--libtorch", default="")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--max-rss-mib", type=int, default=2048)
    ap.add_argument("--sanitized", action="store_true",
                    help="no address-space limit (the sanitizers reserve terabytes)")
    ap.add_argument("--filter", default="")
    args = ap.parse_args()

    scratch = os.path.abspath(args.scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(HERE, "gen_hostile.py"), scratch], check=True)
    with open(os.path.join(scratch, "cases.json")) as f:
        cases = json.load(f)
    os.makedirs(os.path.join(scratch, "outside"), exist_ok=True)
    env = dict(os.environ)
    env.update(HOME=os.path.join(scratch, "home"), TMPDIR=os.path.join(scratch, "tmp"),
               XDG_CACHE_HOME=os.path.join(scratch, "xdg"),
               TORCH_KEYCHECK_CACHE_DIR=os.path.join(scratch, "shared-cache"))
    for d in ("home", "tmp"):
        os.makedirs(os.path.join(scratch, d), exist_ok=True)
    tmp_before = set(os.listdir("/tmp"))
    libtorch = args.libtorch.split()
    # The address space the released binary may take: the memory bound the
    # cases are held to, with room for the mappings of LLVM and LibTorch.
    max_as = None if args.sanitized else (args.max_rss_mib + 2048) << 20

    failed, outcomes = [], {}
    for c in cases:
        if args.filter and not re.search(args.filter, c["name"]):
            continue
        case_dir = os.path.join(scratch, c["name"])
        os.makedirs(case_dir, exist_ok=True)
        prepare(c, case_dir)
        argv = [args.keycheck]
        for a in c["args"]:
            argv += libtorch if a == "{libtorch}" else [a]
        before = {}
        for f in c.get("unchanged", []):
            before[os.path.join(case_dir, f)] = digest(os.path.join(case_dir, f))
        problems = []
        for attempt in range(c.get("repeat", 1)):
            if attempt and c.get("corrupt_cache"):
                if not corrupt(os.path.join(case_dir, c["corrupt_cache"])):
                    problems.append("the first run left no cache to corrupt")
            code, out, err, elapsed, rss, hung = run_once(argv, case_dir, env,
                                                          args.timeout, max_as)
            problems += check(c, code, out, err, elapsed, rss, hung, args, case_dir, before)
        problems += check_migrate(c, argv, case_dir, env, args, max_as, scratch)
        outcome = "hang" if hung else f"exit {code}"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if problems:
            failed.append(c["name"])
            print(f"FAIL {c['name']} ({elapsed:.1f} s, {rss} MiB)")
            for p in problems:
                print(f"     {p}")
        else:
            print(f"ok   {c['name']} ({outcome}, {elapsed:.1f} s, {rss} MiB)")
        sys.stdout.flush()
    new_tmp = sorted(set(os.listdir("/tmp")) - tmp_before)
    leaked = [n for n in new_tmp if "hostile" in n or "PWNED" in n]
    if leaked:
        failed.append("writes in /tmp: " + ", ".join(leaked))
        print("FAIL written outside the scratch directory: " + ", ".join(leaked))
    total = sum(outcomes.values())
    print(f"{total} cases: " + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())) +
          f"; {total - len(failed)} as promised, {len(failed)} not")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
