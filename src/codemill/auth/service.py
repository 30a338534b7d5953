"""Every authentication path ends here: a bearer token (local or OIDC) or trusted proxy headers → Principal."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.api_keys import service as api_keys
from codemill.audit import service as audit
from codemill.auth import repository
from codemill.auth.cache import AuthCache
from codemill.auth.changes import announce, pending_changes
from codemill.auth.local_tokens import LocalClaims, LocalTokenService, unverified_issuer
from codemill.auth.oidc import OIDCIdentity, OIDCVerifier
from codemill.auth.passwords import needs_rehash, verify_password
from codemill.auth.principal import Principal
from codemill.auth.throttle import LoginThrottle
from codemill.errors import Unauthorized
from codemill.models import RevokedToken, User
from codemill.models.base import utcnow
from codemill.settings import Settings
from codemill.users import repository as users
from codemill.users import service as user_service

log = logging.getLogger(__name__)


class Authenticator:
    """Turns request credentials into a Principal, using the caches and the database on a miss."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        cache: AuthCache,
        local_tokens: LocalTokenService | None,
        oidc: OIDCVerifier | None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.cache = cache
        self.local_tokens = local_tokens
        self.oidc = oidc
        self.throttle = LoginThrottle(settings.login, sessions)
        self._trusted_proxies = [ipaddress.ip_network(n, strict=False) for n in settings.proxy_auth.trusted_proxies]

    # -- entry point ----------------------------------------------------------------------------------
    async def authenticate(self, headers: Mapping[str, str], client_host: str | None) -> Principal:
        """The caller's principal, or 401."""
        if self.settings.proxy_auth.enabled and self._from_trusted_proxy(client_host):
            proxied = headers.get("x-auth-request-access-token")
            if proxied:
                return await self._bearer(proxied)
            email = headers.get("x-auth-request-email")
            if email:
                return await self._proxy_email(email, headers.get("x-auth-request-user"))
        authorization = headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authentication required", help="Send 'Authorization: Bearer <token>'.")
        return await self._bearer(token.strip())

    def _from_trusted_proxy(self, host: str | None) -> bool:
        if host is None:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in net for net in self._trusted_proxies)

    # -- bearer tokens --------------------------------------------------------------------------------
    async def _bearer(self, token: str) -> Principal:
        if api_keys.is_api_key(token):
            return await self._api_key(token)
        cached = self.cache.get_token(token)
        if isinstance(cached, LocalClaims):
            return await self._principal(cached.user_id, issued_at=cached.issued_at)
        if isinstance(cached, str):
            return await self._principal(cached, issued_at=None)
        issuer = unverified_issuer(token)
        if self.local_tokens is not None and issuer == self.local_tokens.issuer:
            claims = self.local_tokens.verify(token)
            async with self.sessions() as session:
                if await session.get(RevokedToken, claims.token_id) is not None:
                    raise Unauthorized("Token has been revoked", help="Log in again.")
            self.cache.put_token(token, claims, claims.expires_at, claims.token_id)
            return await self._principal(claims.user_id, issued_at=claims.issued_at)
        if self.oidc is not None:
            identity = await self.oidc.verify(token)
            user_id = await self._provision_oidc(identity)
            self.cache.put_token(token, user_id, identity.expires_at)
            return await self._principal(user_id, issued_at=None)
        raise Unauthorized("Invalid token", details="The token was not issued by a trusted issuer.")

    # -- personal API keys (prefixed; looked up on every request, so a revoked key is refused at once) -------
    async def _api_key(self, key: str) -> Principal:
        async with self.sessions() as session, session.begin():
            user_id = await api_keys.verify(session, key)
        return await self._principal(user_id, issued_at=None)

    async def _principal(self, user_id: str, issued_at: float | None) -> Principal:
        principal = self.cache.get_principal(user_id)
        if principal is None:
            async with self.sessions() as session:
                principal = await user_service.load_principal(session, user_id)
            if principal is None:
                raise Unauthorized("Account is deactivated or no longer exists")
            self.cache.put_principal(principal)
        if issued_at is not None and principal.tokens_valid_after and issued_at < int(principal.tokens_valid_after):
            raise Unauthorized("Token is no longer valid", help="Log in again.")
        return principal

    async def _provision_oidc(self, identity: OIDCIdentity) -> str:
        oidc = self.settings.oidc
        is_admin = oidc.admin_role in identity.roles
        async with self.sessions() as session:
            user = await users.get_by_subject(session, "oidc", identity.subject)
            if user is None:
                user = await users.get_by_email(session, identity.email)
                if user is not None:
                    user.subject = identity.subject
            if user is None:
                user = await user_service.create_user(
                    session,
                    email=identity.email,
                    username=identity.username
                    if await users.get_by_username(session, identity.username) is None
                    else identity.email,
                    name=identity.name,
                    is_admin=is_admin,
                    auth_source="oidc",
                    subject=identity.subject,
                )
            elif not user.is_active:
                raise Unauthorized("Account is deactivated")
            else:
                if user.is_admin != is_admin or user.name != identity.name or user.picture != identity.picture:
                    user.is_admin, user.name, user.picture = is_admin, identity.name, identity.picture
                    await announce(session, f"user:{user.id}")
            user.last_login_at = utcnow()
            await user_service.grant_projects(session, user, identity.applications, identity.applications_admin)
            await user_service.ensure_personal_project(session, user)
            await session.commit()
            self.cache.apply(pending_changes(session))
            return user.id

    async def _proxy_email(self, email: str, username: str | None) -> Principal:
        key = f"proxy:{email.lower()}"
        cached = self.cache.get_token(key)
        if isinstance(cached, str):
            return await self._principal(cached, issued_at=None)
        async with self.sessions() as session:
            user = await users.get_by_email(session, email)
            if user is None:
                user = await user_service.create_user(
                    session, email=email, username=username or email, auth_source="proxy"
                )
                await session.commit()
        self.cache.put_token(key, user.id, datetime.now(UTC).timestamp() + 300)
        return await self._principal(user.id, issued_at=None)

    # -- local login ----------------------------------------------------------------------------------
    async def login(self, session: AsyncSession, email: str, password: str, address: str | None) -> tuple[str, User]:
        """Check a local password and issue a token (401 with one message for every failure).

        Throttled per account and per client address (429 while locked out). An unknown email costs the
        same argon2 verification as a known one (against a dummy hash), so timing does not reveal accounts.
        """
        if self.local_tokens is None:
            raise Unauthorized("Local login is not available", help="Sign in through your identity provider.")
        await self.throttle.check(session, email, address)
        user = await users.get_by_email(session, email.strip())
        if not verify_password(user.password_hash if user is not None else None, password) or user is None:
            await self.throttle.failed(email, address)
            raise Unauthorized("Invalid email or password")
        if not user.is_active:
            raise Unauthorized("Account is deactivated")
        await self.throttle.succeeded(session, email)
        if user.password_hash and needs_rehash(user.password_hash):
            await user_service.rehash_password(session, user, password)
        user.last_login_at = utcnow()
        await user_service.ensure_personal_project(session, user)
        await audit.record(
            session,
            audit.UserActor(user),
            audit.Domain.AUTHENTICATION,
            "sign_in",
            entity_type="user",
            entity_id=user.id,
            attributes={"method": "local"},
        )
        return await self.issue(user)

    async def issue(self, user: User) -> tuple[str, User]:
        """A new local token for the user."""
        if self.local_tokens is None:
            raise Unauthorized("Local login is not available")
        token, _ = self.local_tokens.issue(user.id, user.email)
        return token, user

    async def logout(self, session: AsyncSession, token: str) -> None:
        """Revoke a local token until its expiry."""
        if self.local_tokens is None:
            return
        claims = self.local_tokens.verify(token)
        if await repository.revoked_token(session, claims.token_id) is None:
            session.add(RevokedToken(jti=claims.token_id, expires_at=datetime.fromtimestamp(claims.expires_at, UTC)))
            await session.flush()
        await announce(session, f"token:{claims.token_id}")
