"""The one typed Settings object. Environment variables are read here and nowhere else."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class OIDCSettings(BaseModel):
    """Bearer tokens from Keycloak or any OIDC issuer."""

    issuer: str | None = None
    audience: list[str] = Field(default_factory=list)
    client_id: str = "codemill"
    jwks_cache_seconds: int = 600
    roles_claim: str = "roles"
    applications_claim: str = "applications"
    applications_admin_claim: str = "applications_admin"
    admin_role: str = "admin"
    # Entra ID across tenants (Keycloak's entra-cross-tenant broker): only tokens whose tenant claim
    # names one of these tenant ids are admitted. Empty: no tenant restriction (single-tenant issuers).
    allowed_tenants: list[str] = Field(default_factory=list)
    tenant_claim: str = "tid"
    allow_insecure_http: bool = False


class ProxyAuthSettings(BaseModel):
    """oauth2-proxy header mode: X-Auth-Request-* headers trusted from these addresses only."""

    enabled: bool = False
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1/32", "::1/128"])


class LocalAuthSettings(BaseModel):
    """Local login (email + password, HS256 JWTs signed by the server)."""

    enabled: bool = True
    token_ttl_seconds: int = 12 * 3600
    issuer: str = "codemill-local"


class LoginSettings(BaseModel):
    """Local login defences: failed logins throttled per account and per client address (counted in
    PostgreSQL, so every replica sees them), and the policy a new password must meet."""

    max_failures_per_account: int = 5
    max_failures_per_address: int = 50
    # Failures are counted within this window; reaching a limit locks the account/address out for lockout_seconds.
    window_seconds: float = 900.0
    lockout_seconds: float = 900.0
    min_password_length: int = 12
    # Refuse passwords found in the list of common leaked passwords (the zxcvbn package's 30,000).
    refuse_common_passwords: bool = True


class UsersSettings(BaseModel):
    """Invitations and self-registration (local accounts)."""

    # Anyone may create an account at POST /v1/auth/register (and the sign-in page offers it).
    self_registration: bool = False
    # An invitation link works once, until this many hours after it was made.
    invitation_ttl_hours: int = 7 * 24
    # The sender of invitation mail; default: the Email integration's user name, else codemill@<public host>.
    mail_from: str | None = None


class NatsSettings(BaseModel):
    """The plugin engine's NATS. Unset url: the embedded default starts one."""

    url: str | None = None
    public_url: str | None = None
    # Accounts of the auth-callout configuration (names in a config-file server).
    plugins_account: str = "PLUGINS"
    auth_account: str = "AUTH"
    # The backend's own user (PLUGINS account), the callout service's user (AUTH account) and a
    # system-account user (revocation kicks, disconnect advisories). Embedded: generated.
    backend_user: str = "codemill"
    backend_password: SecretStr | None = None
    callout_user: str = "codemill-callout"
    callout_password: SecretStr | None = None
    system_user: str | None = "codemill-system"
    system_password: SecretStr | None = None
    # The account nkey seed (`SA…`) that signs the callout's replies; its public key is the
    # server's `auth_callout.issuer`. Embedded: generated.
    callout_issuer_seed: SecretStr | None = None
    # Plugin users' credentials expire after this long; 0 = never. The codemie-plugins CLI (nats-py)
    # closes for good on expiry instead of reconnecting, so revocation kicks connections instead.
    user_jwt_ttl_seconds: int = 0
    call_timeout_seconds: float = 60.0
    list_timeout_seconds: float = 1.0
    # `codemill serve` answers the auth callout too; false when `codemill nats-callout` processes do.
    serve_callout: bool = True
    # Set by `codemill serve --workers N` for its workers: the embedded server is the parent's (one for all).
    shared_embedded: bool = False
    # The embedded server's port; 0 = the port it had last time if still free, else a free one.
    embedded_port: int = 0


class LLMSettings(BaseModel):
    """The LLM gateway: an OpenAI-compatible provider or proxy; the mock model when none is set."""

    base_url: str | None = None
    api_key: SecretStr | None = None
    api_version: str | None = None
    catalogue: Path | None = None
    mock_token_delay_ms: float = 0.0
    timeout_seconds: float = 120.0
    max_retries: int = 3
    # The agent loop: model calls per chat turn, tool output kept (tokens), time a tool may take.
    recursion_limit: int = 25
    tool_output_max_tokens: int = 10_000
    tool_timeout_seconds: float = 120.0
    # A chat message longer than this is refused (413) before any model is called.
    max_message_chars: int = 400_000


