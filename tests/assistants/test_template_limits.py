"""Prompt templates: compiled once per text (bounded cache), and every render bounded in loops, output and time."""

from __future__ import annotations

import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from codemill.assistants import templates
from codemill.assistants.templates import (
    PromptLimitExceeded,
    PromptTemplateError,
    RenderLimits,
    check_template,
    render_prompt,
    render_prompt_async,
)

HUGE_NESTED_LOOPS = "{% for a in range(100000) %}{% for b in range(100000) %}{{ a * b }}{% endfor %}{% endfor %}"


def test_a_template_is_compiled_once_and_reused() -> None:
    template = "You help {{ current_user }} with {{ topic }}. {% for r in rules %}- {{ r }}\n{% endfor %}"
    templates.COMPILED.clear()
    first = templates.COMPILED.get(template)
    assert render_prompt(template, {"topic": "maths"}, current_user="ann").startswith("You help ann with maths.")
    assert render_prompt(template, {"topic": "go"}, current_user="bob").startswith("You help bob with go.")
    assert templates.COMPILED.get(template) is first
    assert len(templates.COMPILED) == 1


def test_the_cache_is_bounded_in_entries_and_characters() -> None:
    cache = templates._CompiledCache(entries=2, chars=100)
    a, b, c = "A {{ x }}", "B {{ x }}", "C {{ x }}"
    kept_a = cache.get(a)
    cache.get(b)
    assert cache.get(a) is kept_a  # a is now the most recently used
    cache.get(c)  # evicts b, the least recently used
    assert len(cache) == 2 and cache.get(a) is kept_a
    long = "L" * 90 + "{{ x }}"
    cache.get(long)  # 97 characters: everything else goes
    assert len(cache) == 1
    cache.get("T" * 200)  # longer than the whole cache: compiled, not kept
    assert len(cache) == 1


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        (HUGE_NESTED_LOOPS, "loops ran more than 100000 iterations"),
        ("{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}", "iterations"),
        ("{% for x in [1] recursive %}{% for y in range(50000) %}{% endfor %}{{ loop([1]) }}{% endfor %}", "loops"),
        (
            "{% macro m() %}{% for i in range(99999) %}{{ 'y' * 100 }}{% endfor %}{% endmacro %}{{ m()|length }}",
            "produced",
        ),
        ("{% set x %}{% for i in range(20000) %}{{ 'z' * 100 }}{% endfor %}{% endset %}{{ x|length }}", "produced"),
        ("{{ 'a' * 1000000000 }}", "larger than"),
        ("{{ 'x'|center(1000000000) }}", "limited to 100000"),
        ("{{ [1]|slice(1000000000)|list }}", "limited to 100000"),
        ("{{ 2 ** 100000 }}", "too large"),
        ("{{ '%0999999d' % 1 }}", "format widths"),
        ("{{ '{:>99999999}'.format('x') }}", "format widths"),
        ("{{ ('x' * 10000).replace('', 'y' * 10000) }}", "larger than"),
        ("{{ range(100000)|join('y' * 100000) }}", "larger than"),
        ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "larger"),
        # Lists sharing members: tiny in memory, exponential to print or compare.
        ("{% set a = [1] %}" + "{% set a = [a, a] %}" * 40 + "{{ a == a[:] }}", "list or dict"),
    ],
)
def test_renders_past_a_limit_end_with_a_clear_error(template: str, reason: str) -> None:
    with pytest.raises(PromptLimitExceeded) as err:
        # A generous deadline, so that each template meets the limit it is about whatever the machine's speed.
        render_prompt(template, {}, limits=RenderLimits(seconds=60))
    assert reason in err.value.message


def test_the_deadline_ends_a_render() -> None:
    with pytest.raises(PromptLimitExceeded, match="took longer than 0 s"):
        render_prompt("{% for i in range(3) %}{{ i }}{% endfor %}", {}, limits=RenderLimits(seconds=0.0))


def test_variables_count_toward_the_limits() -> None:
    template = "{% for a in topic %}{% for b in topic %}{% for c in topic %}.{% endfor %}{% endfor %}{% endfor %}"
    assert len(render_prompt(template, {"topic": "x" * 10})) == 1000
    with pytest.raises(PromptLimitExceeded):
        render_prompt(template, {"topic": "x" * 100})
    # A template with no loops is bounded by its reads: a huge value cannot be repeated past the output limit.
    with pytest.raises(PromptLimitExceeded):
        render_prompt("{{ v }}" * 20, {"v": "x" * 100_000}, limits=RenderLimits(output_chars=1_000_000))
    assert len(render_prompt("{{ v }}" * 5, {"v": "x" * 100_000})) == 500_000


async def test_async_renders_are_bounded_too() -> None:
    with pytest.raises(PromptLimitExceeded):
        await render_prompt_async(HUGE_NESTED_LOOPS, {})
    assert await render_prompt_async("Hi {{ who }}", {"who": "Ann"}) == "Hi Ann"
    looped = "{% for i in range(3) %}{{ i }}{% endfor %}"
    assert await render_prompt_async(looped, {}) == "012"


ORDINARY = [
    "Hello {{ name }}!\n",
    "{% for item in items %}{{ loop.index }}. {{ item|upper }}{% if not loop.last %}, {% endif %}{% endfor %}",
    "{% macro row(k, v) %}{{ k }}={{ v }}{% endmacro %}{% for k, v in pairs %}{{ row(k, v) }};{% endfor %}",
    "{% set ns = namespace(total=0) %}{% for n in numbers %}{% set ns.total = ns.total + n %}{% endfor %}{{ ns.total }}",
    "{{ items|join(', ') }} / {{ name ~ '!' ~ name }} / {{ [1, 2] + [3] }} / {{ dict(a=1)['a'] * 3 }}",
    "{% for x in tree recursive %}[{{ x.name }}{{ loop(x.children) }}]{% endfor %}",
    "{% filter upper %}{% for i in range(3) %}{{ i }}x{% endfor %}{% endfilter %}{% set b %}{{ name }}{% endset %}{{ b }}",
    "{{ '%s has %d items'|format(name, 3) }} {{ '{} and {}'.format(name, 'x') }} {{ '%-5s|' % name }}",
    "{% for a, b in [(1, 2), (3, 4)] if a > 1 %}{{ a }}{{ b }}{% else %}none{% endfor %}",
    "{% macro row_of(n) %}{% for i in range(n) %}{{ caller(i) }}{% endfor %}{% endmacro %}"
    "{% call(x) row_of(3) %}<{{ x }}>{% endcall %}",
]
VALUES = {
    "name": "Ann",
    "items": ["a", "b", "c"],
    "pairs": [("k1", "v1"), ("k2", "v2")],
    "numbers": [1, 2, 3, 4],
    "tree": [{"name": "root", "children": [{"name": "leaf", "children": []}]}],
}


@pytest.mark.parametrize("template", ORDINARY)
def test_guards_do_not_change_what_ordinary_templates_render(template: str) -> None:
    reference = ImmutableSandboxedEnvironment(autoescape=False, keep_trailing_newline=True)
    expected = reference.from_string(template).render(VALUES)
    assert render_prompt(template, VALUES) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "template",
    ["{{ x|_codemill_out }}", "{% macro _m() %}{% endmacro %}", "{% set ns = namespace() %}{% set ns._p = 1 %}"],
)
def test_reserved_names_are_refused(template: str) -> None:
    with pytest.raises(PromptTemplateError):
        check_template(template)
