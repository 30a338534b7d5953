"""Rendering a system prompt, as each chat turn does: the first render of a template (parse, check,
compile) against later ones (compiled template from the cache), for a plain prompt and for one with a
loop (rendered through the guards that count its cost), and how long a runaway template (huge nested
loops) takes to be stopped.

Targets: a cached render of a plain prompt <= 0.1 ms; a runaway template stopped within its 0.5 s budget.
"""

from __future__ import annotations

import time

from bench.common import report
from codemill.assistants import templates
from codemill.assistants.templates import PromptLimitExceeded, render_prompt

PLAIN = (
    "You are the release assistant of {{ team }}, helping {{ current_user }} on {{ date }}.\n"
    + "Answer briefly, cite the checklist, and say when you are unsure. " * 20
    + "{% if language %}Answer in {{ language }}.{% endif %}"
)
LOOPED = PLAIN + "\nRules:\n{% for rule in rules.split(';') %}- {{ rule|trim }}\n{% endfor %}"
RUNAWAY = "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}"
VALUES = {"team": "platform", "language": "English", "rules": "one; two; three; four; five"}
RUNS = 2000


def _per_render_ms(template: str, runs: int) -> float:
    started = time.perf_counter()
    for _ in range(runs):
        render_prompt(template, VALUES, current_user="ann")
    return (time.perf_counter() - started) / runs * 1000


def _first_render_ms(template: str) -> float:
    samples = []
    for _ in range(20):
        templates.COMPILED.clear()
        samples.append(_per_render_ms(template, 1))
    return sorted(samples)[len(samples) // 2]


def main() -> None:
    """Print the figures."""
    rows = []
    for name, template in (("plain", PLAIN), ("with a loop", LOOPED)):
        first = _first_render_ms(template)
        render_prompt(template, VALUES, current_user="ann")
        cached = min(_per_render_ms(template, RUNS) for _ in range(3))
        rows.append({"template": name, "first_ms": first, "cached_ms": cached, "speedup": first / cached})
    started = time.perf_counter()
    try:
        render_prompt(RUNAWAY, {})
        stopped = "not stopped"
    except PromptLimitExceeded as exc:
        stopped = exc.message
    rows.append(
        {"template": "runaway", "first_ms": (time.perf_counter() - started) * 1000, "cached_ms": 0.0, "speedup": 0.0}
    )
    report("prompt_render", rows, {"cached_plain_ms": 0.1, "runaway_stopped_within_ms": 500, "runaway": stopped})


if __name__ == "__main__":
    main()
