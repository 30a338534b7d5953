"""Git toolkit (CodeMie's names: list_branches_in_repo, create_branch, read/create/update/delete a file,
create_pull_request, get_pr_changes, create_pr_change_comment) and the VCS toolkit's generic `gitlab`
and `github` tools, on GitLab's REST API v4 and GitHub's REST API.

Plain REST through the guarded client rather than python-gitlab or PyGithub: each operation is one
or two documented calls, the SDKs are synchronous (a thread per call) and would bypass the SSRF
guard. The repository is the tool's `repository` argument (a URL or a path such as group/project on
the integration's host), or the Git integration's URL when it names one; the Git integration is
chosen for that repository (integrations.resolve matches its URL). GitHub.com is reached at
api.github.com, any other GitHub host (Enterprise) at <host>/api/v3; a host whose name does not
contain "github" is GitLab.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from codemill.toolkits.base import Binding, answer, http_call, integration
from codemill.tools.base import ToolContext, ToolError

GitLab = "gitlab"
GitHub = "github"
_REPO = {
    "type": "string",
    "description": "Repository URL or path (group/project); default: the integration's repository",
}


@dataclass(frozen=True, slots=True)
class Repo:
    """A repository on a host: which API it speaks, where, its path and the token to use."""

    kind: str
    api: str
    path: str
    token: str

    def headers(self) -> dict[str, str]:
        """GitLab takes PRIVATE-TOKEN; GitHub a bearer token."""
        if self.kind == GitLab:
            return {"private-token": self.token}
        return {"authorization": f"Bearer {self.token}", "x-github-api-version": "2022-11-28"}

    def base(self) -> str:
        """The repository's API prefix."""
        if self.kind == GitLab:
            return f"{self.api}/projects/{quote(self.path, safe='')}"
        return f"{self.api}/repos/{self.path}"


async def host_kind(ctx: ToolContext, url: str) -> str:
    """GitHub or GitLab: by the host's name when it says, else by asking the host (GitHub Enterprise
    answers GET /api/v3/meta; anything else is taken for GitLab)."""
    host = urlsplit(url).hostname or ""
    if "github" in host or "gitlab" in host:
        return GitHub if "github" in host else GitLab
    status, _ = await http_call(ctx, "GET", f"{api_root(url, GitHub)}/meta", headers={})
    return GitHub if status == 200 else GitLab


def api_root(url: str, kind: str) -> str:
    """The API root of the host of a repository URL."""
    parts = urlsplit(url)
    origin = f"{parts.scheme or 'https'}://{parts.netloc}"
    if kind == GitLab:
        return f"{origin}/api/v4"
    return "https://api.github.com" if parts.hostname == "github.com" else f"{origin}/api/v3"


async def repository(ctx: ToolContext, binding: Binding, given: str | None, kind: str | None = None) -> Repo:
    """The repository a call acts on, with the Git credentials that cover it."""
    wanted = (given or "").strip()
    if "://" in wanted:
        repo_url = wanted
        found = await integration(ctx, binding, "Git", repo_url)
    else:
        found = await integration(ctx, binding, "Git")
        base = str(found.values.get("url") or "").rstrip("/")
        parts = urlsplit(base)
        repo_url = f"{parts.scheme}://{parts.netloc}/{wanted.strip('/')}" if wanted else base
    path = urlsplit(repo_url).path.strip("/").removesuffix(".git")
    if "/" not in path:
        raise ToolError("Name the repository: the 'repository' argument (group/project or its URL) is required.")
    resolved = kind or await host_kind(ctx, repo_url)
    return Repo(resolved, api_root(repo_url, resolved), path, str(found.values.get("token") or ""))


async def call(
    ctx: ToolContext, repo: Repo, method: str, url: str, params: dict[str, Any] | None = None, body: Any = None
) -> Any:
    """One API call; its JSON (None when empty); a ToolError for a failure status."""
    status, text = await http_call(ctx, method, url, headers=repo.headers(), params=params, body=body)
    answer(status, text, "GitLab" if repo.kind == GitLab else "GitHub")
    return _json(text)


def _json(text: str) -> Any:
    return json.loads(text) if text.strip() else None


def _arg(args: dict[str, Any], name: str, default: str | None = None) -> str:
    value = args.get(name)
    if value is None or str(value) == "":
        if default is None:
            raise ToolError(f"The argument '{name}' is required.")
        return default
    return str(value)


async def default_branch(ctx: ToolContext, repo: Repo) -> str:
    """The repository's default branch."""
    found = await call(ctx, repo, "GET", repo.base())
    return str((found or {}).get("default_branch") or "main")


