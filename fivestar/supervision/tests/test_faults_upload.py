"""kill -9 of the gunicorn worker that is receiving an upload (a supervisor's problem photo over the API, its body sent
slowly from a raw socket): nothing of it is saved (no evidence row, no file in MEDIA_ROOT), gunicorn's master starts a
new worker by itself, and the same upload then succeeds, with no manual step. gunicorn runs as `fivestar serve` starts
it, 2 workers, against the suite's database (see core/tests/faults.py)."""

import io
import json
import os
import signal
import socket
import time
import urllib.request

from PIL import Image

from fivestar.api.models import ApiToken
from fivestar.core.tests.faults import MARKS, children, faults, socket_owner, wait  # noqa: F401
from fivestar.rating.models import Evidence
from fivestar.supervision.models import Problem

pytestmark = MARKS
BOUNDARY = "----fivestar-fault-boundary"


def photo() -> bytes:
    """A 1.6 MB JPEG (noise does not compress): big enough that its body takes a while to send slowly."""
    side = 700
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "JPEG", quality=95)
    return out.getvalue()


def multipart(data: bytes) -> bytes:
    return b"".join([
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nproblem\r\n'.encode(),
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="现场照片.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode(), data, f"\r\n--{BOUNDARY}--\r\n".encode(),
    ])


def head(path: str, token: str, length: int) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n"
            f"Connection: close\r\n\r\n").encode()


def two(pids: set[int]) -> set[int] | None:
    return pids if len(pids) == 2 else None


def media_files(root) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files}


def test_a_web_worker_killed_mid_upload_saves_nothing_and_the_same_upload_then_succeeds(sup, faults):  # noqa: F811
    problem = sup.problem(description="村口垃圾未清理")
    token = ApiToken.issue(sup.supervisor, label="fault-test")
    path = f"/api/v1/supervision/problems/{problem.pk}/evidence"
    body = multipart(photo())
    web, base = faults.web(workers=2)
    master = wait(lambda: next(iter(children(web.pid)), None), 30, "gunicorn's master")
    workers = wait(lambda: two(children(master)), 60, "gunicorn's two workers")
    before = (Evidence.objects.count(), media_files(faults.media))

    client = socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=30)
    client.sendall(head(path, token, len(body)))
    sent = 0
    while sent < len(body) // 3:  # a third of the body, slowly, as from a phone on a weak signal
        client.sendall(body[sent:sent + 32 * 1024])
        sent += 32 * 1024
        time.sleep(0.05)
    owner = wait(lambda: socket_owner(client.getsockname()[1], workers), 10, "the worker holding the connection")
    os.kill(owner, signal.SIGKILL)
    try:
        client.sendall(body[sent:])
        answer = client.recv(65536)
    except OSError:  # reset by the kernel once the worker is gone
        answer = b""
    finally:
        client.close()
    assert answer == b"", answer[:300]  # no response: the request died with its worker

    assert Evidence.objects.count() == before[0] and media_files(faults.media) == before[1]  # nothing saved, no file
    assert not Problem.objects.get(pk=problem.pk).photos.exists()
    replaced = wait(lambda: two(children(master) - {owner}), 60, "the master to start a new worker")
    assert replaced - workers and web.alive()

    request = urllib.request.Request(base + path, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    with urllib.request.urlopen(request, timeout=60) as response:  # the same upload, whole, with no manual step
        assert response.status == 201
        result = json.loads(response.read())
    assert [r["ok"] for r in result["results"]] == [True], result
    assert Evidence.objects.count() == before[0] + 1 and len(media_files(faults.media) - before[1]) >= 1
    assert Problem.objects.get(pk=problem.pk).photos.count() == 1
    with urllib.request.urlopen(base + "/login/", timeout=30) as response:
        assert response.status == 200 and "用户登录" in response.read().decode()
