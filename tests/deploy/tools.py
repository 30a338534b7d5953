"""The deploy tools that cannot share the main lock: checkov, in its own virtualenv from pinned requirements.

`python -m tests.deploy.tools` (what `make deploy-tools` runs) creates or refreshes it; the checkov test
calls the same function, so a plain `pytest` from a clean clone also works. A stamp holding the
requirements' hash makes the install happen once per change of the pinned file.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "deploy" / "tools" / "checkov-requirements.txt"
TOOLS_VENV = ROOT / ".venv" / "deploy-tools"
CHECKOV = TOOLS_VENV / "bin" / "checkov"


def _wanted_stamp() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def ensure_checkov() -> Path:
    """Create or refresh the checkov virtualenv; return the checkov executable."""
    stamp = TOOLS_VENV / ".requirements-sha256"
    TOOLS_VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(TOOLS_VENV.parent / ".deploy-tools.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if CHECKOV.exists() and stamp.exists() and stamp.read_text() == _wanted_stamp():
            return CHECKOV
        shutil.rmtree(TOOLS_VENV, ignore_errors=True)
        python = TOOLS_VENV / "bin" / "python"
        uv = Path(sys.executable).parent / "uv"  # the pinned uv of the dev group: much faster than pip
        if uv.is_file():
            venv.EnvBuilder(with_pip=False, clear=True).create(TOOLS_VENV)
            install = [str(uv), "pip", "install", "--quiet", "--python", str(python), "-r", str(REQUIREMENTS)]
        else:
            venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS_VENV)
            install = [str(python), "-m", "pip", "install", "-q", "--no-input", "-r", str(REQUIREMENTS)]
        subprocess.run(install, check=True)
        stamp.write_text(_wanted_stamp())
    return CHECKOV


if __name__ == "__main__":
    path = ensure_checkov()
    print(subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True).stdout.strip())
    sys.exit(0)
