"""FastAPI dependencies: the request's database session (the commit boundary) and its principal."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from codemill.auth.changes import pending_changes
from codemill.auth.principal import Principal
from codemill.auth.service import Authenticator


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


# scope="function": commit before the response is sent, so a client that got a 2xx sees its write.
Session = Annotated[AsyncSession, Depends(db_session, scope="function")]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def database_engine(request: Request) -> AsyncEngine:
    """The process's database engine (its pool figures are metrics)."""
    engine: AsyncEngine = request.app.state.resources.engine
    return engine


Engine = Annotated[AsyncEngine, Depends(database_engine)]
