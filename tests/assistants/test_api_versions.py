"""Versions: every update records one; list, get, compare, roll back — through the SDK on a live server."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.assistants.support import create, update_request
from tests.conftest import TestUser


def test_versions_compare_and_rollback(make_user: Callable[..., TestUser]) -> None:
    user = make_user("versions")
    assistant_id = create(user, system_prompt="Version one.")
    assistants = user.client.assistants
    assistants.update(assistant_id, update_request(user, assistant_id, system_prompt="Version two.", temperature=1.0))
    assistants.update(
        assistant_id,
        update_request(user, assistant_id, system_prompt="Version three.", conversation_starters=["Hi", "Bye"]),
    )

    history = assistants.list_versions(assistant_id)
    assert [v.version_number for v in history] == [3, 2, 1]
    assert [v.change_notes for v in history] == ["Configuration updated", "Configuration updated", "Initial version"]
    assert history[2].created_by is not None and history[2].created_by.user_id == user.id
    paged = user.http.get(f"/v1/assistants/{assistant_id}/versions", params={"page": 1, "per_page": 2}).json()
    assert paged["total_versions"] == 3 and [v["version_number"] for v in paged["versions"]] == [1]

    first = assistants.get_version(assistant_id, 1)
    assert first.system_prompt == "Version one." and first.temperature == 0.3

    comparison = assistants.compare_versions(assistant_id, 1, 3)
    differences = comparison["differences"]
    assert set(differences) == {"system_prompt", "temperature", "conversation_starters"}
    assert differences["temperature"] == {"old_value": 0.3, "new_value": 1.0}
    assert differences["system_prompt"] == {"old_value": "Version one.", "new_value": "Version three."}
    assert differences["conversation_starters"]["added"] == ["Hi", "Bye"]
    assert comparison["version1"]["version_number"] == 1 and comparison["version2"]["version_number"] == 3
    assert comparison["change_summary"].startswith("Changes from version 1 to version 3:")
    same = assistants.compare_versions(assistant_id, 2, 2)
    assert same["differences"] == {} and same["change_summary"] == "No differences between version 2 and version 2"

    rolled = assistants.rollback_to_version(assistant_id, 1, change_notes="Back to basics")
    assert rolled["message"] == "Rolled back to version 1. Created new version 4"
    current = assistants.get(assistant_id)
    assert current.system_prompt == "Version one." and current.temperature == 0.3
    assert current.conversation_starters == ["What is 2 + 2?"] and current.version_count == 4
    latest = assistants.get_version(assistant_id, 4)
    assert latest.change_notes == "Back to basics" and latest.system_prompt == "Version one."
    assert assistants.compare_versions(assistant_id, 1, 4)["differences"] == {}


def test_version_errors(make_user: Callable[..., TestUser]) -> None:
    user = make_user("version-errors")
    assistant_id = create(user)
    base = f"/v1/assistants/{assistant_id}/versions"

    current = user.http.post(f"{base}/1/rollback", json={})
    assert current.status_code == 400 and current.json()["error"]["message"] == "Cannot rollback to current version"
    beyond = user.http.post(f"{base}/7/rollback")
    assert beyond.status_code == 400 and beyond.json()["error"]["message"] == "Invalid version number"

    with pytest.raises(requests.HTTPError) as missing:
        user.client.assistants.get_version(assistant_id, 9)
    assert missing.value.response.status_code == 404
    assert missing.value.response.json()["error"]["message"] == "Version not found"
    assert user.http.get(f"{base}/1/compare/9").status_code == 404
    assert user.http.get(f"{base}/one").status_code == 422
    assert user.http.get("/v1/assistants/no-such-id/versions").status_code == 404


def test_concurrent_updates_each_get_their_own_version(make_user: Callable[..., TestUser]) -> None:
    user = make_user("concurrent")
    assistant_id = create(user)

    def change(i: int) -> int:
        payload = {"name": f"n{i}", "system_prompt": f"Prompt {i}"}
        return user.http.put(f"/v1/assistants/{assistant_id}", json=payload).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(change, range(8)))
    assert statuses == [200] * 8
    numbers = [v.version_number for v in user.client.assistants.list_versions(assistant_id, per_page=50)]
    assert numbers == list(range(9, 0, -1))
    assert user.client.assistants.get(assistant_id).version_count == 9
