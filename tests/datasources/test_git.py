"""Git datasources: a real repository served on loopback indexes; a commit of 3 files reindexes exactly those."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from codemie_sdk.models.datasource import CodeDataSourceRequest, UpdateCodeDataSourceRequest
from codemie_sdk.models.integration import CredentialTypes, CredentialValues, Integration
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TestUser
from tests.datasources.gitserver import GitServer, populate
from tests.datasources.support import ds_name, search, wait_for

FILES = 240


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[GitServer]:
    server = GitServer(tmp_path)
    yield server
    server.close()


async def chunk_ids(engine: AsyncEngine, datasource_id: str) -> dict[str, set[int]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT item_path, id FROM datasource_chunks WHERE datasource_id = :d"), {"d": datasource_id}
        )
        found: dict[str, set[int]] = {}
        for path, chunk_id in rows:
            found.setdefault(path, set()).add(chunk_id)
        return found


async def test_git_repository_indexes_then_reindexes_only_changed_files(
    repo: GitServer, make_user: Callable[..., TestUser], engine: AsyncEngine
) -> None:
    owner = make_user("git-owner")
    paths = populate(repo, FILES)
    first_head = repo.commit("initial")
    name = ds_name("repo")
    created = owner.client.datasources.create(
        CodeDataSourceRequest(
            name=name, project_name=owner.email, description="code", link=repo.url, branch="main",
            index_type="code", embeddings_model="default", files_filter="vendor/\n*.bin",
        )
    )  # fmt: skip
    ds = wait_for(owner.http, created["id"])
    assert ds["progress"]["items_done"] == FILES and ds["last_commit"] == first_head
    assert (ds["link"], ds["branch"], ds["files_filter"]) == (repo.url, "main", "vendor/\n*.bin")
    assert "confluence" not in ds and "jira" not in ds
    before = await chunk_ids(engine, created["id"])
    assert set(before) == set(paths)  # vendor/ and *.bin filtered out

    # Code-aware chunks: a whole function comes back for its name.
    hits = search(owner.http, created["id"], "compute_40 function").json()["metadata"]["results"]
    assert any("def compute_40(value):" in h["content"] and "return total + 40" in h["content"] for h in hits)
    # Exact path matches come first for code.
    top = search(owner.http, created["id"], "what is in pkg3/module_10.py").json()["metadata"]["results"][0]
    assert top["item_path"] == "pkg3/module_10.py" and top["path_match"] is True

    modified, renamed_from, renamed_to, added = paths[10], paths[11], "moved/renamed_11.js", "pkg1/brand_new.py"
    repo.write(modified, "def compute_10(value):\n    return value - 999  # modified marker\n")
    (repo.work / renamed_to).parent.mkdir(parents=True, exist_ok=True)
    (repo.work / renamed_from).rename(repo.work / renamed_to)
    repo.write(added, "def brand_new_function():\n    return 'fresh'\n")
    second_head = repo.commit("touch three files")

    owner.client.datasources.update(
        created["id"],
        UpdateCodeDataSourceRequest(name=name, project_name=owner.email, description="code", link=repo.url,
                                    branch="main", index_type="code", embeddings_model="default",
                                    files_filter="vendor/\n*.bin"),
    )  # fmt: skip
    ds = wait_for(owner.http, created["id"], timeout=120)
    for _ in range(50):
        if ds["last_commit"] == second_head:
            break
        ds = wait_for(owner.http, created["id"])
    assert ds["last_commit"] == second_head
    after = await chunk_ids(engine, created["id"])
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed == {modified, renamed_from, renamed_to, added}  # the rename counts as its two paths
    assert renamed_from not in after and added in after
    assert ds["progress"]["items_done"] == FILES + 1
    hits = search(owner.http, created["id"], "modified marker").json()["metadata"]["results"]
    assert hits[0]["item_path"] == modified

    (repo.work / paths[20]).unlink()
    repo.commit("delete one")
    owner.http.put(f"/v1/application/{owner.email}/index/{name}", json={}).raise_for_status()
    wait_for(owner.http, created["id"])
    final = await chunk_ids(engine, created["id"])
    assert set(after) - set(final) == {paths[20]} and all(final[p] == after[p] for p in final)


def test_bad_repository_input_is_refused(make_user: Callable[..., TestUser]) -> None:
    owner = make_user("git-bad")
    url = f"/v1/application/{owner.email}/index"
    base = {"name": ds_name("bad"), "project_name": owner.email, "description": "d", "branch": "main"}
    bad_branch = owner.http.post(url, json={**base, "link": "https://example.com/r.git", "branch": "--upload-pack=x"})
    assert bad_branch.status_code == 422 and "branch" in bad_branch.text
    bad_scheme = owner.http.post(url, json={**base, "link": "ssh://git@example.com/r.git"})
    assert bad_scheme.status_code == 422 and bad_scheme.json()["error"]["details"]["field"] == "link"
    outsider = make_user("git-outsider")
    assert outsider.http.post(url, json={**base, "link": "https://example.com/r.git"}).status_code == 404


def test_private_repository_uses_the_git_integration(
    tmp_path: Path, make_user: Callable[..., TestUser], server_env: dict[str, str]
) -> None:
    token = "git-token-" + ds_name("t")
    server = GitServer(tmp_path, token=token)
    try:
        populate(server, 5)
        server.commit("private")
        owner = make_user("git-private")
        request = {"project_name": owner.email, "description": "d", "link": server.url, "branch": "main", "index_type": "code",
                   "embeddings_model": "default"}  # fmt: skip
        anonymous = owner.client.datasources.create(CodeDataSourceRequest(name=ds_name("anon"), **request))
        failed = wait_for(owner.http, anonymous["id"], statuses=("failed",), timeout=120)
        assert "GitError" in failed["text"] and token not in failed["text"]
        values = [CredentialValues(key="url", value=server.url), CredentialValues(key="token", value=token)]
        setting = owner.client.integrations.create(
            Integration(project_name=owner.email, alias=ds_name("git"), credential_type=CredentialTypes.GIT, credential_values=values)
        )["id"]  # fmt: skip
        created = owner.client.datasources.create(
            CodeDataSourceRequest(name=ds_name("priv"), setting_id=setting, **request)
        )
        assert wait_for(owner.http, created["id"])["progress"]["items_done"] == 6
        # Deleting the datasource deletes its working clone too (and a token in its remote with it).
        clone = Path(server_env["CODEMILL_DATA_DIR"]) / "git" / created["id"]
        assert (clone / ".git").is_dir()
        owner.client.datasources.delete(created["id"])
        assert not clone.exists()
    finally:
        server.close()
