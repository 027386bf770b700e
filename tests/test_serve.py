"""`fivestar serve` starts gunicorn with production settings from the environment and serves pages
and vendored static files; no page loads anything from another host. Static files are collected and
compressed once (`fivestar collectstatic`, as `make install` does), and serve then starts without
collecting them again."""

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
COLLECT_TIMEOUT = 900  # collecting and compressing ~930 files: 30–100 s on a busy 2-core machine
READY_TIMEOUT = 180  # gunicorn booting and the first page, however busy the machine; bounded all the same


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """A migrated database and static files collected once, as a release is installed."""
    tmp = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fivestar.settings.prod", "SECRET_KEY": "s" * 64,
           "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "FIVESTAR_VAR_DIR": str(tmp),
           "STATIC_ROOT": str(tmp / "static"), "WEB_CONCURRENCY": "1", "SECURE_SSL_REDIRECT": "0"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([FIVESTAR, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=COLLECT_TIMEOUT)
    first = subprocess.run([FIVESTAR, "collectstatic"], env=env, capture_output=True, text=True, timeout=COLLECT_TIMEOUT)
    assert first.returncode == 0, first.stderr
    assert "正在收集和压缩静态文件（尚未收集静态文件" in first.stdout and "静态文件收集完成" in first.stdout
    again = subprocess.run([FIVESTAR, "collectstatic"], env=env, capture_output=True, text=True, timeout=COLLECT_TIMEOUT)
    assert again.returncode == 0 and "静态文件已是最新" in again.stdout and "正在收集" not in again.stdout
    return tmp, env


@pytest.fixture
def server(deployed):
    tmp, env = deployed
    port = _free_port()
    log = tmp / f"serve-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([FIVESTAR, "serve"], env={**env, "PORT": str(port)}, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        while True:  # ready when the login page answers: polled, generous, bounded
            try:
                urllib.request.urlopen(base + "/login/", timeout=5)
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(log.read_text(errors="replace")) from None
                if time.monotonic() - started > READY_TIMEOUT:
                    raise AssertionError(f"fivestar serve did not answer within {READY_TIMEOUT} s:\n{log.read_text(errors='replace')[-3000:]}") from None
                time.sleep(0.3)
        print(f"fivestar serve: first page after {time.monotonic() - started:.1f} s")
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_runs_gunicorn_with_production_settings(server):
    server, log = server
    output = log.read_text(errors="replace")
    assert "静态文件已是最新" in output and "正在收集" not in output  # collected once, at install
    with urllib.request.urlopen(server + "/login/") as response:
        html = response.read().decode()
        assert response.status == 200
        cookie = response.headers.get("Set-Cookie", "")
    assert "用户登录" in html
    assert "secure" in cookie.lower()  # CSRF cookie is secure in production
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(not re.match(r"https?://", a) for a in assets), assets
    css = next(a for a in assets if a.endswith(".css") and "bootstrap" in a)
    assert re.search(r"\.[0-9a-f]{12}\.css$", css), css  # the manifest's hashed name
    with urllib.request.urlopen(server + css) as response:
        assert response.status == 200 and b"bootstrap" in response.read(2000).lower()
    with urllib.request.urlopen(server + "/api/v1/docs") as response:
        docs = response.read().decode()
    assert not re.search(r'(?:src|href)="https?://', docs)
