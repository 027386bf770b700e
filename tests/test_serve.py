"""`fivestar serve` starts gunicorn with production settings from the environment and serves pages
and vendored static files; no page loads anything from another host."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

FIVESTAR = str(Path(sys.executable).parent / "fivestar")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fivestar.settings.prod", "SECRET_KEY": "s" * 64,
           "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "FIVESTAR_VAR_DIR": str(tmp_path),
           "STATIC_ROOT": str(tmp_path / "static"), "PORT": str(port), "WEB_CONCURRENCY": "1", "SECURE_SSL_REDIRECT": "0"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([FIVESTAR, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    proc = subprocess.Popen([FIVESTAR, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/login/", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read().decode())
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=20)


def test_serve_runs_gunicorn_with_production_settings(server):
    with urllib.request.urlopen(server + "/login/") as response:
        html = response.read().decode()
        assert response.status == 200
        cookie = response.headers.get("Set-Cookie", "")
    assert "用户登录" in html
    assert "secure" in cookie.lower()  # CSRF cookie is secure in production
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(not re.match(r"https?://", a) for a in assets), assets
    css = next(a for a in assets if a.endswith(".css") and "bootstrap" in a)
    with urllib.request.urlopen(server + css) as response:
        assert response.status == 200 and b"bootstrap" in response.read(2000).lower()
    with urllib.request.urlopen(server + "/api/v1/docs") as response:
        docs = response.read().decode()
    assert not re.search(r'(?:src|href)="https?://', docs)
