"""Credential checkers that speak a service's own protocol: SQL databases (PostgreSQL, MySQL/MariaDB: connect and
SELECT 1) and SMTP.

The host is first checked by the outbound guard (private addresses refused unless allowed), then the
connection goes to the checked address, so a name cannot resolve to something else the second time.
"""

from __future__ import annotations

import asyncio
import ipaddress
import smtplib
import socket
import ssl
from typing import Any

import asyncpg

from codemill.integrations.checking import CheckContext, CheckFailed
from codemill.kit.outbound import OutboundFailed, OutboundRefused, Target

_DIALECT_NAMES = {"postgres": "PostgreSQL", "mysql": "MySQL", "mssql": "SQL Server", "influxdb": "InfluxDB"}
_DEFAULT_SMTP_PORT = 587


def _port(raw: Any, default: int, what: str) -> int:
    if raw in (None, ""):
        return default
    try:
        port = int(str(raw).strip())
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise CheckFailed(f"{what}: the port must be a number from 1 to 65535.")
    return port


async def _checked(ctx: CheckContext, host: str, port: int, what: str) -> Target:
    """The guarded target for a host and port (the guard speaks URLs, so one is made for it)."""
    shown = f"[{host}]" if ":" in host else host
    try:
        return await ctx.outbound.check(f"http://{shown}:{port}/")
    except (OutboundRefused, OutboundFailed) as exc:
        raise CheckFailed(f"{what}: {exc}") from exc


async def check_sql(values: dict[str, Any], ctx: CheckContext) -> str:
    """PostgreSQL, MySQL and MariaDB: connect with the credentials and run SELECT 1. Other dialects: not yet."""
    dialect = str(values.get("dialect") or "").strip()
    if dialect not in ("postgres", "mysql"):
        name = _DIALECT_NAMES.get(dialect, dialect or "this")
        raise CheckFailed(
            f"Testing {name} integrations is not supported yet: only PostgreSQL and MySQL/MariaDB can be tested."
        )
    host = str(values.get("url") or "").strip()
    if not host:
        raise CheckFailed("Testing a SQL integration needs the database host in `url`.")
    if dialect == "mysql":
        return await _check_mysql(values, ctx, host)
    port = _port(values.get("port"), 5432, "PostgreSQL")
    target = await _checked(ctx, host, port, "PostgreSQL")
    database = str(values.get("database_name") or "")
    try:
        connection = await asyncpg.connect(
            host=target.addresses[0],
            port=port,
            user=str(values.get("username") or ""),
            password=str(values.get("password") or ""),
            database=database,
            timeout=ctx.timeout,
            command_timeout=ctx.timeout,
        )
    except (asyncpg.InvalidPasswordError, asyncpg.InvalidAuthorizationSpecificationError) as exc:
        raise CheckFailed("PostgreSQL rejected the user name or password.") from exc
    except asyncpg.InvalidCatalogNameError as exc:
        raise CheckFailed(f"PostgreSQL accepted the connection, but the database '{database}' does not exist.") from exc
    except asyncpg.PostgresError as exc:
        raise CheckFailed(f"PostgreSQL refused the connection ({type(exc).__name__}).") from exc
    except (OSError, TimeoutError) as exc:
        raise CheckFailed(f"PostgreSQL could not be reached at {host}:{port} ({type(exc).__name__}).") from exc
    try:
        one = await connection.fetchval("SELECT 1")
        version = connection.get_server_version()
    finally:
        await connection.close()
    if one != 1:
        raise CheckFailed("PostgreSQL answered SELECT 1 with something else.")
    return f"Connected to PostgreSQL {version.major}.{version.minor} database '{database}': SELECT 1 succeeded."


# MySQL's error numbers: access denied (wrong password, or no grant on the database), unknown database.
_MYSQL_ACCESS_DENIED = (1044, 1045)
_MYSQL_UNKNOWN_DATABASE = 1049


