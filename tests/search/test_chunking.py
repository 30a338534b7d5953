"""Chunking: functions and classes stay whole in code; prose packs paragraphs; keys are stable."""

from __future__ import annotations

from codemill.search.chunking import chunk_item, split_prose

PYTHON = '''import os


@decorator
def first(a):
    """Doc."""
    return a + 1


class Second:
    def method(self):
        return 2

    def other(self):
        return 3


def third():
    return os.getcwd()
'''

JAVA = """package demo;

public class Alpha {
    public int one() {
        return 1;
    }
}

public class Beta {
    public int two() { return 2; }
}
"""


def test_python_definitions_stay_whole() -> None:
    chunks = chunk_item("pkg/mod.py", PYTHON, max_chars=60, overlap=0)
    texts = [c.text for c in chunks]
    assert any(t.startswith("@decorator\ndef first(a):") and "return a + 1" in t for t in texts)
    assert any(t.startswith("class Second:") and "def other(self):" in t and "return 3" in t for t in texts)
    assert all(c.meta["start_line"] <= c.meta["end_line"] for c in chunks)


def test_brace_language_blocks_stay_whole() -> None:
    chunks = chunk_item("src/Alpha.java", JAVA, max_chars=70, overlap=0)
    texts = [c.text for c in chunks]
    assert any("public class Alpha {" in t and t.rstrip().endswith("}") and "return 1;" in t for t in texts)
    assert any("public class Beta {" in t and "return 2;" in t for t in texts)


def test_huge_function_is_split_on_lines() -> None:
    body = "def big():\n" + "".join(f"    x{n} = {n}\n" for n in range(400))
    chunks = chunk_item("big.py", body, max_chars=500, overlap=0)
    assert len(chunks) > 1 and all(len(c.text) <= 520 for c in chunks)
    assert "".join(c.text + "\n" for c in chunks).count("x399 = 399") == 1


def test_prose_packs_paragraphs_with_overlap() -> None:
    text = "\n\n".join(f"Paragraph {n} " + "word " * 30 for n in range(10))
    chunks = split_prose(text, max_chars=400, overlap=50)
    assert len(chunks) > 2 and all(len(c) <= 450 for c in chunks)
    assert all(f"Paragraph {n}" in text for n in range(10))


def test_chunk_keys_are_stable_and_distinct() -> None:
    one = chunk_item("a.md", "alpha\n\nbeta", 1000, 0)
    two = chunk_item("a.md", "alpha\n\nbeta", 1000, 0)
    other = chunk_item("b.md", "alpha\n\nbeta", 1000, 0)
    assert [c.key("a.md") for c in one] == [c.key("a.md") for c in two]
    assert one[0].key("a.md") != other[0].key("b.md")
