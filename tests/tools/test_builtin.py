"""The built-in tools: what they answer, and the errors they give the model."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from codemill.auth.principal import Principal
from codemill.tools.base import Tool, ToolContext, ToolError
from codemill.tools.registry import builtin_tool, toolkits, tools_for

CTX = ToolContext(Principal("u", "u@example.com", "u", "U", False, "local"), None, None, None, None, None)  # type: ignore[arg-type]


async def run(name: str, **args: Any) -> str:
    tool = builtin_tool(name)
    assert tool is not None
    return await tool.run(args, CTX)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 * (3 + 4) ** 2", "2 * (3 + 4) ** 2 = 98"),
        ("2^10", "2^10 = 1024"),
        ("sqrt(16) + pi", "sqrt(16) + pi = 7.14159265359"),
        ("What is 12*(3+4)?", "12*(3+4) = 84"),
        ("7 // 2 + 7 % 2", "7 // 2 + 7 % 2 = 4"),
    ],
)
async def test_calculator(expression: str, expected: str) -> None:
    assert await run("calculator", expression=expression) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("1/0", "Division by zero"),
        ("__import__('os').system('id')", "Unsupported element"),
        ("9 ** 99999", "Exponents above"),
        ("hello", "Unsupported element"),
        ("2 +", "Not an arithmetic expression"),
        ("", "required"),
    ],
)
async def test_calculator_refuses(expression: str, message: str) -> None:
    with pytest.raises(ToolError) as failure:
        await run("calculator", expression=expression)
    assert message in failure.value.message


async def test_current_datetime() -> None:
    berlin = await run("current_datetime", timezone="Europe/Berlin")
    assert berlin.startswith("Current date and time in Europe/Berlin: ")
    stamp = berlin.splitlines()[0].split(": ", 1)[1]
    assert datetime.fromisoformat(stamp).utcoffset() is not None
    assert "Weekday: " in berlin and "Unix timestamp: " in berlin
    free_text = await run("current_datetime", timezone="what time is it in Asia/Tokyo?")
    assert "in Asia/Tokyo" in free_text
    unknown = await run("current_datetime", timezone="Atlantis")
    assert "in UTC" in unknown and "not a known time zone" in unknown


async def test_format_json_yaml() -> None:
    out = await run("format_json_yaml", text='{"b": [1, 2], "a": {"c": true}}')
    assert out.startswith("Valid JSON. Formatted as JSON:\n")
    assert json.loads(out.split("\n", 1)[1]) == {"b": [1, 2], "a": {"c": True}}
    as_yaml = await run("format_json_yaml", text="name: codemill\nports: [80, 443]", output_format="yaml")
    assert as_yaml.startswith("Valid YAML. Formatted as YAML:") and "- 443" in as_yaml
    embedded = await run("format_json_yaml", text='Please format {"x": 1}')
    assert '"x": 1' in embedded
    with pytest.raises(ToolError) as failure:
        await run("format_json_yaml", text="{unclosed: [")
    assert "Neither valid JSON" in failure.value.message


async def test_text_statistics() -> None:
    out = await run("text_statistics", text="The cat sat. The cat ran!\nA dog barked?")
    stats = dict(line.split(": ", 1) for line in out.splitlines())
    assert stats["Words"] == "9" and stats["Lines"] == "2" and stats["Sentences"] == "3"
    assert int(stats["Tokens (cl100k)"]) > 0
    assert stats["Most frequent words"].startswith("cat (2)")


def test_registry_lists_toolkits_in_the_sdk_shape_and_resolves_assistant_toolkits() -> None:
    listed = toolkits()
    utilities = next(kit for kit in listed if kit["toolkit"] == "Utilities")
    names = [tool["name"] for tool in utilities["tools"]]
    assert names == ["calculator", "current_datetime", "format_json_yaml", "text_statistics"]
    assert all(isinstance(t, Tool) for t in tools_for([{"toolkit": "Utilities", "tools": []}]))
    assert [t.name for t in tools_for([{"toolkit": "Utilities", "tools": [{"name": "calculator"}]}])] == ["calculator"]
    assert [t.name for t in tools_for([{"toolkit": "Other", "tools": [{"name": "text_statistics"}]}])] == [
        "text_statistics"
    ]
    assert tools_for([{"toolkit": "Jira", "tools": [{"name": "search_jira"}]}]) == []