class ChatSettings(BaseModel):
    """Chat turns that survive a crash: the question is stored before the model runs, the answer so far
    now and then while it streams; turns silent for too long are marked interrupted."""

    # How often a streaming answer is saved (at most; never per chunk).
    partial_save_seconds: float = 5.0
    # A turn in progress with no save for this long belongs to a dead server: marked interrupted by any
    # server (at start and then every half of this). Above the longest tool call, so a live turn is not marked.
    interrupted_after_seconds: float = 300.0
    # Chat turns using the database at once, per worker process (each step takes a few milliseconds: 4 serve
    # ~250 chats/s; more slots only cost PostgreSQL memory, one backend each). At most CODEMILL_DATABASE_POOL_SIZE.
    database_slots: int = Field(default=4, ge=1)


class EmbeddingsSettings(BaseModel):
    """The embedder: a local ONNX model (embedded default) or an OpenAI-compatible API (production)."""

    # None: "openai" when an LLM proxy is configured, else "local". "hashing" is the in-memory fake.
    backend: Literal["local", "openai", "hashing"] | None = None
    # local: "builtin" (packaged all-MiniLM-L6-v2 int8), a directory with model.onnx + tokenizer.json, or a hub id.
    # openai: the embeddings model name at the proxy.
    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    dimensions: int | None = None
    batch_size: int = 32
    max_tokens: int = 256
    threads: int = 0
    timeout_seconds: float = 60.0


class DatasourceSettings(BaseModel):
    """Indexing limits."""

    max_file_bytes: int = 1_048_576 * 50
    max_files_per_upload: int = 200
    max_repo_file_bytes: int = 1_048_576
    chunk_chars: int = 1200
    chunk_overlap_chars: int = 150
    allow_insecure_http: bool = False
    git_timeout_seconds: float = 600.0
    fetch_page_size: int = 50
    fetch_max_retries: int = 5
    fetch_backoff_seconds: float = 1.0


class ExtractionSettings(BaseModel):
    """Caps on what one uploaded document may inflate to (decompression bombs are refused before parsing)."""

    # Everything a docx/pptx/xlsx (a zip) unpacks to, nested archives included; also each PDF stream.
    max_unpacked_bytes: int = 1_048_576 * 64
    max_entries: int = 10_000
    # Inflated size over compressed size, judged for entries (and archives) past 1 MiB.
    max_ratio: int = 100
    # Archives inside archives (a workbook embedded in a document is one level).
    max_nesting: int = 2
    # The text taken out of one file (any format), and PDF pages read.
    max_text_chars: int = 20_000_000
    max_pdf_pages: int = 5_000


class FilesSettings(BaseModel):
    """Files attached in chats (/v1/files): what one upload may be."""

    max_file_bytes: int = 1_048_576 * 25
    # Files in one /v1/files/bulk request (CodeMie's MAX_FILE_COUNT).
    max_files_per_bulk: int = 10


class WebSearchSettings(BaseModel):
    """The web search provider (a Tavily-style JSON API: POST {query, max_results} -> {results: [{title,
    url, content}]}). The `web_search` tool is offered only while `api_key` is set."""

    url: str = "https://api.tavily.com/search"
    api_key: SecretStr | None = None
    max_results: int = 5


class JobsSettings(BaseModel):
    """Durable background jobs (procrastinate on PostgreSQL)."""

    # None: run workers inside `codemill serve` only in the embedded default.
    in_process: bool | None = None
    queue: str = "indexing"
    concurrency: int = 2
    max_attempts: int = 3
    retry_wait_seconds: float = 2.0
    # A worker's sign of life (one UPDATE), and how long without one makes its jobs someone else's: a killed
    # worker's job resumes within 1.5 x stalled_after_seconds.
    heartbeat_seconds: float = 5.0
    stalled_after_seconds: float = 30.0
    # New jobs and cancellations arrive by LISTEN/NOTIFY at once; the poll is the fallback, and it starts retries
    # whose wait is over. Each poll is a few queries: every second, the idle server's largest CPU use.
    polling_seconds: float = 5.0


class ObservabilitySettings(BaseModel):
    """Prometheus metrics of the processes without an HTTP app, and optional OpenTelemetry traces."""

    # `codemill worker` and `codemill nats-callout` serve /metrics on this port when set (the API and
    # mcp-connect serve /metrics on their own port).
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # OTLP/HTTP endpoint (e.g. http://otel-collector:4318): traces of chat turns, model calls and tool calls.
    # None: no tracing (nothing is exported, no cost).
    otlp_endpoint: str | None = None
    service_name: str = "codemill"