async def _check_mysql(values: dict[str, Any], ctx: CheckContext, host: str) -> str:
    """MySQL or MariaDB (the server says which): connect to the checked address, SELECT 1."""
    import aiomysql  # on first use (with pymysql): the MySQL driver costs every API process ~7 MB otherwise
    import pymysql

    port = _port(values.get("port"), 3306, "MySQL")
    target = await _checked(ctx, host, port, "MySQL")
    database = str(values.get("database_name") or "")
    try:
        async with asyncio.timeout(ctx.timeout + 1):
            connection = await aiomysql.connect(
                host=target.addresses[0],
                port=port,
                user=str(values.get("username") or "") or None,
                password=str(values.get("password") or ""),
                db=database or None,
                connect_timeout=ctx.timeout,
                local_infile=False,
                program_name="codemill-check",
            )
    except pymysql.err.OperationalError as exc:
        code = exc.args[0] if exc.args else None
        if code in _MYSQL_ACCESS_DENIED:
            raise CheckFailed("MySQL rejected the user name or password (or their access to the database).") from exc
        if code == _MYSQL_UNKNOWN_DATABASE:
            raise CheckFailed(f"MySQL accepted the connection, but the database '{database}' does not exist.") from exc
        raise CheckFailed(f"MySQL could not be reached at {host}:{port} (error {code}).") from exc
    except pymysql.MySQLError as exc:
        raise CheckFailed(f"MySQL refused the connection ({type(exc).__name__}).") from exc
    except (OSError, TimeoutError) as exc:
        raise CheckFailed(f"MySQL could not be reached at {host}:{port} ({type(exc).__name__}).") from exc
    try:
        async with asyncio.timeout(ctx.timeout + 1), connection.cursor() as cursor:
            await cursor.execute("SELECT 1")
            row = await cursor.fetchone()
        server = str(connection.get_server_info())
    finally:
        connection.close()
    if not row or row[0] != 1:
        raise CheckFailed("MySQL answered SELECT 1 with something else.")
    product = "MariaDB" if "mariadb" in server.lower() else "MySQL"
    version = server.split("-")[0]
    where = f" database '{database}'" if database else ""
    return f"Connected to {product} {version}{where}: SELECT 1 succeeded."


class _PinnedSMTP(smtplib.SMTP):
    """SMTP to a checked address, while TLS still verifies the server's name."""

    def __init__(self, address: str, timeout: float) -> None:
        self._address = address
        super().__init__(timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection((self._address, port), timeout)


class _PinnedSMTPS(smtplib.SMTP_SSL):
    """SMTP over TLS (port 465) to a checked address."""

    def __init__(self, address: str, timeout: float, context: ssl.SSLContext) -> None:
        self._address = address
        super().__init__(timeout=timeout, context=context)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        raw = socket.create_connection((self._address, port), timeout)
        return self.context.wrap_socket(raw, server_hostname=host)


def _smtp_login(address: str, host: str, port: int, username: str, password: str, timeout: float) -> str:
    context = ssl.create_default_context()
    client: smtplib.SMTP = _PinnedSMTPS(address, timeout, context) if port == 465 else _PinnedSMTP(address, timeout)
    try:
        client.connect(host, port)
        client.ehlo()
        secured = port == 465
        if not secured and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
            secured = True
        if username:
            if not secured and ipaddress.ip_address(address).is_global:
                raise CheckFailed(
                    f"The SMTP server at {host}:{port} offers no TLS (STARTTLS): the password is not sent unencrypted."
                )
            if not client.has_extn("auth"):
                raise CheckFailed(f"The SMTP server at {host}:{port} does not offer authentication (AUTH).")
            client.login(username, password)
        return (
            f"Connected to the SMTP server {host}:{port}"
            + (" over TLS" if secured else "")
            + (f" and logged in as {username}." if username else ".")
        )
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


async def check_email(values: dict[str, Any], ctx: CheckContext) -> str:
    """Basic authentication: SMTP connect, STARTTLS when offered, and login. OAuth: not supported yet."""
    if str(values.get("auth_type") or "basic") != "basic":
        raise CheckFailed("Testing Email integrations with Microsoft Entra ID OAuth is not supported yet.")
    url = str(values.get("url") or "").strip()
    if not url:
        raise CheckFailed("Testing an Email integration needs the SMTP server in `url` (host:port).")
    host, _, raw_port = url.removeprefix("smtp://").rstrip("/").rpartition(":")
    if not host:
        host, raw_port = raw_port, ""
    port = _port(raw_port, _DEFAULT_SMTP_PORT, "SMTP")
    target = await _checked(ctx, host, port, "SMTP")
    login = asyncio.to_thread(
        _smtp_login,
        target.addresses[0],
        host,
        port,
        str(values.get("smtp_username") or ""),
        str(values.get("smtp_password") or ""),
        ctx.timeout,
    )
    try:
        return await asyncio.wait_for(login, ctx.timeout * 2)
    except smtplib.SMTPAuthenticationError as exc:
        raise CheckFailed(f"The SMTP server rejected the user name or password (code {exc.smtp_code}).") from exc
    except smtplib.SMTPException as exc:
        raise CheckFailed(f"The SMTP conversation with {host}:{port} failed ({type(exc).__name__}).") from exc
    except (OSError, TimeoutError) as exc:
        raise CheckFailed(f"The SMTP server {host}:{port} could not be reached ({type(exc).__name__}).") from exc
