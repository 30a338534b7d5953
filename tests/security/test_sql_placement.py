"""SQL lives in repositories (`repository.py`, `<part>_repository.py`) and migrations: no statement is built or
executed anywhere else in src/."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "codemill"
STATEMENT_BUILDERS = {"select", "insert", "update", "delete", "text", "union", "union_all", "exists"}
# SQLAlchemy's, and asyncpg's (raw statements on a driver connection).
EXECUTORS = {"execute", "scalar", "scalars", "stream", "stream_scalars", "exec_driver_sql"}
EXECUTORS |= {"fetch", "fetchrow", "fetchval", "executemany"}

# Modules that hold SQL although they are not named repository.py, each with its reason.
ALLOWED = {
    "search/hybrid.py": "the retrieval engine: its hybrid (vector + full-text) queries are its whole job",
    "jobs/queue.py": "the job queue's own procrastinate functions (defer, cancel): the queue is the repository",
    "db/raw.py": "runs the repositories' raw statements on the driver connection (it writes none of its own)",
    "doctor/postgres.py": "`codemill doctor` inspects the database server itself (version, extensions, settings)",
    "integrations/checks_direct.py": "an integration's Test connects to the user's own database (SELECT 1)",
    "db/notifications.py": "keeps the process's LISTEN connection alive (SELECT 1 on a raw asyncpg connection)",
    "db/statements.py": "statements about the database itself: liveness, NOTIFY, commit durability",
    "toolkits/sql.py": "the SQL toolkit runs the user's query against the user's own database",
}


def is_allowed(path: Path) -> bool:
    relative = path.relative_to(SRC).as_posix()
    return (
        path.name == "repository.py"
        or path.name.endswith("_repository.py")  # a domain's second repository (e.g. assistants/mapping_repository)
        or "/repository/" in f"/{relative}"
        or relative.startswith(("db/migrations/", "models/"))  # models: server defaults in table definitions
        or relative in ALLOWED
    )


def sql_uses(path: Path) -> list[str]:
    """`line: what` for each SQLAlchemy statement builder imported or statement executed in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            for alias in node.names:
                if alias.name in STATEMENT_BUILDERS:
                    found.append(f"{node.lineno}: imports {alias.name} from {node.module}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in EXECUTORS:
            receiver = ast.unparse(node.func.value)
            if any(word in receiver.lower() for word in ("session", "conn", "connection", "db")):
                found.append(f"{node.lineno}: {receiver}.{node.func.attr}(...)")
    return found


def test_sql_only_in_repositories() -> None:
    offenders = {
        path.relative_to(SRC).as_posix(): uses
        for path in sorted(SRC.rglob("*.py"))
        if not is_allowed(path) and (uses := sql_uses(path))
    }
    assert offenders == {}, "move these statements into the domain's repository.py:\n" + "\n".join(
        f"  {name}: {'; '.join(uses)}" for name, uses in offenders.items()
    )


def test_allow_list_entries_still_hold_sql() -> None:
    for relative in ALLOWED:
        assert (SRC / relative).is_file() and sql_uses(SRC / relative), f"stale allow-list entry: {relative}"


def test_the_check_sees_a_query(tmp_path: Path) -> None:
    module = tmp_path / "service.py"
    module.write_text("from sqlalchemy import select\nasync def f(session):\n    await session.execute(select(1))\n")
    assert sql_uses(module) == ["1: imports select from sqlalchemy", "3: session.execute(...)"]
