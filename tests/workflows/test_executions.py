"""Executions through the SDK on the mock LLM: conditions, fan-out and join, the context store, states,
thoughts and transitions; interrupt_before and resume; abort; streaming; another user's 404s."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from tests.workflows.support import APPROVAL, BRANCHING, LINEAR_FIVE, TOOLS_AND_ITEMS, Runner, status_of

DONE = ("Succeeded", "Failed", "Aborted")


def test_branching_workflow_runs_to_succeeded(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-run")
    workflow_id = user.create(BRANCHING)
    execution_id = user.start(workflow_id, "v1.2")
    finished = user.wait_status(workflow_id, execution_id, *DONE)
    assert finished.status.value == "Succeeded", user.execution(workflow_id, execution_id)

    states = user.states(workflow_id, execution_id)
    names = [s.name for s in states]
    # The condition took `then`; both branches ran; the join ran once, after both of them.
    assert sorted(names) == sorted(["prepare", "plan", "security-review", "docs-review", "join", "finish"])
    assert all(s.status.value == "Succeeded" for s in states)
    by_name = {s.name: s for s in states}
    assert by_name["join"].started_at >= max(
        by_name["security-review"].completed_at, by_name["docs-review"].completed_at
    )
    assert by_name["security-review"].task == "Security review of v1.2"  # the context store fed the task

    executions = user.client.workflows.executions(workflow_id)
    thought_ids = [t.id for s in states for t in s.thoughts or []]
    thoughts = executions.get_thoughts(execution_id, thought_ids)
    assert len(thoughts) == len(states)
    review = next(t for t in thoughts if t.execution_state_id == by_name["security-review"].id)
    assert review.input_text == "Security review of v1.2" and "Security review of v1.2" in review.content

    into_join = executions.get_transition_to(execution_id, "join")
    assert into_join.from_state_id in ("security-review", "docs-review")
    assert into_join.workflow_context.context_store["release"] == "v1.2"

    final = executions.states(execution_id).get_output("finish").output or ""
    security = executions.states(execution_id).get_output("security-review").output
    docs = executions.states(execution_id).get_output("docs-review").output
    assert final == f"Release v1.2: {security} | {docs}"


def test_condition_otherwise_ends_the_run(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-otherwise")
    workflow_id = user.create(BRANCHING.replace("checks: 2", "checks: 1"))
    execution_id = user.start(workflow_id, "v2")
    assert user.wait_status(workflow_id, execution_id, *DONE).status.value == "Succeeded"
    assert [s.name for s in user.states(workflow_id, execution_id)] == ["prepare"]


def test_interrupt_before_pauses_and_resume_continues_with_edited_input(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-approve")
    workflow_id = user.create(APPROVAL)
    execution_id = user.start(workflow_id, "the customer")
    paused = user.wait_status(workflow_id, execution_id, "Interrupted", *DONE)
    assert paused.status.value == "Interrupted"
    assert {s.name: s.status.value for s in user.states(workflow_id, execution_id)} == {
        "draft": "Succeeded",
        "send": "Interrupted",
    }
    http = user.http()
    resumed = http.put(
        f"/v1/workflows/{workflow_id}/executions/{execution_id}/resume", json={"user_input": "Send the approved reply"}
    )
    assert resumed.status_code == 200, resumed.text
    assert user.wait_status(workflow_id, execution_id, *DONE).status.value == "Succeeded"
    send = next(s for s in user.states(workflow_id, execution_id) if s.name == "send")
    assert send.task == "Send the approved reply" and send.status.value == "Succeeded"


def test_abort_stops_a_running_execution(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-abort")
    workflow_id = user.create(LINEAR_FIVE)
    execution_id = user.start(workflow_id, "abort me")
    user.wait_states(workflow_id, execution_id, lambda seen: seen.get("one") == "In Progress")
    # The SDK's abort() cannot send its request (it calls put() without the body argument): raw HTTP here.
    aborted = user.http().put(f"/v1/workflows/{workflow_id}/executions/{execution_id}/abort")
    assert aborted.status_code == 200 and aborted.json()["overall_status"] == "Aborted"
    assert user.wait_status(workflow_id, execution_id, *DONE).status.value == "Aborted"
    seen = user.wait_states(workflow_id, execution_id, lambda seen: "In Progress" not in seen.values())
    assert seen == {"one": "Aborted"}


def test_stream_follows_the_states_to_the_end(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-stream")
    workflow_id = user.create(BRANCHING)
    http = user.http()
    with http.stream(
        "POST", f"/v1/workflows/{workflow_id}/executions", params={"stream": "true"}, json={"user_input": "v3"}
    ) as response:
        assert response.headers["content-type"].startswith("application/x-ndjson")
        records = [json.loads(line) for line in response.iter_lines() if line]
    assert records[-1]["last"] is True and records[-1]["workflow_execution"]["overall_status"] == "Succeeded"
    finished = [r["workflow_state"]["name"] for r in records[:-1] if r["workflow_state"]["status"] == "Succeeded"]
    assert sorted(finished) == sorted(["prepare", "plan", "security-review", "docs-review", "join", "finish"])


def test_another_user_gets_404_on_every_execution_endpoint(runner: Callable[[str], Runner]) -> None:
    owner, stranger = runner("wf-exec-owner"), runner("wf-exec-stranger")
    workflow_id = owner.create(APPROVAL)
    execution_id = owner.start(workflow_id, "private")
    owner.wait_status(workflow_id, execution_id, "Interrupted", *DONE)
    theirs = stranger.client.workflows.executions(workflow_id)
    for call in (
        lambda: theirs.get(execution_id),
        lambda: theirs.list(),
        lambda: theirs.states(execution_id).list(),
        lambda: theirs.states(execution_id).get_output("draft"),
        lambda: theirs.get_transition_to(execution_id, "draft"),
        lambda: theirs.get_thoughts(execution_id, ["x"]),
        lambda: theirs.resume(execution_id),
        lambda: stranger.http().put(f"/v1/workflows/{workflow_id}/executions/{execution_id}/abort").raise_for_status(),
        lambda: theirs.delete(execution_id),
        lambda: theirs.create(user_input="x"),
    ):
        assert status_of(call) == 404
    assert owner.execution(workflow_id, execution_id).status.value == "Interrupted"


def test_tool_node_switch_and_per_item_fan_out(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-items")
    workflow_id = user.create(TOOLS_AND_ITEMS)
    execution_id = user.start(workflow_id, '{"words": 3}')
    finished = user.wait_status(workflow_id, execution_id, *DONE)
    assert finished.status.value == "Succeeded", user.error(workflow_id, execution_id)
    states = user.states(workflow_id, execution_id)
    assert sorted(s.name for s in states) == ["count", "list-files", "report", "review #1", "review #2", "review #3"]
    tasks = sorted(s.task for s in states if s.name.startswith("review"))
    assert tasks == ["Review a.py", "Review b.py", "Review c.py"]
    report = user.client.workflows.executions(workflow_id).states(execution_id).get_output("report").output or ""
    assert report.startswith("3 words; [") and report.count("][") == 2 and "Review b.py" in report


def test_edit_output_and_export(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-edit")
    workflow_id = user.create(APPROVAL)
    execution_id = user.start(workflow_id, "the board")
    user.wait_status(workflow_id, execution_id, "Interrupted", *DONE)
    with user.http() as http:
        base = f"/v1/workflows/{workflow_id}/executions/{execution_id}"
        edited = http.put(f"{base}/states/draft/output", json={"output": "Dear board, all good."})
        assert edited.status_code == 200, edited.text
        assert http.put(f"{base}/resume", json={}).status_code == 200
        user.wait_status(workflow_id, execution_id, *DONE)
        send = next(s for s in user.states(workflow_id, execution_id) if s.name == "send")
        assert send.task == "Send this reply: Dear board, all good."  # the edited output fed the next state
        export = http.get(f"{base}/export").json()
    assert export["execution"]["overall_status"] == "Succeeded"
    assert [s["name"] for s in export["states"]] == ["draft", "send"]
    assert export["states"][0]["output"] == "Dear board, all good."
    assert [t["to_state_id"] for t in export["transitions"]] == ["draft", "send", "end"]


def test_a_chat_runs_a_workflow_and_its_states_become_thoughts(runner: Callable[[str], Runner]) -> None:
    user = runner("wf-chat")
    workflow_id = user.create(LINEAR_FIVE)
    conversation_id = str(uuid.uuid4())
    created = user.client.workflows.executions(workflow_id).create(
        user_input="ship it", conversation_id=conversation_id
    )
    assert user.wait_status(workflow_id, created["execution_id"], *DONE).status.value == "Succeeded"
    conversation = user.client.conversations.get_conversation(conversation_id)
    history = conversation.history
    assert [m.role for m in history] == ["User", "Assistant"]
    assert history[0].message == "ship it"
    assert [t.author_name for t in history[1].thoughts or []] == ["one", "two", "three", "four", "five"]
