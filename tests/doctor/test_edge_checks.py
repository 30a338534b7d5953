"""The FAQ's edge checks against real servers: DNS, TLS certificates from a test CA (good, expired,
expiring, untrusted), the ingress answering, NATS's public listener with and without TLS, Terraform
outputs against chart values, and --json."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from codemill.doctor import Status
from codemill.doctor.__main__ import main as doctor_main
from codemill.doctor.checks import DoctorInputs
from codemill.doctor.run import collect
from codemill.settings import Settings
from tests.doctor.ca import CertificateAuthority, https_server, nats_server


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **overrides)  # type: ignore[call-arg, arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority.create(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def good_ingress(ca: CertificateAuthority, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    cert = ca.issue(
        tmp_path_factory.mktemp("good"), "good", valid_from=-timedelta(days=1), valid_until=timedelta(days=90)
    )
    with https_server(*cert) as port:
        yield port


async def test_a_healthy_edge_passes_dns_tls_and_ingress(
    ca: CertificateAuthority, good_ingress: int, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, public_url=f"https://localhost:{good_ingress}")
    results = {r.component: r for r in await collect(settings, ["dns", "tls", "ingress"], 5, DoctorInputs(ca.ca_file))}
    assert results["dns"].status is Status.OK and "localhost" in results["dns"].detail
    assert results["tls"].status is Status.OK and "valid until" in results["tls"].detail
    assert results["ingress"].status is Status.OK


async def test_a_wrong_host_names_the_host_and_the_setting(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path, public_url="https://codemill.wrong-host.invalid", llm={"base_url": "http://127.0.0.1:4000/v1"}
    )
    [result] = await collect(settings, ["dns"], 5)
    assert result.status is Status.FAILED
    assert "codemill.wrong-host.invalid (CODEMILL_PUBLIC_URL)" in result.detail
    assert "DNS record" in result.fix


async def test_an_expired_certificate_is_named_with_the_remedy(ca: CertificateAuthority, tmp_path: Path) -> None:
    cert = ca.issue(tmp_path, "expired", valid_from=-timedelta(days=100), valid_until=-timedelta(days=1))
    with https_server(*cert) as port:
        settings = settings_for(tmp_path, public_url=f"https://localhost:{port}")
        results = {r.component: r for r in await collect(settings, ["tls", "ingress"], 5, DoctorInputs(ca.ca_file))}
    assert results["tls"].status is Status.FAILED
    assert "expired" in results["tls"].detail and "cert-manager" in results["tls"].fix
    assert results["ingress"].status is Status.FAILED  # clients refuse it too


async def test_a_certificate_about_to_expire_fails(ca: CertificateAuthority, tmp_path: Path) -> None:
    cert = ca.issue(tmp_path, "expiring", valid_from=-timedelta(days=80), valid_until=timedelta(days=3))
    with https_server(*cert) as port:
        settings = settings_for(tmp_path, public_url=f"https://localhost:{port}")
        [result] = await collect(settings, ["tls"], 5, DoctorInputs(ca.ca_file))
    assert result.status is Status.FAILED and "expires in 2 day(s)" in result.detail


async def test_a_certificate_from_an_untrusted_ca_fails(good_ingress: int, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, public_url=f"https://localhost:{good_ingress}")
    [result] = await collect(settings, ["tls"], 5)  # the system's CAs do not know the test CA
    assert result.status is Status.FAILED and "not accepted" in result.detail and "--ca-file" in result.fix


async def test_nats_public_listener_must_require_tls(ca: CertificateAuthority, tmp_path: Path) -> None:
    plain_port, tls_port = free_port(), free_port()
    cert = ca.issue(tmp_path, "nats", valid_from=-timedelta(days=1), valid_until=timedelta(days=90))
    with nats_server(tmp_path, plain_port, None), nats_server(tmp_path, tls_port, cert):
        plain = settings_for(tmp_path, nats={"public_url": f"tls://127.0.0.1:{plain_port}"})
        [result] = await collect(plain, ["nats-tls"], 5, DoctorInputs(ca.ca_file))
        assert result.status is Status.FAILED and "plain-text" in result.detail
        assert "nats.external" in result.fix
        secured = settings_for(tmp_path, nats={"public_url": f"tls://localhost:{tls_port}"})
        [result] = await collect(secured, ["nats-tls"], 5, DoctorInputs(ca.ca_file))
        assert result.status is Status.OK, result
    handed_plain = settings_for(tmp_path, nats={"public_url": "nats://plugins.example.com:4222"})
    [result] = await collect(handed_plain, ["nats-tls"], 5)
    assert result.status is Status.FAILED and "not a tls:// URL" in result.detail


def terraform_outputs(path: Path, **values: object) -> Path:
    path.write_text(json.dumps({k: {"value": v, "type": "string", "sensitive": False} for k, v in values.items()}))
    return path


async def test_terraform_outputs_against_chart_values(tmp_path: Path) -> None:
    outputs = terraform_outputs(
        tmp_path / "outputs.json",
        codemill_url="https://codemill.example.com",
        nats_public_url="tls://plugins.example.com:4222",
        nats_public_ip="20.1.2.3",
        workload_identity_client_id="11111111-2222-3333-4444-555555555555",
    )
    values = tmp_path / "values.yaml"
    values.write_text(
        yaml.safe_dump(
            {
                "ingress": {"host": "codemill.example.com"},
                "config": {"natsPublicUrl": "tls://plugins.example.com:4222"},
                "nats": {"external": {"loadBalancerIP": "20.1.2.3"}},
                "serviceAccount": {
                    "annotations": {"azure.workload.identity/client-id": "11111111-2222-3333-4444-555555555555"}
                },
            }
        )
    )
    settings = settings_for(tmp_path)
    [result] = await collect(settings, ["terraform"], 5, DoctorInputs(None, outputs, (values,)))
    assert result.status is Status.OK, result
    override = tmp_path / "override.yaml"
    override.write_text(yaml.safe_dump({"nats": {"external": {"loadBalancerIP": "20.9.9.9"}}}))
    [result] = await collect(settings, ["terraform"], 5, DoctorInputs(None, outputs, (values, override)))
    assert result.status is Status.FAILED
    assert "nats_public_ip" in result.detail and "20.9.9.9" in result.detail and "helm upgrade" in result.fix


def test_json_output_for_automation(
    ca: CertificateAuthority,
    good_ingress: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CODEMILL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CODEMILL_PUBLIC_URL", f"https://localhost:{good_ingress}")
    code = doctor_main(["--only", "dns,tls,ingress,terraform", "--json", "--ca-file", str(ca.ca_file)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["ok"] is True
    assert [c["component"] for c in report["checks"]] == ["dns", "tls", "ingress", "terraform"]
    assert [c["status"] for c in report["checks"]] == ["ok", "ok", "ok", "skipped"]
    monkeypatch.setenv("CODEMILL_PUBLIC_URL", "https://codemill.wrong-host.invalid")
    assert doctor_main(["--only", "dns", "--json"]) == 1
    failed = json.loads(capsys.readouterr().out)
    assert failed["ok"] is False and failed["checks"][0]["fix"]
