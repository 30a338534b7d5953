"""The model catalogue: which chat and embedding models exist, their provider deployment, costs and features."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from codemill.settings import Settings

# Values the CodeMie SDK's LLMProvider enum accepts; other providers are reported without `provider`.
SDK_PROVIDERS = {"azure_openai", "aws_bedrock", "google_vertexai", "vertex_ai-anthropic_models", "anthropic"}

MOCK_MODEL = "mock"


class Cost(BaseModel):
    """USD per token."""

    input: float = 0.0
    output: float = 0.0


class Features(BaseModel):
    """What the model supports."""

    streaming: bool = True
    tools: bool = True
    temperature: bool = True
    parallel_tool_calls: bool = True
    system_prompt: bool = True
    max_tokens: bool = True
    # Reads images in user messages (attached images are then described by the model).
    vision: bool = False


class CatalogueModel(BaseModel):
    """One model entry."""

    model_config = ConfigDict(extra="forbid")

    base_name: str
    deployment_name: str | None = None
    label: str | None = None
    provider: str = "openai"
    api: Literal["openai", "azure", "mock"] = "openai"
    enabled: bool = True
    default: bool = False
    default_for_categories: list[str] = Field(default_factory=list)
    multimodal: bool = False
    react_agent: bool = False
    cost: Cost = Field(default_factory=Cost)
    max_output_tokens: int | None = None
    context_window: int = 128_000
    features: Features = Field(default_factory=Features)
    is_premium: bool = False
    embedding_dimensions: int | None = None
    # Per-model endpoint (e.g. Azure deployments in different resources); settings.llm otherwise.
    base_url: str | None = None
    api_version: str | None = None

    def out(self) -> dict[str, Any]:
        """The entry as /v1/llm_models returns it (nulls dropped, like CodeMie)."""
        data = self.model_dump(
            exclude={"api", "context_window", "embedding_dimensions", "base_url", "api_version"}, exclude_none=True
        )
        if self.provider not in SDK_PROVIDERS:
            data.pop("provider")
        data["deployment_name"] = self.deployment_name or self.base_name
        data["label"] = self.label or self.base_name
        data["supports_tools"] = self.features.tools
        return data


class CatalogueFile(BaseModel):
    """The YAML file's shape."""

    llm_models: list[CatalogueModel] = Field(default_factory=list)
    embeddings_models: list[CatalogueModel] = Field(default_factory=list)


class Catalogue:
    """Chat and embedding models by name, with the default of each."""

    def __init__(self, llm_models: list[CatalogueModel], embeddings_models: list[CatalogueModel]) -> None:
        self.llm_models = [m for m in llm_models if m.enabled]
        self.embeddings_models = [m for m in embeddings_models if m.enabled]

    def llm(self, name: str | None) -> CatalogueModel | None:
        """A chat model by base name or deployment name; the default when name is empty."""
        if not name:
            return self.default_llm()
        return next((m for m in self.llm_models if name in (m.base_name, m.deployment_name)), None)

    def premium_llms(self) -> tuple[str, ...]:
        """Base names of the chat models marked premium (their usage counts as the premium_models budget)."""
        return tuple(m.base_name for m in self.llm_models if m.is_premium)

    def default_llm(self) -> CatalogueModel | None:
        """The default chat model."""
        return next((m for m in self.llm_models if m.default), self.llm_models[0] if self.llm_models else None)

    def embedding(self, name: str | None) -> CatalogueModel | None:
        """An embedding model by name; the default when name is empty."""
        if not name:
            return next((m for m in self.embeddings_models if m.default), None) or (
                self.embeddings_models[0] if self.embeddings_models else None
            )
        return next((m for m in self.embeddings_models if name in (m.base_name, m.deployment_name)), None)


def mock_model() -> CatalogueModel:
    """The built-in mock model, offered when no provider is configured."""
    return CatalogueModel(
        base_name=MOCK_MODEL,
        label="Mock LLM (no provider configured)",
        provider="codemill",
        api="mock",
        default=True,
        context_window=32_000,
        max_output_tokens=4096,
    )


def load_catalogue(settings: Settings) -> Catalogue:
    """The catalogue from CODEMILL_LLM__CATALOGUE; the mock model when no provider is configured."""
    path: Path | None = settings.llm.catalogue
    parsed = CatalogueFile()
    if path is not None:
        try:
            parsed = CatalogueFile.model_validate(yaml.safe_load(path.read_text()) or {})
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise ValueError(f"cannot read the model catalogue {path}: {exc}") from exc
    llm_models = list(parsed.llm_models)
    if settings.llm.base_url is None or not llm_models:
        if not any(m.api == "mock" for m in llm_models):
            llm_models.append(mock_model())
    return Catalogue(llm_models, list(parsed.embeddings_models))
