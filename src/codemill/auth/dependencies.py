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


def app_settings(request: Request) -> Settings:
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


def app_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """The process's session factory (for streaming responses that outlive the request's session)."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.resources.sessions
    return sessions


def app_authenticator(request: Request) -> Authenticator:
    """The process's authenticator (issues local sign-in tokens)."""
    authenticator: Authenticator = request.app.state.resources.authenticator
    return authenticator


AppSettings = Annotated[Settings, Depends(app_settings)]
AppAuthenticator = Annotated[Authenticator, Depends(app_authenticator)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
Engine = Annotated[AsyncEngine, Depends(database_engine)]
AppSessions = Annotated[async_sessionmaker[AsyncSession], Depends(app_sessions)]
