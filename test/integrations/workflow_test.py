"""workflow_test.py SOURCE_DIR BIN_DIR: the example GitHub Actions workflow
(examples/ci/github-actions.yml) runs what it says. Its check step's
command is run as written, with torch-keycheck from BIN_DIR, on a small
project whose build/compile_commands.json names a model with a duplicate
registration: the step must fail, and the file the upload step sends must
be valid SARIF 2.1.0 holding that finding."""
import json
import os
import subprocess
import sys
import tempfile

import yaml

source, bin_dir = sys.argv[1], os.path.abspath(sys.argv[2])


def fail(msg):
    sys.exit(f"workflow test: {msg}")


flow = yaml.safe_load(open(os.path.join(source, "examples/ci/github-actions.yml")))
steps = flow["jobs"]["keycheck"]["steps"]
check = next((s for s in steps if "torch-keycheck check" in s.get("run", "")), None)
upload = next((s for s in steps
               if s.get("uses", "").startswith("github/codeql-action/upload-sarif")), None)
if not check or not upload:
    fail("no check step or no upload-sarif step")
if upload["uses"] != "github/codeql-action/upload-sarif@v4":
    fail("use the current upload-sarif (v4; v3 is deprecated)")
install = next((s for s in steps if "install-deps.sh" in s.get("run", "")), None)
if not install or "install-deps.sh --build" not in install["run"]:
    fail("install only what building and running the tool needs (install-deps.sh --build)")
if upload.get("if") != "always()":
    fail("the upload must run when the check fails (if: always())")
if flow.get("permissions", {}).get("security-events") != "write":
    fail("uploading SARIF needs 'security-events: write'")
command = check["run"].strip()
sarif_name = upload["with"]["sarif_file"]
if not command.endswith("> " + sarif_name):
    fail(f"the check writes elsewhere than the uploaded '{sarif_name}'")

with tempfile.TemporaryDirectory() as work:
    os.makedirs(os.path.join(work, "build"))
    model = os.path.join(work, "model.cpp")
    with open(model, "w") as f:
        f.write('#include <torch/torch.h>\n'
                'struct NetImpl : torch::nn::Module {\n'
                '  NetImpl() {\n'
                '    register_module("fc", torch::nn::Linear(4, 8));\n'
                '    register_module("fc", torch::nn::Linear(8, 2));\n'
                '  }\n'
                '};\n')
    with open(os.path.join(work, "build", "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": model,
                    "command": "clang++ -std=c++17 -isystem "
                               "/usr/include/torch/csrc/api/include -c model.cpp"}], f)
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
    run = subprocess.run(["bash", "-e", "-c", command], cwd=work, env=env)
    if run.returncode == 0:
        fail("the check step passed a duplicate registration")
    sarif = os.path.join(work, sarif_name)
    schema = os.path.join(source, "test/lit/Inputs/sarif-schema-2.1.0.json")
    subprocess.run([sys.executable,
                    os.path.join(source, "test/lit/Inputs/validate_sarif.py"),
                    schema, sarif], check=True)
    rules = [r["ruleId"] for r in json.load(open(sarif))["runs"][0]["results"]]
    if "torch-duplicate-key" not in rules:
        fail(f"the SARIF log lacks the finding: {rules}")
print("workflow test: passed")
