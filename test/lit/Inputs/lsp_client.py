"""lsp_client.py: a scripted Language Server Protocol client for the tests
and the benchmark of `torch-keycheck lsp`.

    lsp_client.py SCRIPT -- SERVER [ARGS...]

runs the server in the current directory, plays SCRIPT's steps, and prints
what the server answered in a stable text form for FileCheck. Positions in
scripts and output are 1-based line:column in bytes, as compilers print
them (the client negotiates UTF-8 positions unless a step asks for UTF-16,
and then converts). Steps, one per line ('#' starts a comment):

  initialize [utf-16] [hints] [noprogress]
  open FILE                 didOpen with the file's text on disk
  wait FILE                 wait for FILE's diagnostics of its newest
                            version, and print them
  change FILE L:C-L:C TEXT  an incremental edit; TEXT is a JSON string
  replace FILE OLD NEW      an edit replacing the first OLD (JSON strings)
  write FILE                the document's text to disk (as a save would)
  file PATH TEXT            write TEXT (a JSON string) to PATH
  remove PATH               delete PATH
  save FILE                 didSave
  close FILE
  hover FILE L:C            print the hover
  hover-cancel FILE L:C     a hover, cancelled at once: print its answer
  actions FILE L            print the code actions of line L
  apply FILE L N            apply action N of line L to the document
  hints FILE                print the inlay hints
  watch FILE KIND           didChangeWatchedFiles (created|changed|deleted)
  same-as-cli JSON          the diagnostics published for every file are
                            `check --format json`'s findings in JSON
  show FILE                 print FILE's latest diagnostics, without waiting
  sync                      the publications so far are seen: the next
                            wait for a file takes a later one
  logs                      print the window/logMessage messages so far
  progress                  print the $/progress values so far
  request METHOD PARAMS     a request (PARAMS in JSON); print the answer
  raw TEXT                  TEXT framed as a message as it is; print the
                            answer when one comes (within 10 s)
  shutdown                  shutdown and exit; print the exit code
  exit                      exit without shutdown; print the exit code
"""
import json
import os
import shlex
import subprocess
import sys
import threading
import time

TIMEOUT = float(os.environ.get("LSP_CLIENT_TIMEOUT", "600"))


def uri(path):
    from urllib.parse import quote
    return "file://" + quote(os.path.abspath(path))


def path_of(u):
    from urllib.parse import unquote
    return unquote(u[len("file://"):])


def utf16_units(text):
    return len(text.encode("utf-16-le")) // 2