class WorkflowSettings(BaseModel):
    """Workflow executions (they run as jobs on the jobs queue)."""

    # Executions one user may have queued or running at once; more are refused with 429.
    max_running_per_user: int = 10
    # How often a running execution looks for an abort request, and a streamed start for new states.
    poll_seconds: float = 0.5


class AutomationSettings(BaseModel):
    """Webhooks and schedules (docs/automation.md)."""

    # Accepted calls per webhook per minute (counted from its recorded runs, so across replicas); more get 429.
    webhook_calls_per_minute: int = 30
    # Largest webhook body stored with its run (bytes of JSON); larger payloads are refused with 413.
    webhook_max_payload_bytes: int = 256_000
    # Processes that run jobs also look for due schedules this often (false: this process never fires them).
    scheduler_enabled: bool = True
    scheduler_tick_seconds: float = 15.0


def _default_mcp_commands() -> list[str]:
    return ["npx", "uvx", "python -m codemill.mcp.servers.*", "python3 -m codemill.mcp.servers.*"]


class MCPConnectSettings(BaseModel):
    """MCP Connect: the bridge to MCP servers (`codemill mcp-connect`), and how the API reaches it.

    Unset url: `codemill serve` starts the bridge as a child on a free port with a generated token.
    """

    url: str | None = None
    token: SecretStr | None = None
    # `codemill serve` starts its own bridge when no url is set (false: no MCP tools without a url).
    embedded: bool = True
    # stdio servers: a command runs only when an entry allows it. An entry is a command name, then
    # optional glob patterns the leading arguments must match ("python -m codemill.mcp.servers.*").
    allowed_commands: list[str] = Field(default_factory=_default_mcp_commands)
    call_timeout_seconds: float = 60.0
    list_timeout_seconds: float = 30.0
    # Text a tools/call returns at most (characters); the rest is cut with a note.
    max_output_chars: int = 100_000
    # Bridge: idle MCP clients close after this long; a client idle longer than ping_after is pinged
    # before reuse; at most max_clients stay open (the least recently used closes first).
    cache_ttl_seconds: float = 600.0
    ping_after_seconds: float = 30.0
    max_clients: int = 100
    # API: tool lists of a server configuration are kept this long.
    tools_cache_seconds: float = 300.0
    # Routing: X-MCP-Connect-Bucket is a hash of the server configuration modulo this (and replaces
    # {MCP_CONNECT_BUCKET} in the url), so a StatefulSet routes a stdio server to one pod.
    buckets_count: int = 1


class MermaidSettings(BaseModel):
    """Diagram rendering for /v1/files/diagram/mermaid and the assistants' diagram tool.

    url: a Mermaid server speaking mermaid.ink's API (the chart's Mermaid component, or
    `codemill mermaid`). Unset: the local renderer (the `mermaid` package in Chromium via Playwright).
    """

    url: str | None = None
    # The local renderer's browser (Debian's chromium) and mermaid.min.js; unset: found on PATH / in ui/.
    chromium_path: Path | None = None
    script_path: Path | None = None
    timeout_seconds: float = 30.0
    # Diagram source longer than this is refused (413) before anything renders.
    max_code_chars: int = 50_000


class SandboxSettings(BaseModel):
    """The code sandbox (code executor tool, workspace scripts): a separate process, never the API's.

    Each run is a child process in fresh user, network, mount and PID namespaces (no network, the data
    directory and `hidden_paths` hidden) under resource limits (docs/toolkits.md, "Code executor").
    """

    cpu_seconds: int = 10
    memory_mb: int = 512
    wall_seconds: float = 30.0
    file_mb: int = 16
    max_processes: int = 32
    max_open_files: int = 64
    max_output_chars: int = 50_000
    # Paths hidden from sandboxed code besides the data directory (e.g. a directory of secrets).
    hidden_paths: list[Path] = Field(default_factory=list)
    # Python run inside the sandbox; None: the interpreter running Codemill.
    python: Path | None = None


class WorkspaceSettings(BaseModel):
    """Agent workspaces: one file space per conversation."""

    max_file_bytes: int = 1_048_576
    max_files: int = 200
    max_total_bytes: int = 1_048_576 * 20


