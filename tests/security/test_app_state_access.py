"""Handlers get the process's resources through typed dependencies: `app.state` is read only in them."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "codemill"
APP_STATE = re.compile(r"\bapp\.state\b")

# Besides the `<domain>/dependencies.py` modules: where the app is built (it sets app.state.resources) and
# hands the MCP endpoint its state.
ALLOWED = {"main.py"}


def readers() -> dict[str, list[int]]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if path.name == "dependencies.py" or relative in ALLOWED:
            continue
        lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if APP_STATE.search(line)]
        if lines:
            found[relative] = lines
    return found


def test_app_state_only_in_dependency_modules() -> None:
    assert readers() == {}, "use a typed Depends from a dependencies module instead of request.app.state"


def test_the_allowed_module_still_sets_the_state() -> None:
    assert APP_STATE.search((SRC / "main.py").read_text(encoding="utf-8"))