class Client:
    def __init__(self, command, cwd=None, stderr=None):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, cwd=cwd,
                                     stderr=stderr)
        self.next_id = 0
        self.lock = threading.Condition()
        self.responses = {}
        self.notifications = []  # (time, method, params)
        self.diagnostics = {}  # path -> (version, list)
        self.published = {}  # path -> count of publications
        self.waited = {}  # path -> that count at the last wait
        self.docs = {}  # path -> [text, version]
        self.encoding = "utf-8"
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # -- the wire --------------------------------------------------------
    def _send(self, message):
        body = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self.lock:
                        self.lock.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            message = json.loads(out.read(length))
            with self.lock:
                if "method" in message and "id" in message:
                    # The server's requests: progress tokens, registrations.
                    self._send({"jsonrpc": "2.0", "id": message["id"],
                                "result": None})
                    self.notifications.append(
                        (time.monotonic(), message["method"],
                         message.get("params")))
                elif "method" in message:
                    self.notifications.append(
                        (time.monotonic(), message["method"],
                         message.get("params")))
                    if message["method"] == "textDocument/publishDiagnostics":
                        p = message["params"]
                        path = path_of(p["uri"])
                        self.diagnostics[path] = (p.get("version"),
                                                  p["diagnostics"])
                        self.published[path] = self.published.get(path, 0) + 1
                else:
                    self.responses[message["id"]] = message
                self.lock.notify_all()

    def request(self, method, params):
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                    "params": params})
        return self.next_id

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def response(self, rid):
        deadline = time.monotonic() + TIMEOUT
        with self.lock:
            while rid not in self.responses:
                if self.proc.poll() is not None:
                    sys.exit("the server exited (%d) before answering"
                             % self.proc.returncode)
                left = deadline - time.monotonic()
                if left <= 0:
                    sys.exit("no answer to request %d in %ds" % (rid, TIMEOUT))
                self.lock.wait(left)
            return self.responses.pop(rid)

    def call(self, method, params):
        return self.response(self.request(method, params))

    # -- positions -------------------------------------------------------
    def position(self, path, line, column):
        """1-based line:byte-column -> an LSP position."""
        text = self.docs[path][0] if path in self.docs else open(
            path, encoding="utf-8").read()
        line_text = (text.split("\n") + [""])[line - 1]
        prefix = line_text.encode("utf-8")[:column - 1].decode(
            "utf-8", "replace")
        char = column - 1 if self.encoding == "utf-8" else utf16_units(prefix)
        return {"line": line - 1, "character": char}

    def location(self, path, pos):
        """An LSP position -> 1-based line:byte-column."""
        try:
            text = self.docs[path][0] if path in self.docs else open(
                path, encoding="utf-8").read()
        except OSError:
            text = ""
        line_text = (text.split("\n") + [""] * (pos["line"] + 1))[pos["line"]]
        if self.encoding == "utf-8":
            col = pos["character"]
        else:
            units, col = 0, 0
            for ch in line_text:
                if units >= pos["character"]:
                    break
                units += utf16_units(ch)
                col += len(ch.encode("utf-8"))
        return "%d:%d" % (pos["line"] + 1, col + 1)

    def span(self, path, rng):
        return "%s-%s" % (self.location(path, rng["start"]),
                          self.location(path, rng["end"]))

    # -- documents -------------------------------------------------------
    def open(self, path):
        path = os.path.abspath(path)
        text = open(path, encoding="utf-8").read()
        self.docs[path] = [text, 1]
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(path), "languageId": "cpp", "version": 1,
            "text": text}})

    def edit(self, path, start, end, new_text):
        """Replace byte offsets [start, end) of the document."""
        doc = self.docs[path]
        text = doc[0]

        def pos(offset):
            before = text[:offset]
            line = before.count("\n")
            line_start = before.rfind("\n") + 1
            col = len(before[line_start:].encode("utf-8")) + 1
            return self.position(path, line + 1, col)

        rng = {"start": pos(start), "end": pos(end)}
        doc[0] = text[:start] + new_text + text[end:]
        doc[1] += 1
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri(path), "version": doc[1]},
            "contentChanges": [{"range": rng, "text": new_text}]})

    def offset(self, path, line, column):
        text = self.docs[path][0]
        lines = text.split("\n")
        start = sum(len(l) + 1 for l in lines[:line - 1])
        return start + len(
            lines[line - 1].encode("utf-8")[:column - 1].decode("utf-8"))

    def wait_diagnostics(self, path):
        """The first publication for path since the last wait for it,
        of the document's newest version when it is open."""
        deadline = time.monotonic() + TIMEOUT
        want = self.docs[path][1] if path in self.docs else None
        with self.lock:
            while True:
                got = self.diagnostics.get(path)
                count = self.published.get(path, 0)
                if count > self.waited.get(path, 0) and (
                        want is None or got[0] == want):
                    self.waited[path] = count
                    return got[1]
                if self.proc.poll() is not None:
                    sys.exit("the server exited (%d)" % self.proc.returncode)
                left = deadline - time.monotonic()
                if left <= 0:
                    sys.exit("no diagnostics for %s (version %s) in %ds"
                             % (path, want, TIMEOUT))
                self.lock.wait(left)

    def show(self, path):
        return os.path.relpath(path)

    def print_diagnostics(self, path, diags):
        print("diagnostics %s: %d" % (self.show(path), len(diags)))
        for d in diags:
            sev = {1: "error", 2: "warning", 3: "information",
                   4: "hint"}[d["severity"]]
            print("  %s %s [%s] %s" % (self.span(path, d["range"]), sev,
                                       d.get("code"), d["message"]))
            href = d.get("codeDescription", {}).get("href", "")
            if href:
                print("    href %s" % href)
            for r in d.get("relatedInformation", []):
                rp = path_of(r["location"]["uri"])
                print("    related %s:%s %s" % (
                    self.show(rp), self.location(rp, r["location"]["range"]
                                                 ["start"]), r["message"]))

    def print_actions(self, path, actions):
        for i, a in enumerate(actions):
            print("action %d: %s (%s)" % (i, a["title"], a.get("kind")))
            for u, edits in a.get("edit", {}).get("changes", {}).items():
                ep = path_of(u)
                for e in edits:
                    print("  edit %s %s %s" % (self.show(ep),
                                               self.span(ep, e["range"]),
                                               json.dumps(e["newText"])))

    def apply(self, path, action):
        for u, edits in action["edit"]["changes"].items():
            ep = path_of(u)
            # Last edit first, so earlier offsets hold.
            for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"],
                                                  e["range"]["start"][
                                                      "character"]),
                            reverse=True):
                s, t = e["range"]["start"], e["range"]["end"]
                sl, sc = map(int, self.location(ep, s).split(":"))
                tl, tc = map(int, self.location(ep, t).split(":"))
                self.edit(ep, self.offset(ep, sl, sc), self.offset(ep, tl, tc),
                          e["newText"])


