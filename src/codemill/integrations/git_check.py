"""Checking Git credentials with `git ls-remote`, through the outbound guard.

The target is checked by the guarded client first; git is then pinned to the checked address
(`http.curloptResolve`), told not to follow redirects, and limited to http(s). The token travels in
an Authorization header passed through GIT_CONFIG_* environment variables: never on the command
line (where any local user could read it) and never in the URL (which git may print).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import httpx

from codemill.integrations.checking import CheckContext, CheckFailed
from codemill.kit.outbound import OutboundFailed, OutboundRefused, Target

_AUTH_FAILURES = ("authentication failed", "could not read username", "could not read password", " 401", " 403")
_NOT_FOUND = ("not found", " 404", "does not appear to be a git repository")


def git_binary() -> str:
    """The git executable (a clear failure when git is not installed)."""
    found = shutil.which("git")
    if found is None:
        raise CheckFailed("git is not installed on this server: Git integrations cannot be tested.")
    return found


def git_environment(target: Target, username: str, token: str, timeout: float) -> dict[str, str]:
    """The environment of a locked-down git: no user config, no prompts, pinned host, auth header."""
    config: list[tuple[str, str]] = [
        ("credential.helper", ""),
        ("http.followRedirects", "false"),
        ("protocol.allow", "never"),
        ("protocol.http.allow", "always"),
        ("protocol.https.allow", "always"),
        ("http.lowSpeedLimit", "1"),
        ("http.lowSpeedTime", str(max(1, int(timeout)))),
        ("http.curloptResolve", f"{target.host}:{target.port}:{target.addresses[0]}"),
    ]
    if token:
        basic = base64.b64encode(f"{username}:{token}".encode()).decode("ascii")
        config.append(("http.extraHeader", f"Authorization: Basic {basic}"))
    env = {
        "PATH": os.pathsep.join([str(Path(git_binary()).parent), os.defpath]),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_COUNT": str(len(config)),
        "LC_ALL": "C",
    }
    for index, (key, value) in enumerate(config):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


def _explain(url: str, stderr: str, secrets: list[str]) -> str:
    lowered = stderr.lower()
    if any(marker in lowered for marker in _AUTH_FAILURES):
        return f"Git authentication failed for {url}: the server refused the token. Check the token and its scopes."
    if any(marker in lowered for marker in _NOT_FOUND):
        return f"Git repository not found at {url} (or the token may not see it)."
    detail = next((line.strip() for line in stderr.splitlines() if line.strip()), "no output")
    for secret in secrets:
        if secret:
            detail = detail.replace(secret, "**********")
    return f"git ls-remote failed for {url}: {detail[:300]}"


async def check_git(values: dict[str, Any], ctx: CheckContext) -> str:
    """Run `git ls-remote` against the integration's repository URL."""
    url = str(values.get("url") or "").strip()
    token = str(values.get("token") or "")
    username = str(values.get("name") or "") or "oauth2"
    if not url:
        raise CheckFailed("Testing a Git integration needs its repository URL in `url`.")
    parsed = httpx.URL(url)
    if parsed.path.strip("/") == "":
        raise CheckFailed(
            f"{url} is a host, not a repository: give a repository URL (for example https://host/group/repo.git)"
            " to test the token."
        )
    if parsed.userinfo:
        raise CheckFailed("Put credentials in the integration's token field, not in the URL.")
    try:
        target = await ctx.outbound.check(url)
    except (OutboundRefused, OutboundFailed) as exc:
        raise CheckFailed(f"Git: {exc}") from exc
    with tempfile.TemporaryDirectory(prefix="codemill-git-") as home:
        env = git_environment(target, username, token, ctx.timeout) | {"HOME": home}
        process = await asyncio.create_subprocess_exec(
            git_binary(),
            "ls-remote",
            "--",
            url,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=home,
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), ctx.timeout)
        except TimeoutError as exc:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise CheckFailed(f"git ls-remote timed out after {ctx.timeout:g}s for {url}") from exc
    if process.returncode != 0:
        raise CheckFailed(_explain(url, stderr.decode("utf-8", "replace"), [token]))
    refs = [line for line in stdout.decode("utf-8", "replace").splitlines() if line.strip()]
    return f"Git connection successful: {len(refs)} refs visible at {url}."
