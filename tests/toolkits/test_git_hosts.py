"""The Git and VCS toolkits on GitLab and GitHub REST stand-ins, through chats on a live server:
branches, files, a merge/pull request, its changes and a comment; and the generic API tools."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from codemie_sdk.models.integration import CredentialTypes

from tests.conftest import TestUser
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.openai_server import ThreadedServer
from tests.support.server import LiveServer
from tests.toolkits.git_rest import REPO_PATH, AzureDevOpsRest, GitHubRest, GitLabRest

from .live import chat, create_assistant, create_integration, ended_thoughts, server_http

TOKEN = "glpat-toolkit-token"
GIT_TOOLS = [
    "list_branches_in_repo",
    "create_branch",
    "read_repository_file",
    "create_file",
    "update_file",
    "delete_file",
    "create_pull_request",
    "get_pr_changes",
    "create_pr_change_comment",
]


@pytest.fixture(scope="module", params=["gitlab", "github"])
def git_host(request: pytest.FixtureRequest) -> Iterator[GitLabRest | GitHubRest]:
    server: GitLabRest | GitHubRest = GitLabRest(TOKEN) if request.param == "gitlab" else GitHubRest(TOKEN)
    yield server
    ThreadedServer.close(server)


def test_branch_files_and_a_merge_request_end_to_end(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    git_host: GitLabRest | GitHubRest,
) -> None:
    user = make_user("git-dev")
    integration_id = create_integration(user, CredentialTypes.GIT, url=f"{git_host.url}/{REPO_PATH}", token=TOKEN)
    scripted.script.plan = [
        ("list_branches_in_repo", {}),
        ("create_branch", {"branch_name": "feature"}),
        ("read_repository_file", {"file_path": "src/app.py"}),
        ("update_file", {"file_path": "src/app.py", "file_contents": "print('v2')\n", "branch": "feature"}),
        ("create_file", {"file_path": "docs/notes.md", "file_contents": "notes\n", "branch": "feature"}),
        ("delete_file", {"file_path": "README.md", "branch": "feature"}),
        ("create_pull_request", {"title": "Version 2", "source_branch": "feature", "description": "v2"}),
        ("get_pr_changes", {"pr_number": "1"}),
        ("create_pr_change_comment", {"pr_number": "1", "comment": "Looks right."}),
        ("read_repository_file", {"file_path": "missing.txt", "branch": "feature"}),
    ]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(
            user, http, "Git", GIT_TOOLS, integration_id, policy="auto_approve", credential_type="Git"
        )
        lines = chat(http, assistant_id, f"git-{user.id[:8]}", "Ship version 2")
    ended = ended_thoughts(lines)
    assert [t["error"] for t in ended] == [False] * 9 + [True], [t["message"] for t in ended]
    branches, _made, read, *_writes, opened, changes, _comment, missing = (t["message"] for t in ended)
    assert branches == "main"
    assert read == "print('v1')\n"
    assert opened.startswith(("Merge request !1", "Pull request #1"))
    assert "--- src/app.py" in changes and "print('v2')" in changes and "--- README.md" in changes
    assert "404" in missing
    files = git_host.state.branches["feature"]
    assert files == {"src/app.py": "print('v2')\n", "docs/notes.md": "notes\n"}
    assert git_host.state.branches["main"]["src/app.py"] == "print('v1')\n"
    assert git_host.state.comments == [(1, "Looks right.")]
    merge = git_host.state.merges[0]
    assert merge.get("target_branch", merge.get("base")) == "main"


def test_the_generic_api_tool(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
    git_host: GitLabRest | GitHubRest,
) -> None:
    user = make_user("git-api")
    integration_id = create_integration(user, CredentialTypes.GIT, url=f"{git_host.url}/{REPO_PATH}", token=TOKEN)
    if isinstance(git_host, GitLabRest):
        tool, path = "gitlab", "/projects/team%2Fapp"
    else:
        tool, path = "github", "/repos/team/app"
    scripted.script.plan = [(tool, {"method": "GET", "path": path}), (tool, {"method": "GET", "path": "//evil"})]
    with server_http(scripted_server.url, user) as http:
        assistant_id = create_assistant(user, http, "VCS", [tool], integration_id, credential_type="Git")
        lines = chat(http, assistant_id, f"gitapi-{user.id[:8]}", "Which is the default branch?")
    found, refused = ended_thoughts(lines)
    assert '"default_branch": "main"' in found["message"] or '"default_branch":"main"' in found["message"]
    assert refused["error"] is True and "path" in refused["message"]


def test_the_azure_devops_git_tool(
    make_user: Callable[..., TestUser],
    scripted_server: LiveServer,
    scripted: ScriptedModelServer,
) -> None:
    azure = AzureDevOpsRest("contoso", "ado-pat-token")
    try:
        user = make_user("ado")
        integration_id = create_integration(
            user, CredentialTypes.AZURE_DEVOPS, url=azure.url, organization="contoso", token="ado-pat-token"
        )
        pull = {"sourceRefName": "refs/heads/feature", "targetRefName": "refs/heads/main", "title": "Feature"}
        scripted.script.plan = [
            ("azure_devops_git", {"method": "GET", "path": "/Shop/_apis/git/repositories"}),
            (
                "azure_devops_git",
                {
                    "method": "POST",
                    "path": "/Shop/_apis/git/repositories/app/pullrequests",
                    "arguments": json.dumps(pull),
                },
            ),
        ]
        with server_http(scripted_server.url, user) as http:
            assistant_id = create_assistant(
                user, http, "VCS", ["azure_devops_git"], integration_id, "auto_approve", "AzureDevOps"
            )
            lines = chat(http, assistant_id, f"ado-{user.id[:8]}", "Open the feature PR")
    finally:
        azure.close()
    listed, opened = ended_thoughts(lines)
    assert listed["error"] is False and '"Shop"' in listed["message"]
    assert opened["error"] is False and '"pullRequestId": 1' in opened["message"].replace('":1', '": 1')
    assert azure.pulls == [pull]
