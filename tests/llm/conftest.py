"""The fake OpenAI-protocol server for the LLM tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.openai_server import OpenAIServer


@pytest.fixture(scope="session")
def openai_server() -> Iterator[OpenAIServer]:
    """One real OpenAI-protocol server for the session (its script is reset for each test)."""
    server = OpenAIServer()
    yield server
    server.close()


@pytest.fixture
def fake_openai(openai_server: OpenAIServer) -> Iterator[OpenAIServer]:
    """The server with a clean script."""
    openai_server.script.reset()
    yield openai_server
    openai_server.script.reset()
