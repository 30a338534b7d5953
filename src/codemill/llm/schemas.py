"""/v1/llm_models and /v1/embeddings_models entries (CodeMie's LLMModel; nulls dropped, like CodeMie)."""

from __future__ import annotations

from typing import Any

from codemill.kit.api_schemas import OpenOut


class ModelEntryOut(OpenOut):
    """A catalogue entry; optional fields (provider, max_output_tokens…) appear only when set."""

    base_name: str
    deployment_name: str
    label: str
    enabled: bool
    default: bool
    multimodal: bool
    react_agent: bool
    cost: dict[str, float]
    features: dict[str, Any]
    supports_tools: bool
