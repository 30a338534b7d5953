"""Routers parse, authorize and call a service: no router calls a repository function (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "codemill"


def repository_calls(path: Path) -> list[str]:
    """`line: call` for each call of a repository function (types and classes from a repository may be used)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()  # names bound to a repository module
    functions: set[str] = set()  # names bound to a function of a repository module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if node.module.endswith(".repository") or node.module.endswith("repository"):
                    if alias.name[:1].islower():
                        functions.add(alias.asname or alias.name)
                elif alias.name == "repository" or alias.name.endswith("_repository"):
                    modules.add(alias.asname or alias.name)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in functions:
            found.append(f"{node.lineno}: {func.id}()")
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
            and func.attr[:1].islower()
        ):
            found.append(f"{node.lineno}: {func.value.id}.{func.attr}()")
    return found


def test_no_router_calls_a_repository() -> None:
    routers = sorted(SRC.rglob("*router*.py"))
    assert len(routers) > 20
    offenders = {str(p.relative_to(SRC)): calls for p in routers if (calls := repository_calls(p))}
    assert offenders == {}, f"move these into the domain's service: {offenders}"
