"""FastAPI dependencies: the request's database session (the commit boundary) and its principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from codemill.auth.changes import pending_changes
from codemill.auth.principal import Principal
from codemill.auth.service import Authenticator
from codemill.errors import CodemillError
from codemill.kit.outbound import OutboundClient
from codemill.settings import Settings


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: committed after the handler succeeds, rolled back otherwise."""
    resources = request.app.state.resources
    async with resources.sessions() as session:
        yield session
        if session.in_transaction():
            await session.commit()
        changes = pending_changes(session)
        if changes:
            resources.auth_cache.apply(changes)


async def current_principal(request: Request) -> Principal:
    """The authenticated caller (401 otherwise)."""
    authenticator: Authenticator = request.app.state.resources.authenticator
    client = request.client.host if request.client else None
    principal = await authenticator.authenticate(request.headers, client)
    request.state.principal = principal
    return principal


async def app_settings(request: Request) -> Settings:
    """The process's settings."""
    settings: Settings = request.app.state.resources.settings
    return settings


async def optional_principal(request: Request) -> Principal | None:
    """The caller when they sent valid credentials, None for an anonymous caller (public endpoints)."""
    try:
        return await current_principal(request)
    except CodemillError:
        return None


# scope="function": commit before the response is sent, so a client that got a 2xx sees its write.
Session = Annotated[AsyncSession, Depends(db_session, scope="function")]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def database_engine(request: Request) -> AsyncEngine:
    """The process's database engine (its pool figures are metrics)."""
    engine: AsyncEngine = request.app.state.resources.engine
    return engine


async def app_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """The process's session factory (for streaming responses that outlive the request's session)."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.resources.sessions
    return sessions


async def authenticator(request: Request) -> Authenticator:
    """The process's authenticator (local login, tokens, OIDC)."""
    found: Authenticator = request.app.state.resources.authenticator
    return found


async def outbound_client(request: Request) -> OutboundClient:
    """The guarded outbound HTTP client (SSRF guard) for user-steerable requests."""
    client: OutboundClient = request.app.state.resources.outbound
    return client


async def plugin_engine_uri(request: Request) -> str | None:
    """Where users' plugins connect (None while the plugin engine is down)."""
    uri: str | None = request.app.state.resources.plugin_engine_uri
    return uri


AppSettings = Annotated[Settings, Depends(app_settings)]
AppAuthenticator = Annotated[Authenticator, Depends(authenticator)]
Outbound = Annotated[OutboundClient, Depends(outbound_client)]
PluginEngineUri = Annotated[str | None, Depends(plugin_engine_uri)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
Engine = Annotated[AsyncEngine, Depends(database_engine)]
AppSessions = Annotated[async_sessionmaker[AsyncSession], Depends(app_sessions)]