def same_as_cli(client, cli_json):
    """Every finding `check --format json` printed is published at the same
    place with the same check, severity, message and notes, and nothing
    else is."""
    document = json.load(open(cli_json, encoding="utf-8"))
    want = set()
    for f in document["findings"]:
        loc = f["location"]
        notes = tuple((os.path.abspath(n["location"]["file"]),
                       n["location"]["line"], n["location"]["column"],
                       n["message"]) for n in f.get("notes", []))
        want.add((os.path.abspath(loc["file"]), loc["line"], loc["column"],
                  f["check"], f["severity"], f["message"], notes))
    got = set()
    for path, (_, diags) in client.diagnostics.items():
        for d in diags:
            line, col = map(int, client.location(path, d["range"]["start"])
                            .split(":"))
            notes = []
            for r in d.get("relatedInformation", []):
                rp = path_of(r["location"]["uri"])
                nl, nc = map(int, client.location(
                    rp, r["location"]["range"]["start"]).split(":"))
                notes.append((rp, nl, nc, r["message"]))
            sev = {1: "error", 2: "warning", 3: "remark"}[d["severity"]]
            got.add((path, line, col, d["code"], sev, d["message"],
                     tuple(notes)))
    if not want:
        sys.exit("%s: no findings: nothing was compared" % cli_json)
    if want != got:
        sys.exit("the server and the CLI differ:\n  only the CLI: %s\n"
                 "  only the server: %s" % (sorted(want - got),
                                            sorted(got - want)))
    print("same as the CLI: %d findings" % len(want))


