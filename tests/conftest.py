"""Session-wide real services: PostgreSQL (from the wheel), an OIDC issuer, a live Codemill server.

Anything that cannot start fails the session loudly; nothing is skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from codemie_sdk import CodeMieClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from codemill.db.embedded import EmbeddedPostgres
from codemill.db.engine import make_engine
from codemill.db.migrate import upgrade_to_head
from codemill.plugins import NatsCredentials
from codemill.plugins.embedded import EmbeddedNats
from codemill.settings import Settings
from tests.support.aws import aws_sts  # noqa: F401  (moto, one per test process: a fixture for every folder)
from tests.support.oidc import OIDCIssuer
from tests.support.plugin_nats import nats_env
from tests.support.server import LiveServer, start_server

ROOT = Path(__file__).resolve().parents[1]
ADMIN_EMAIL = "admin@codemill.test"
ADMIN_PASSWORD = "admin-password-123"
SECRET_KEY = "test-secret-key-0123456789abcdef0123456789"
MASTER_KEY = "test-master-key-0123456789abcdef0123456789"
USER_PASSWORD = "user-password-123"


@pytest.fixture(scope="session")
def artifacts_dir(worker_id: str) -> Path:
    """Where tests leave screenshots, logs and reports for people to look at (one folder per xdist worker)."""
    path = ROOT / "test-artifacts" / (worker_id if worker_id != "master" else "")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """One real PostgreSQL with pgvector for the whole session, on a free port."""
    server = EmbeddedPostgres(tmp_path_factory.mktemp("postgres"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(postgres: EmbeddedPostgres) -> str:
    """A migrated database for the session."""
    url = postgres.create_database("codemill_test")
    upgrade_to_head(url)
    return url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the session database."""
    eng = make_engine(database_url, pool_size=5)
    yield eng
    await eng.dispose()


@pytest.fixture
async def db_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose work is rolled back after the test (commits become savepoints)."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        maker = async_sessionmaker(bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint")
        async with maker() as session:
            yield session
        await outer.rollback()


@pytest.fixture(scope="session")
def oidc_issuer() -> Iterator[OIDCIssuer]:
    """A real OIDC issuer on loopback."""
    issuer = OIDCIssuer()
    yield issuer
    issuer.close()


@pytest.fixture(scope="session")
def plugin_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsCredentials]:
    """The live servers' NATS with auth callout: one for all of them, as API replicas share one in production."""
    server = EmbeddedNats(Settings(data_dir=tmp_path_factory.mktemp("plugin-nats")))
    credentials = server.start()
    yield credentials
    server.stop()


@pytest.fixture(scope="session")
def server_env(
    database_url: str,
    oidc_issuer: OIDCIssuer,
    plugin_nats: NatsCredentials,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, str]:
    """Settings shared by the live servers of this session."""
    return {
        "CODEMILL_DATABASE_URL": database_url,
        "CODEMILL_AUTO_MIGRATE": "true",
        "CODEMILL_SECRET_KEY": SECRET_KEY,
        "CODEMILL_DATA_DIR": str(tmp_path_factory.mktemp("data")),
        "CODEMILL_BOOTSTRAP_ADMIN_EMAIL": ADMIN_EMAIL,
        "CODEMILL_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
        # The marketplace seed is checked on its own (tests/assistants/test_marketplace_seed.py); other tests
        # count the assistants they see.
        "CODEMILL_SEED_MARKETPLACE": "false",
        "CODEMILL_OIDC__ISSUER": oidc_issuer.url,
        "CODEMILL_OIDC__AUDIENCE": '["codemill"]',
        "CODEMILL_ALLOW_PRIVATE_NETWORK": "true",
        "CODEMILL_MASTER_KEY": MASTER_KEY,
        # Datasources: index in the server process, with the packaged local model; test repos are served on http.
        "CODEMILL_JOBS__IN_PROCESS": "true",
        "CODEMILL_JOBS__POLLING_SECONDS": "0.5",
        "CODEMILL_EMBEDDINGS__BACKEND": "local",
        "CODEMILL_DATASOURCES__ALLOW_INSECURE_HTTP": "true",
        # Every test connects from 127.0.0.1: failed logins of the whole session must not lock that address out
        # (tests/auth/test_login_defences.py checks the address limit from addresses of its own).
        "CODEMILL_LOGIN__MAX_FAILURES_PER_ADDRESS": "1000000",
        # Plugins: the session's NATS as an external one (servers sharing a data dir must not each start one).
        **nats_env(plugin_nats),
    }


@pytest.fixture(scope="session")
def live_server(server_env: dict[str, str], artifacts_dir: Path) -> Iterator[LiveServer]:
    """`codemill serve` on a free port, shared by the session's API tests."""
    server = start_server(server_env, artifacts_dir / "logs" / "live-server.log")
    yield server
    server.stop()


def sdk_client(server: LiveServer, email: str, password: str) -> CodeMieClient:
    """A CodeMie SDK client logged in through local auth."""
    return CodeMieClient(
        auth_server_url="http://127.0.0.1:1",
        auth_realm_name="codemill",
        codemie_api_domain=server.url,
        username=email,
        password=password,
    )


@pytest.fixture(scope="session")
def admin_client(live_server: LiveServer) -> CodeMieClient:
    """The bootstrap admin, through the SDK."""
    return sdk_client(live_server, ADMIN_EMAIL, ADMIN_PASSWORD)


@dataclass
class TestUser:
    __test__ = False
    """A user made for one test, with an SDK client and a raw HTTP client."""

    id: str
    email: str
    password: str
    client: CodeMieClient
    http: httpx.Client


def unique(prefix: str) -> str:
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_user(live_server: LiveServer, admin_client: CodeMieClient) -> Iterator[Callable[..., TestUser]]:
    """Create users through the admin API; each comes logged in."""
    made: list[TestUser] = []

    def factory(prefix: str = "user", is_admin: bool = False) -> TestUser:
        email = f"{unique(prefix)}@example.com"
        detail = admin_client.admin.create_local_user(
            email=email, username=email, password=USER_PASSWORD, is_admin=is_admin
        )
        client = sdk_client(live_server, email, USER_PASSWORD)
        http = httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {client.token}"}, timeout=30)
        user = TestUser(detail.id, email, USER_PASSWORD, client, http)
        made.append(user)
        return user

    yield factory
    for user in made:
        user.http.close()


@pytest.fixture
def admin_http(live_server: LiveServer, admin_client: CodeMieClient) -> Iterator[httpx.Client]:
    """Raw HTTP as the admin."""
    with httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {admin_client.token}"}, timeout=30
    ) as client:
        yield client