class Settings(BaseSettings):
    """Codemill's settings: env prefix CODEMILL_, nested groups with `__` (CODEMILL_OIDC__ISSUER)."""

    model_config = SettingsConfigDict(
        env_prefix="CODEMILL_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
    )

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("codemill")))
    database_url: SecretStr | None = None
    database_pool_size: int = 20
    host: str = "127.0.0.1"
    port: int = 8080
    # `codemill serve` worker processes (one event loop each); None = the number of cores.
    workers: int | None = None
    public_url: str | None = None
    log_level: str = "INFO"
    secret_key: SecretStr | None = None
    bootstrap_admin_email: str | None = None
    bootstrap_admin_password: SecretStr | None = None
    # Publish Codemill's prebuilt assistants to the marketplace at start-up (as the bootstrap admin).
    seed_marketplace: bool = True
    max_body_bytes: int = 1_048_576 * 4
    max_upload_bytes: int = 1_048_576 * 100
    # API JSON responses of at least this many bytes are gzipped for clients that accept it (streams never).
    gzip_min_bytes: int = 1024
    ui_dir: Path | None = None
    allow_private_network: bool = False
    # Integration secrets: AES-GCM envelopes under this master key (embedded: generated into the data
    # directory). During a rotation, the old keys stay listed in previous_master_keys (a JSON list).
    master_key: SecretStr | None = None
    previous_master_keys: list[SecretStr] = Field(default_factory=list)
    integration_check_timeout_seconds: float = 15.0
    auto_migrate: bool | None = None

    oidc: OIDCSettings = Field(default_factory=OIDCSettings)
    proxy_auth: ProxyAuthSettings = Field(default_factory=ProxyAuthSettings)
    local_auth: LocalAuthSettings = Field(default_factory=LocalAuthSettings)
    login: LoginSettings = Field(default_factory=LoginSettings)
    users: UsersSettings = Field(default_factory=UsersSettings)
    nats: NatsSettings = Field(default_factory=NatsSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    chat: ChatSettings = Field(default_factory=ChatSettings)
    embeddings: EmbeddingsSettings = Field(default_factory=EmbeddingsSettings)
    datasources: DatasourceSettings = Field(default_factory=DatasourceSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    jobs: JobsSettings = Field(default_factory=JobsSettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)
    workflows: WorkflowSettings = Field(default_factory=WorkflowSettings)
    mcp_connect: MCPConnectSettings = Field(default_factory=MCPConnectSettings)
    automation: AutomationSettings = Field(default_factory=AutomationSettings)
    mermaid: MermaidSettings = Field(default_factory=MermaidSettings)
    files: FilesSettings = Field(default_factory=FilesSettings)
    web_search: WebSearchSettings = Field(default_factory=WebSearchSettings)

    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
    workspaces: WorkspaceSettings = Field(default_factory=WorkspaceSettings)

    @property
    def embedded_database(self) -> bool:
        """True when Codemill starts its own PostgreSQL under the data directory."""
        return self.database_url is None

    @property
    def run_workers_in_process(self) -> bool:
        """Embedded: index in the serve process. Production: `codemill worker` processes (unless set)."""
        return self.jobs.in_process if self.jobs.in_process is not None else self.embedded_database

    @property
    def migrate_on_start(self) -> bool:
        """Embedded: always. External database: only when CODEMILL_AUTO_MIGRATE=true (else `codemill migrate`)."""
        return self.auto_migrate if self.auto_migrate is not None else self.embedded_database

    @cached_property
    def resolved_ui_dir(self) -> Path | None:
        """The built UI: from settings, else ui/dist beside the source tree when present."""
        if self.ui_dir is not None:
            return self.ui_dir
        candidate = Path(__file__).resolve().parents[2] / "ui" / "dist"
        return candidate if (candidate / "index.html").is_file() else None


ENV_PREFIX = "CODEMILL_"


def setting_variables() -> set[str]:
    """Every CODEMILL_* variable Settings reads: fields, groups (as JSON) and group fields (GROUP__FIELD)."""
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        names.add(f"{ENV_PREFIX}{name}".upper())
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseModel):
            names.update(f"{ENV_PREFIX}{name}__{sub}".upper() for sub in group.model_fields)
    return names


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """CODEMILL_* variables in the environment that no setting reads (a typo must not be silent)."""
    known = setting_variables()
    return sorted(name for name in environ if name.upper().startswith(ENV_PREFIX) and name.upper() not in known)