def run(script, command):
    client = Client(command)
    for raw in open(script, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith(
            ("change", "replace", "file", "request", "raw")) else raw.strip()
        if not line:
            continue
        words = shlex.split(line) if not line.startswith(
            ("change", "replace", "file", "request", "raw")) \
            else line.split(" ", 3)
        step, args = words[0], words[1:]
        if step == "initialize":
            client.encoding = "utf-16" if "utf-16" in args else "utf-8"
            caps = {"general": {"positionEncodings": [client.encoding]},
                    "window": {"workDoneProgress": "noprogress" not in args},
                    "workspace": {"didChangeWatchedFiles": {
                        "dynamicRegistration": True}}}
            r = client.call("initialize", {
                "processId": os.getpid(), "rootUri": uri(os.getcwd()),
                "capabilities": caps,
                "initializationOptions": {"inlayHints": "hints" in args}})
            res = r["result"]
            print("initialized: %s, encoding %s" % (
                res["serverInfo"]["name"],
                res["capabilities"]["positionEncoding"]))
            client.notify("initialized", {})
        elif step == "open":
            client.open(args[0])
        elif step == "wait":
            path = os.path.abspath(args[0])
            client.print_diagnostics(path, client.wait_diagnostics(path))
        elif step == "change":
            path = os.path.abspath(args[0])
            a, b = args[1].split("-")
            al, ac = map(int, a.split(":"))
            bl, bc = map(int, b.split(":"))
            client.edit(path, client.offset(path, al, ac),
                        client.offset(path, bl, bc), json.loads(args[2]))
        elif step == "replace":
            path = os.path.abspath(args[0])
            old, new = json.loads("[" + args[1] + "," + args[2] + "]") \
                if len(args) == 3 else json.loads("[" + args[1] + "]")
            start = client.docs[path][0].index(old)
            client.edit(path, start, start + len(old), new)
        elif step == "write":
            path = os.path.abspath(args[0])
            open(path, "w", encoding="utf-8").write(client.docs[path][0])
        elif step == "file":
            path, text = line.split(" ", 2)[1:]
            open(path, "w", encoding="utf-8").write(json.loads(text))
        elif step == "remove":
            os.remove(args[0])
        elif step == "save":
            client.notify("textDocument/didSave",
                          {"textDocument": {"uri": uri(args[0])}})
        elif step == "close":
            path = os.path.abspath(args[0])
            client.notify("textDocument/didClose",
                          {"textDocument": {"uri": uri(path)}})
            client.docs.pop(path, None)
        elif step in ("hover", "hover-cancel"):
            path = os.path.abspath(args[0])
            l, c = map(int, args[1].split(":"))
            rid = client.request("textDocument/hover", {
                "textDocument": {"uri": uri(path)},
                "position": client.position(path, l, c)})
            if step == "hover-cancel":
                client.notify("$/cancelRequest", {"id": rid})
            r = client.response(rid)
            if "error" in r:
                print("hover %s: error %d %s" % (args[1], r["error"]["code"],
                                                 r["error"]["message"]))
            elif r["result"] is None:
                print("hover %s: none" % args[1])
            else:
                print("hover %s %s:" % (args[1], client.span(
                    path, r["result"]["range"])))
                for l in r["result"]["contents"]["value"].split("\n"):
                    print("  | " + l)
        elif step in ("actions", "apply"):
            path = os.path.abspath(args[0])
            l = int(args[1])
            line_len = len(client.docs[path][0].split("\n")[l - 1]
                           .encode("utf-8"))
            r = client.call("textDocument/codeAction", {
                "textDocument": {"uri": uri(path)},
                "range": {"start": client.position(path, l, 1),
                          "end": client.position(path, l, line_len + 1)},
                "context": {"diagnostics": []}})
            if step == "actions":
                client.print_actions(path, r["result"])
            else:
                client.apply(path, r["result"][int(args[2])])
                print("applied: %s" % r["result"][int(args[2])]["title"])
        elif step == "hints":
            path = os.path.abspath(args[0])
            n = client.docs[path][0].count("\n") + 1
            r = client.call("textDocument/inlayHint", {
                "textDocument": {"uri": uri(path)},
                "range": {"start": {"line": 0, "character": 0},
                          "end": {"line": n, "character": 0}}})
            for h in r["result"]:
                print("hint %s %s" % (client.location(path, h["position"]),
                                      h["label"]))
        elif step == "watch":
            kind = {"created": 1, "changed": 2, "deleted": 3}[args[1]]
            client.notify("workspace/didChangeWatchedFiles", {
                "changes": [{"uri": uri(args[0]), "type": kind}]})
        elif step == "same-as-cli":
            same_as_cli(client, args[0])
        elif step == "show":
            path = os.path.abspath(args[0])
            with client.lock:
                client.print_diagnostics(
                    path, client.diagnostics.get(path, (None, []))[1])
        elif step == "sync":
            with client.lock:
                client.waited.update(client.published)
        elif step == "logs":
            for _, method, params in client.notifications:
                if method == "window/logMessage":
                    print("log %d: %s" % (params["type"],
                                          params["message"].split("\n")[0]))
        elif step == "progress":
            for _, method, params in client.notifications:
                if method == "$/progress":
                    v = params["value"]
                    print("progress %s %s" % (v["kind"], v.get("message", "")
                                              .split(":")[0]))
        elif step == "request":
            method, params = line.split(" ", 2)[1:]
            r = client.call(method, json.loads(params))
            print("%s: %s" % (method, json.dumps(
                r.get("result") if "result" in r else
                {"error": r["error"]["code"]})))
        elif step == "raw":
            body = line.split(" ", 1)[1].encode("utf-8")
            client.proc.stdin.write(b"Content-Length: %d\r\n\r\n" %
                                    len(body) + body)
            client.proc.stdin.flush()
            deadline = time.monotonic() + 10
            with client.lock:
                while None not in client.responses and \
                        time.monotonic() < deadline:
                    client.lock.wait(deadline - time.monotonic())
                r = client.responses.pop(None, None)
            print("raw: %s" % (json.dumps(r["error"]["code"]) if r else
                               "no answer"))
        elif step == "exit":
            client.notify("exit", None)
            client.proc.stdin.close()
            print("exit code %d" % client.proc.wait(timeout=60))
        elif step == "shutdown":
            r = client.call("shutdown", None)
            print("shutdown: %s" % json.dumps(r.get("result")))
            client.notify("exit", None)
            client.proc.stdin.close()
            print("exit code %d" % client.proc.wait(timeout=60))
        else:
            sys.exit("%s: unknown step '%s'" % (script, step))
        sys.stdout.flush()


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    run(sys.argv[1], sys.argv[3:])
