"""Prompt templates: what is accepted when saving, and how chat renders them."""

from __future__ import annotations

import pytest

from codemill.assistants.templates import PromptTemplateError, check_template, protect_json_blocks, render_prompt


def test_variables_read_by_a_template_exclude_loop_variables() -> None:
    checked = check_template("Hi {{ name }}. {% for item in items %}{{ item }} {% endfor %}")
    assert checked.variables == {"name", "items"}


def test_render_uses_builtins_then_given_values_and_empty_for_unknown() -> None:
    out = render_prompt(
        "{{ current_user }}|{{ lang }}|{{ missing }}|{{ date[:3] }}", {"lang": "Go"}, current_user="ann"
    )
    user, lang, missing, day = out.split("|")
    assert (user, lang, missing) == ("ann", "Go", "")
    assert day in {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}


def test_given_values_override_builtins() -> None:
    assert render_prompt("{{ current_user }}", {"current_user": "bob"}, current_user="ann") == "bob"


def test_json_in_double_braces_is_text_not_template() -> None:
    template = 'Answer as {{"status": "ok", "items": [1, 2]}} and greet {{ name }}.'
    assert check_template(template).variables == {"name"}
    assert render_prompt(template, {"name": "Ann"}) == 'Answer as {{"status": "ok", "items": [1, 2]}} and greet Ann.'
    assert "{% raw %}" in protect_json_blocks(template)


def test_no_autoescaping_in_prompts() -> None:
    assert render_prompt("{{ code }}", {"code": "a < b && c > d"}) == "a < b && c > d"


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{{ name", "end of print statement"),
        ("{% if x %}unclosed", "endif"),
        ("{% for %}", "xpected"),
        ("{{ x.__class__.__mro__ }}", "private attribute '__class__'"),
        ("{{ x['__globals__'] }}", "private key '__globals__'"),
        ("{{ _secret }}", "'_secret' is not allowed"),
        ('{% include "other" %}', "includes"),
        ("{{ self }}", "'self' is not allowed"),
    ],
)
def test_bad_templates_are_refused_with_a_reason(template: str, fragment: str) -> None:
    with pytest.raises(PromptTemplateError) as err:
        check_template(template)
    assert fragment in err.value.message


def test_syntax_errors_report_their_line() -> None:
    with pytest.raises(PromptTemplateError) as err:
        check_template("line one\nline two\n{{ broken }")
    assert err.value.line == 3


def test_sandbox_blocks_unsafe_calls_at_render_time() -> None:
    # Attribute access that passes the static check still runs inside the sandbox.
    with pytest.raises(PromptTemplateError):
        render_prompt("{{ text.format.__self__ }}", {"text": "x"})
    with pytest.raises(PromptTemplateError):
        render_prompt("{{ ''.__class__ }}", {})
