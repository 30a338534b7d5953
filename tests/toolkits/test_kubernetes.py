"""The Kubernetes tool through a chat on a live server, against a stand-in API server: reads with the
integration's token, writes refused on a read-only integration, a scale allowed once the integration
allows writes (and the assistant runs unattended)."""

from __future__ import annotations

import json
from collections.abc import Callable

from codemie_sdk.models.integration import CredentialTypes

from tests.conftest import TestUser
from tests.plugins.scripted_model import ScriptedModelServer
from tests.support.server import LiveServer
from tests.toolkits.kube_rest import KubeApi

from .live import chat, create_assistant, create_integration, ended_thoughts, server_http

TOKEN = "kube-sa-token"
SCALE = {"method": "PATCH", "suburl": "/apis/apps/v1/namespaces/shop/deployments/web",
         "body": json.dumps({"spec": {"replicas": 4}})}  # fmt: skip


def test_reads_run_and_writes_need_the_integrations_consent(
    scripted_server: LiveServer, scripted: ScriptedModelServer, make_user: Callable[..., TestUser]
) -> None:
    user = make_user("kube")
    kube = KubeApi(TOKEN)
    try:
        read_only = create_integration(
            user, CredentialTypes.KUBERNETES, kubernetes_url=kube.url, kubernetes_token=TOKEN
        )
        writable = create_integration(
            user, CredentialTypes.KUBERNETES, kubernetes_url=kube.url, kubernetes_token=TOKEN, allow_writes=True
        )
        scripted.script.plan = [
            ("Kubernetes", {"method": "GET", "suburl": "/api/v1/namespaces/shop/pods",
                            "body": json.dumps({"labelSelector": "app=web"})}),
            ("Kubernetes", {"method": "GET", "suburl": "/apis/apps/v1/namespaces/shop/deployments/api"}),
            ("Kubernetes", {"method": "GET", "suburl": "/api/v1/namespaces/shop/pods?watch=true"}),
            ("Kubernetes", {"method": "GET", "suburl": "https://169.254.169.254/latest"}),
            ("Kubernetes", SCALE),
        ]  # fmt: skip
        with server_http(scripted_server.url, user) as http:
            reader = create_assistant(user, http, "Cloud", ["Kubernetes"], read_only, "auto_approve", "Kubernetes")
            pods, missing, watch, elsewhere, refused = ended_thoughts(chat(http, reader, f"k8s-{user.id[:8]}", "Pods?"))
            scripted.script.plan = [("Kubernetes", SCALE)]
            writer = create_assistant(user, http, "Cloud", ["Kubernetes"], writable, "auto_approve", "Kubernetes")
            (scaled,) = ended_thoughts(chat(http, writer, f"k8s-w-{user.id[:8]}", "Scale web to 4"))
        assert pods["error"] is False and "web-7d9f-abcde" in pods["message"] and "worker" not in pods["message"]
        assert missing["error"] is True and "HTTP 404" in missing["message"] and "not found" in missing["message"]
        assert watch["error"] is True and "Watches are not supported" in watch["message"]
        assert elsewhere["error"] is True and "must be an API path" in elsewhere["message"]
        assert refused["error"] is True and "read-only" in refused["message"]
        assert scaled["error"] is False and kube.deployments["web"]["spec"]["replicas"] == 4
        # Only the two reads and the allowed patch reached the API server.
        assert [m for m, _ in kube.requests] == ["GET", "GET", "PATCH"]
    finally:
        kube.close()
