"""The Grafana dashboard reads only metrics that /metrics exports."""

from __future__ import annotations

import json
import re

from codemill.kit.metrics import metrics
from tests.deploy.chart import ROOT

DASHBOARD = ROOT / "deploy" / "grafana" / "codemill.json"


def test_every_panel_queries_an_exported_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exported = {family.name for family in metrics().registry.collect()}
    suffixes = ("_bucket", "_count", "_sum", "_total")
    queried = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            for name in re.findall(r"\bcodemill_[a-z_]+", target["expr"]):
                base = next((name.removesuffix(s) for s in suffixes if name.endswith(s)), name)
                queried.add(base)
    assert queried <= exported, queried - exported
    assert {
        "codemill_http_request_duration_seconds",
        "codemill_chats",
        "codemill_llm_tokens",
        "codemill_jobs",
    } <= queried
