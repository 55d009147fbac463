"""expect-exit.py CODE CMD...: runs CMD, passes its output through, and
fails unless it exits with exactly CODE (lit's `not` only checks non-zero)."""
import subprocess
import sys

want = int(sys.argv[1])
rc = subprocess.run(sys.argv[2:]).returncode
if rc != want:
    sys.stderr.write(f"expect-exit: expected exit code {want}, got {rc}\n")
    sys.exit(1)
