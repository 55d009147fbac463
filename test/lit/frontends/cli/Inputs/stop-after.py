"""stop-after.py SECONDS COMMAND...: runs COMMAND and sends it SIGTERM after
SECONDS, as Ctrl-C or a timeout would; exits 0 either way (a command done
sooner is done)."""
import subprocess
import sys

proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
try:
    proc.wait(timeout=float(sys.argv[1]))
except subprocess.TimeoutExpired:
    proc.terminate()
    proc.wait()
