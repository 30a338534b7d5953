"""The field-level diff between two versions and its summary."""

from __future__ import annotations

from codemill.assistants.versions import VERSIONED_FIELDS, diff, normalised, summary


def config(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "description": "d",
        "system_prompt": "You help.",
        "llm_model_type": "mock",
        "temperature": 0.2,
        "top_p": None,
        "context": [],
        "toolkits": [{"toolkit": "Utilities", "tools": [{"name": "calculator", "settings_config": False}]}],
        "mcp_servers": [],
        "assistant_ids": [],
        "prompt_variables": [],
        "conversation_starters": ["a", "b"],
    }
    return base | changes


def test_identical_configs_have_no_differences() -> None:
    assert diff(config(), config()) == {}
    assert summary({}, 1, 2) == "No differences between version 1 and version 2"


def test_scalar_change_reports_old_and_new_values() -> None:
    changes = diff(config(), config(temperature=0.9, system_prompt="You review code."))
    assert set(changes) == {"temperature", "system_prompt"}
    assert changes["temperature"] == {"old_value": 0.2, "new_value": 0.9}
    assert changes["system_prompt"]["new_value"] == "You review code."
    text = summary(changes, 1, 3)
    assert text.startswith("Changes from version 1 to version 3:")
    assert "2 field(s) modified" in text and "temperature: 0.2 → 0.9" in text


def test_list_change_reports_added_and_removed_items() -> None:
    changes = diff(config(), config(conversation_starters=["b", "c"]))
    starters = changes["conversation_starters"]
    assert starters["added"] == ["c"] and starters["removed"] == ["a"] and starters["reordered"] is False
    assert "conversation_starters: 1 added, 1 removed" in summary(changes, 2, 3)


def test_reordering_is_a_change_without_additions() -> None:
    starters = diff(config(), config(conversation_starters=["b", "a"]))["conversation_starters"]
    assert starters["added"] == [] and starters["removed"] == [] and starters["reordered"] is True


def test_nested_toolkit_changes_are_compared_by_value() -> None:
    more = [{"toolkit": "Utilities", "tools": [{"name": "calculator"}, {"name": "current_datetime"}]}]
    changes = diff(config(), config(toolkits=more))
    assert changes["toolkits"]["removed"] == config()["toolkits"]
    assert changes["toolkits"]["added"] == more


def test_computed_settings_config_flag_is_not_a_change() -> None:
    flipped = [{"toolkit": "Utilities", "tools": [{"name": "calculator", "settings_config": True}]}]
    assert diff(config(), config(toolkits=flipped)) == {}


def test_older_snapshots_missing_fields_compare_with_defaults() -> None:
    old = {k: v for k, v in config().items() if k != "prompt_variables"}
    assert normalised(old)["prompt_variables"] == []
    assert set(normalised(old)) == set(VERSIONED_FIELDS)
    assert diff(old, config()) == {}
    added = diff(old, config(prompt_variables=[{"key": "x", "default_value": "1"}]))
    assert added["prompt_variables"]["added"] == [{"key": "x", "default_value": "1"}]


def test_long_text_changes_are_summarised_without_the_text() -> None:
    changes = diff(config(), config(system_prompt="x" * 500))
    assert "system_prompt changed" in summary(changes, 1, 2)
    assert "x" * 100 not in summary(changes, 1, 2)
