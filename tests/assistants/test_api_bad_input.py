"""Bad input gets a clear 4xx naming the field, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.assistants.support import create, new_request
from tests.conftest import TestUser


def body(user: TestUser, **changes: Any) -> dict[str, Any]:
    return new_request(user.email).model_dump(exclude_none=True) | changes


def test_unknown_model_is_named(make_user: Callable[..., TestUser]) -> None:
    user = make_user("badmodel")
    response = user.http.post("/v1/assistants", json=body(user, llm_model_type="gpt-nonexistent"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert "llm_model_type" in error["message"] and "gpt-nonexistent" in error["message"]
    assert "mock" in error["details"]["available"]


def test_invalid_prompt_template_is_refused(make_user: Callable[..., TestUser]) -> None:
    user = make_user("badtemplate")
    for template in ("Hello {{ name ", "{{ x.__class__.__subclasses__() }}"):
        response = user.http.post("/v1/assistants", json=body(user, system_prompt=template))
        assert response.status_code == 422, template
        assert response.json()["error"]["message"].startswith("system_prompt: invalid prompt template")
    assistant_id = create(user)
    update = user.http.put(f"/v1/assistants/{assistant_id}", json={"name": "x", "system_prompt": "{% if %}"})
    assert update.status_code == 422 and update.json()["error"]["details"]["field"] == "system_prompt"
    assert user.client.assistants.get(assistant_id).version_count == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"temperature": "hot"}, "temperature"),
        ({"temperature": 5}, "temperature"),
        ({"top_p": 1.5}, "top_p"),
        ({"toolkits": "calculator"}, "toolkits"),
        ({"context": [{"context_type": "video", "name": "x"}]}, "context.0.context_type"),
        ({"name": ""}, "name"),
        ({"categories": ["a", "b", "c", "d"]}, "categories"),
        ({"prompt_variables": [{"key": "x"}, {"key": "x"}]}, "prompt_variables"),
        ({"prompt_variables": [{"key": "has space"}]}, "prompt_variables.0.key"),
        ({"system_prompt": None}, "system_prompt"),
        (
            {
                "toolkits": [
                    {
                        "toolkit": "Git",
                        "tools": [],
                        "settings": {
                            "credential_type": "Git",
                            "credential_values": [{"key": "token", "value": "ghp_secret"}],
                        },
                    }
                ]
            },
            "toolkits.0.settings",
        ),
    ],
)
def test_wrong_fields_are_named(make_user: Callable[..., TestUser], changes: dict[str, Any], field: str) -> None:
    user = make_user("badfield")
    response = user.http.post("/v1/assistants", json=body(user, **changes))
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["message"]


def test_references_that_do_not_resolve(make_user: Callable[..., TestUser]) -> None:
    user = make_user("badref")
    for changes, status, fragment in (
        ({"slug": "has space"}, 422, "slug"),
        ({"assistant_ids": ["no-such-assistant"]}, 400, 'Assistant with ID "no-such-assistant" does not exist'),
        ({"project": "no-such-project-here"}, 404, "Project not found"),
    ):
        response = user.http.post("/v1/assistants", json=body(user, **changes))
        assert response.status_code == status, changes
        assert fragment in response.json()["error"]["message"]
    assert user.http.get("/v1/assistants", params={"scope": "created_by_user"}).json()["data"] == []


def test_unknown_ids_and_bad_list_parameters(make_user: Callable[..., TestUser]) -> None:
    user = make_user("badids")
    assert user.http.get("/v1/assistants/id/does-not-exist").status_code == 404
    assert user.http.put("/v1/assistants/does-not-exist", json={"name": "n", "system_prompt": "p"}).status_code == 404
    assert user.http.delete("/v1/assistants/does-not-exist").status_code == 404
    assert user.http.get("/v1/assistants", params={"scope": "everything"}).status_code == 422
    bad_filter = user.http.get("/v1/assistants", params={"filters": json.dumps({"colour": "red"})})
    assert bad_filter.status_code == 400 and "colour" in bad_filter.json()["error"]["message"]
    assert user.http.get("/v1/assistants", params={"filters": "{oops"}).status_code == 400
    assert user.http.get("/v1/assistants", params={"per_page": 0}).status_code == 422
    assert (
        user.http.post("/v1/assistants", content=b"{not json", headers={"content-type": "application/json"}).status_code
        == 422
    )


def test_nul_characters_never_reach_the_database(make_user: Callable[..., TestUser]) -> None:
    """Refused at the edge with a 422 naming each field (tests/security covers every other route)."""
    user = make_user("nul")
    made = user.http.post("/v1/assistants", json=body(user, name="Bad\u0000name", description="a\u0000b"))
    assert made.status_code == 422, made.text
    message = made.json()["error"]["message"]
    assert "name:" in message and "description:" in message
    for path in ("/v1/assistants/id/abc%00def", "/v1/assistants/slug/abc%00def"):
        assert user.http.get(path).status_code == 422
    assert user.http.delete("/v1/assistants/abc%00def").status_code == 422
    # JSON inside a query parameter: the NUL only appears once the filter is parsed.
    listed = user.http.get("/v1/assistants", params={"filters": json.dumps({"search": "Bad\u0000name"})})
    assert listed.status_code == 422 and "filters" in listed.json()["error"]["message"]
    assert user.http.get("/v1/assistants", params={"scope": "created_by_user"}).json()["data"] == []


def test_prompts_that_render_past_the_limits_are_refused(make_user: Callable[..., TestUser]) -> None:
    user = make_user("badrender")
    nested = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    refused = user.http.post("/v1/assistants", json=body(user, system_prompt=nested))
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["message"].startswith("system_prompt: the prompt template goes past the render limits")
    assert error["details"]["field"] == "system_prompt" and error["details"]["limits"]["loop_iterations"] == 100_000
    assert user.http.get("/v1/assistants", params={"scope": "created_by_user"}).json()["data"] == []

    # The test render uses the prompt variables, as chat does: the same template passes or not by their values.
    cubed = "{% for a in topic %}{% for b in topic %}{% for c in topic %}.{% endfor %}{% endfor %}{% endfor %}"
    variables = [{"key": "topic", "default_value": "x" * 10}]
    assistant_id = create(user, system_prompt=cubed, prompt_variables=variables)
    longer = [{"key": "topic", "default_value": "x" * 100}]
    update = user.http.put(
        f"/v1/assistants/{assistant_id}", json={"name": "n", "system_prompt": cubed, "prompt_variables": longer}
    )
    assert update.status_code == 422 and update.json()["error"]["details"]["field"] == "system_prompt"
    assert user.client.assistants.get(assistant_id).version_count == 1
