"""Optional OpenTelemetry traces (an agent run, its model calls and tool calls), exported over OTLP/HTTP.

Off unless `observability.otlp_endpoint` is set: the OpenTelemetry API's default tracer then records
nothing and costs next to nothing per span. Configured once per process (serve, worker).
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from codemill import __version__
from codemill.settings import ObservabilitySettings

_provider: TracerProvider | None = None


def tracer() -> trace.Tracer:
    """Codemill's tracer (a no-op one until tracing is configured)."""
    return trace.get_tracer("codemill", __version__)


def configure_tracing(settings: ObservabilitySettings) -> None:
    """Export spans to the OTLP endpoint when one is set (idempotent within a process)."""
    global _provider
    if not settings.otlp_endpoint or _provider is not None:
        return
    resource = Resource.create({"service.name": settings.service_name, "service.version": __version__})
    _provider = TracerProvider(resource=resource)
    endpoint = settings.otlp_endpoint.rstrip("/") + "/v1/traces"
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(_provider)


def shutdown_tracing() -> None:
    """Flush the spans still queued (at process exit)."""
    global _provider
    if _provider is not None:
        _provider.shutdown()
        _provider = None
