"""Git repositories: clone/fetch over https with the `git` client, list files, diff two commits.

The URL is checked by the guarded outbound client first (no private addresses unless allowed); git
itself follows no redirects. Credentials travel in an Authorization header set through GIT_CONFIG_*
environment variables, never on the command line or in the remote URL.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pathspec

from codemill.kit.outbound import OutboundClient, OutboundRefused


class GitError(Exception):
    """A git command failed (unreachable repository, unknown branch, bad credentials)."""


@dataclass(frozen=True)
class Change:
    """One file change between two commits: A(dded), M(odified), D(eleted) or R(enamed, from old_path)."""

    status: str
    path: str
    old_path: str | None = None


async def check_repo_url(url: str, outbound: OutboundClient, allow_http: bool) -> None:
    """Refuse non-https URLs (http only when allowed) and private hosts (unless allowed)."""
    if not url.startswith("https://") and not (allow_http and url.startswith("http://")):
        raise OutboundRefused(f"Only https:// repository URLs are supported, not {url!r}")
    await outbound.check(url)


def files_filter(patterns: str | None) -> pathspec.GitIgnoreSpec | None:
    """A gitignore-style filter: files matching it are left out (`!pattern` brings files back)."""
    lines = [line for line in (patterns or "").splitlines() if line.strip()]
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


class Repository:
    """A working clone under `root`, kept between runs so incremental reindexing only fetches."""

    def __init__(self, root: Path, url: str, branch: str, token: str | None, user: str | None, timeout: float) -> None:
        self.root = root
        self.url = url
        self.branch = branch
        self.timeout = timeout
        self._env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "/bin/true", "LC_ALL": "C"}
        if token:
            basic = base64.b64encode(f"{user or 'oauth2'}:{token}".encode()).decode()
            self._env.update(
                {
                    "GIT_CONFIG_COUNT": "1",
                    "GIT_CONFIG_KEY_0": "http.extraHeader",
                    "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
                }
            )

    async def _git(self, *args: str, cwd: Path | None = None) -> bytes:
        process = await asyncio.create_subprocess_exec(
            "git",
            "-c",
            "http.followRedirects=false",
            "-c",
            "protocol.allow=never",
            "-c",
            "protocol.https.allow=always",
            "-c",
            "protocol.http.allow=always",
            *args,
            cwd=cwd or self.root,
            env=self._env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), self.timeout)
        except TimeoutError as exc:
            process.kill()
            raise GitError(f"git {args[0]} timed out after {self.timeout:.0f}s") from exc
        if process.returncode != 0:
            message = err.decode(errors="replace").strip().splitlines()
            raise GitError(f"git {args[0]} failed: {message[-1] if message else process.returncode}")
        return out

    async def fetch(self) -> str:
        """Clone or fetch the branch; the commit it points at."""
        if not (self.root / ".git").is_dir():
            if self.root.exists():
                shutil.rmtree(self.root)
            self.root.parent.mkdir(parents=True, exist_ok=True)
            await self._git(
                "clone", "--no-checkout", "--branch", self.branch, "--", self.url, str(self.root), cwd=self.root.parent
            )
        else:
            await self._git("remote", "set-url", "origin", self.url)
            await self._git(
                "fetch", "--prune", "origin", f"+refs/heads/{self.branch}:refs/remotes/origin/{self.branch}"
            )
        return (await self._git("rev-parse", f"refs/remotes/origin/{self.branch}")).decode().strip()

    async def checkout(self, commit: str) -> None:
        """Make the working tree that commit's."""
        await self._git("checkout", "--force", "--detach", commit)

    async def has_commit(self, commit: str) -> bool:
        """True when the clone knows the commit."""
        try:
            await self._git("cat-file", "-e", f"{commit}^{{commit}}")
        except GitError:
            return False
        return True

    async def tree(self, commit: str) -> dict[str, tuple[str, int]]:
        """path -> (blob id, size) of every regular file at the commit."""
        out = await self._git("ls-tree", "-r", "-z", "--long", commit)
        files: dict[str, tuple[str, int]] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, blob, size = meta.split()
            if kind == b"blob" and mode in (b"100644", b"100755"):
                files[path.decode(errors="replace")] = (blob.decode(), int(size))
        return files

    async def diff(self, old: str, new: str) -> list[Change]:
        """Files changed between two commits (renames detected)."""
        out = await self._git("diff", "--name-status", "-z", "-M", old, new)
        fields = [f.decode(errors="replace") for f in out.split(b"\0") if f]
        changes: list[Change] = []
        i = 0
        while i < len(fields):
            status = fields[i][0]
            if status in ("R", "C"):
                changes.append(Change("R" if status == "R" else "A", fields[i + 2], fields[i + 1]))
                i += 3
            else:
                changes.append(Change("M" if status == "T" else status, fields[i + 1]))
                i += 2
        return changes

    def read(self, path: str) -> bytes:
        """A file of the checked-out commit."""
        return (self.root / path).read_bytes()
