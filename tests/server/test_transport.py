"""Transport (issue 18): the server speaks TLS with its certificate and key, every answer carries the security
headers (HSTS over TLS), and a device trusts only the hall CA pinned in its config."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from server.main import create_app
from server.__main__ import main as server_main
from shared.sync.transport import HttpTransport, TransportError
from tests.live import live_server

NOT_BEFORE = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)  # fixed validity: no wall clock read here
NOT_AFTER = dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(subject: str, issuer_key, issuer: str, key, *, ca: bool) -> x509.Certificate:  # noqa: ANN001
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False),
                                        critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _hall_ca(tmp: Path, name: str) -> tuple[Path, Path, Path]:
    """(CA file, server certificate, server key) of a hall CA called `name`."""
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(name, ca_key, name, ca_key, ca=True)
    cert = _certificate("govhall-server", ca_key, name, key, ca=False)
    pem = serialization.Encoding.PEM
    paths = tmp / f"{name}-ca.pem", tmp / f"{name}-server.pem", tmp / f"{name}-server.key"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(cert.public_bytes(pem))
    paths[2].write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


def test_https_with_the_pinned_hall_ca_and_no_other(sqlite_database, settings, clock, tmp_path,  # noqa: ANN001
                                                    monkeypatch) -> None:
    ca, cert, key = _hall_ca(tmp_path, "hall-ca")
    other_ca, _, _ = _hall_ca(tmp_path, "other-ca")
    settings.tls_cert, settings.tls_key = cert, key
    app = create_app(settings, database=sqlite_database, clock=clock)
    with live_server(app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as url:
        assert url.startswith("https://")
        reply = HttpTransport(url, ca_file=ca).request("GET", "/healthz")
        assert reply.status == 200
        with pytest.raises(TransportError):  # a certificate of another CA is not the hall's server
            HttpTransport(url, ca_file=other_ca).request("GET", "/healthz")
        with pytest.raises(TransportError):  # nor is the system's trust store enough
            HttpTransport(url).request("GET", "/healthz")
        response = HttpTransport(url, ca_file=ca).session.get(f"{url}/api/v1/halls")
        assert response.headers["strict-transport-security"].startswith("max-age=")
        # The environment's CA bundle (requests lets it replace a session's `verify`) neither widens the pin
        # to another CA nor narrows it away from the hall's.
        for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            monkeypatch.setenv(variable, str(other_ca))
            assert HttpTransport(url, ca_file=ca).request("GET", "/healthz").status == 200
            with pytest.raises(TransportError):
                HttpTransport(url, ca_file=other_ca).request("GET", "/healthz")
            monkeypatch.delenv(variable)


@pytest.mark.parametrize("path,method", [("/healthz", "GET"), ("/api/v1/halls", "GET"), ("/nowhere", "GET"),
                                         ("/api/v1/auth/login", "POST")])
def test_every_answer_carries_the_security_headers(client, path: str, method: str) -> None:  # noqa: ANN001
    r = client.request(method, path, json={})
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in r.headers  # plain HTTP (tests, loopback demo): no HSTS


def test_an_oversized_body_is_refused_with_the_headers_too(client) -> None:  # noqa: ANN001
    r = client.post("/api/v1/auth/login", content=b"x" * (5 * 1024 * 1024), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["x-frame-options"] == "DENY"


def test_serve_refuses_a_certificate_without_its_key(tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("GOVHALL_DATA_DIR", str(tmp_path))
    assert server_main(["serve", "--tls-cert", str(tmp_path / "c.pem")]) == 2
    assert "--tls-key" in capsys.readouterr().err


@pytest.mark.slow
def test_python_m_server_serve_speaks_tls_with_its_certificate(tmp_path) -> None:  # noqa: ANN001
    """The real command: `python -m server serve --tls-cert … --tls-key …` answers HTTPS that a device pinned to
    the hall CA accepts (with HSTS), and plain HTTP gets no answer from it."""
    import socket
    import subprocess
    import sys
    import time

    import requests
    ca, cert, key = _hall_ca(tmp_path, "hall-ca")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GOVHALL_DATA_DIR": str(tmp_path / "data")}
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen([sys.executable, "-m", "server", "serve", "--port", str(port), "--tls-cert", str(cert),
                               "--tls-key", str(key)], cwd=root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                reply = HttpTransport(url, ca_file=ca).request("GET", "/healthz")
                break
            except TransportError:
                assert time.monotonic() < deadline, "python -m server serve did not answer over TLS"
                time.sleep(0.3)
        assert reply.status == 200
        assert HttpTransport(url, ca_file=ca).session.get(f"{url}/healthz").headers[
            "strict-transport-security"].startswith("max-age=")
        with pytest.raises(requests.RequestException):
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=3).raise_for_status()
    finally:
        server.terminate()
        server.wait(20)