def _file_url(repo: Repo, path: str) -> str:
    if repo.kind == GitLab:
        return f"{repo.base()}/repository/files/{quote(path.strip('/'), safe='')}"
    return f"{repo.base()}/contents/{quote(path.strip('/'))}"


async def list_branches(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """The branch names, one a line."""
    where = "/repository/branches" if repo.kind == GitLab else "/branches"
    found = await call(ctx, repo, "GET", repo.base() + where, params={"per_page": 100})
    return "\n".join(str(b["name"]) for b in found or [])


async def create_branch(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """A new branch from `base_branch` (default: the default branch)."""
    name = _arg(args, "branch_name")
    base = _arg(args, "base_branch", "") or await default_branch(ctx, repo)
    if repo.kind == GitLab:
        await call(ctx, repo, "POST", f"{repo.base()}/repository/branches", params={"branch": name, "ref": base})
    else:
        head = await call(ctx, repo, "GET", f"{repo.base()}/git/ref/heads/{quote(base)}")
        body = {"ref": f"refs/heads/{name}", "sha": head["object"]["sha"]}
        await call(ctx, repo, "POST", f"{repo.base()}/git/refs", body=body)
    return f"Branch {name} created from {base}."


async def _github_sha(ctx: ToolContext, repo: Repo, path: str, branch: str) -> str:
    found = await call(ctx, repo, "GET", _file_url(repo, path), params={"ref": branch})
    return str(found["sha"])


async def read_file(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """A file's text on a branch (default: the default branch)."""
    path = _arg(args, "file_path")
    branch = _arg(args, "branch", "") or await default_branch(ctx, repo)
    found = await call(ctx, repo, "GET", _file_url(repo, path), params={"ref": branch})
    return base64.b64decode(str(found.get("content") or "")).decode("utf-8", errors="replace")


async def create_file(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """A new file committed on a branch."""
    return await _write_file(ctx, repo, args, create=True)


async def update_file(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """A file's new content committed on a branch."""
    return await _write_file(ctx, repo, args, create=False)


async def _write_file(ctx: ToolContext, repo: Repo, args: dict[str, Any], *, create: bool) -> str:
    path, branch = _arg(args, "file_path"), _arg(args, "branch")
    content = _arg(args, "file_contents", "")
    verb = "Create" if create else "Update"
    message = _arg(args, "commit_message", f"{verb} {path}")
    if repo.kind == GitLab:
        body = {"branch": branch, "content": content, "commit_message": message}
        await call(ctx, repo, "POST" if create else "PUT", _file_url(repo, path), body=body)
    else:
        payload: dict[str, Any] = {
            "message": message,
            "content": base64.b64encode(content.encode()).decode(),
            "branch": branch,
        }
        if not create:
            payload["sha"] = await _github_sha(ctx, repo, path, branch)
        await call(ctx, repo, "PUT", _file_url(repo, path), body=payload)
    return f"{verb}d {path} on {branch}."


async def delete_file(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """A file removed in a commit on a branch."""
    path, branch = _arg(args, "file_path"), _arg(args, "branch")
    message = _arg(args, "commit_message", f"Delete {path}")
    if repo.kind == GitLab:
        await call(ctx, repo, "DELETE", _file_url(repo, path), body={"branch": branch, "commit_message": message})
    else:
        sha = await _github_sha(ctx, repo, path, branch)
        await call(ctx, repo, "DELETE", _file_url(repo, path), body={"message": message, "sha": sha, "branch": branch})
    return f"Deleted {path} on {branch}."


async def create_pull_request(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """A merge request (GitLab) or pull request (GitHub) from `source_branch` into `target_branch`."""
    title, source = _arg(args, "title"), _arg(args, "source_branch")
    target = _arg(args, "target_branch", "") or await default_branch(ctx, repo)
    description = _arg(args, "description", "")
    if repo.kind == GitLab:
        body = {"source_branch": source, "target_branch": target, "title": title, "description": description}
        made = await call(ctx, repo, "POST", f"{repo.base()}/merge_requests", body=body)
        return f"Merge request !{made['iid']} opened: {made.get('web_url', '')}"
    body = {"title": title, "head": source, "base": target, "body": description}
    made = await call(ctx, repo, "POST", f"{repo.base()}/pulls", body=body)
    return f"Pull request #{made['number']} opened: {made.get('html_url', '')}"


async def get_pr_changes(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """The changed files of a merge/pull request with their diffs."""
    number = quote(_arg(args, "pr_number"))
    if repo.kind == GitLab:
        found = await call(ctx, repo, "GET", f"{repo.base()}/merge_requests/{number}/changes")
        changes = [(c["new_path"], c.get("diff", "")) for c in (found or {}).get("changes", [])]
    else:
        found = await call(ctx, repo, "GET", f"{repo.base()}/pulls/{number}/files", params={"per_page": 100})
        changes = [(c["filename"], c.get("patch", "")) for c in found or []]
    return "\n\n".join(f"--- {path}\n{diff}" for path, diff in changes) or "No changes."


async def create_pr_change_comment(ctx: ToolContext, repo: Repo, args: dict[str, Any]) -> str:
    """A comment on a merge/pull request."""
    number, comment = quote(_arg(args, "pr_number")), _arg(args, "comment")
    where = f"merge_requests/{number}/notes" if repo.kind == GitLab else f"issues/{number}/comments"
    await call(ctx, repo, "POST", f"{repo.base()}/{where}", body={"body": comment})
    return f"Commented on {number}."


Operation = Callable[[ToolContext, Repo, dict[str, Any]], Awaitable[str]]


@dataclass(slots=True)
class GitTool:
    """One Git operation on the repository's host (GitLab or GitHub)."""

    binding: Binding
    name: str
    label: str
    description: str
    parameters: dict[str, Any]
    operation: Operation
    writes: bool = False

    async def run(self, args: dict[str, Any], ctx: ToolContext) -> str:
        """Resolve the repository and its credentials, then do the operation."""
        repo = await repository(ctx, self.binding, args.get("repository"))
        return await self.operation(ctx, repo, args)


def _schema(required: list[str], **properties: str) -> dict[str, Any]:
    props: dict[str, Any] = {"repository": _REPO}
    props.update({k: {"type": "string", "description": v} for k, v in properties.items()})
    return {"type": "object", "properties": props, "required": required}


@dataclass(frozen=True, slots=True)
class GitOperation:
    """A Git tool's CodeMie name, label, description, parameters and whether it writes."""

    name: str
    label: str
    description: str
    parameters: dict[str, Any]
    operation: Operation
    writes: bool

    def build(self, binding: Binding) -> GitTool:
        """The tool bound to an assistant."""
        return GitTool(binding, self.name, self.label, self.description, self.parameters, self.operation, self.writes)


_PATH, _BRANCH, _MESSAGE = "path in the repository", "branch to commit on", "commit message"
_NUMBER = "merge request iid (GitLab) or pull request number (GitHub)"
GIT_OPERATIONS: tuple[GitOperation, ...] = (
    GitOperation(
        "list_branches_in_repo", "List Branches", "List the repository's branches.", _schema([]), list_branches, False
    ),
    GitOperation(
        "create_branch",
        "Create Branch",
        "Create a branch from base_branch (default: the default branch).",
        _schema(["branch_name"], branch_name="new branch", base_branch="branch to start from"),
        create_branch,
        True,
    ),
    GitOperation(
        "read_repository_file",
        "Read File",
        "Read a file of the repository on a branch (default: the default branch).",
        _schema(["file_path"], file_path=_PATH, branch="branch or ref"),
        read_file,
        False,
    ),
    GitOperation(
        "create_file",
        "Create File",
        "Create a file on a branch (one commit).",
        _schema(
            ["file_path", "file_contents", "branch"],
            file_path=_PATH,
            file_contents="text",
            branch=_BRANCH,
            commit_message=_MESSAGE,
        ),
        create_file,
        True,
    ),
    GitOperation(
        "update_file",
        "Update File",
        "Replace a file's content on a branch (one commit).",
        _schema(
            ["file_path", "file_contents", "branch"],
            file_path=_PATH,
            file_contents="new text",
            branch=_BRANCH,
            commit_message=_MESSAGE,
        ),
        update_file,
        True,
    ),
    GitOperation(
        "delete_file",
        "Delete File",
        "Delete a file on a branch (one commit).",
        _schema(["file_path", "branch"], file_path=_PATH, branch=_BRANCH, commit_message=_MESSAGE),
        delete_file,
        True,
    ),
    GitOperation(
        "create_pull_request",
        "Create Pull/Merge Request",
        "Open a merge request (GitLab) or pull request (GitHub).",
        _schema(
            ["title", "source_branch"],
            title="title",
            source_branch="branch with the changes",
            target_branch="branch to merge into (default: the default branch)",
            description="description",
        ),
        create_pull_request,
        True,
    ),
    GitOperation(
        "get_pr_changes",
        "Get Pull/Merge Request Changes",
        "The changed files of a merge/pull request, with diffs.",
        _schema(["pr_number"], pr_number=_NUMBER),
        get_pr_changes,
        False,
    ),
    GitOperation(
        "create_pr_change_comment",
        "Comment on Pull/Merge Request",
        "Comment on a merge/pull request.",
        _schema(["pr_number", "comment"], pr_number=_NUMBER, comment="text"),
        create_pr_change_comment,
        True,
    ),
)
