"""Static files are collected and compressed once per release, not on every start.

`fivestar collectstatic` (run by `make install`, and after every upgrade) collects and compresses them
into STATIC_ROOT and leaves a stamp there: a hash of the application's version, the storage backend,
STATIC_URL and every static source file (its path and its content). `fivestar serve` compares that stamp
with the sources it would collect and collects only when they differ (a first start, an upgrade, an edited
file), saying so in Chinese; otherwise it starts at once. Hashing the ~930 sources takes a fraction of a
second; collecting and compressing them takes 30–120 s on a 2-core machine, depending on its load.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

STAMP_NAME = ".fivestar-static-stamp"


def _version() -> str:
    try:
        return metadata.version("fivestar")
    except metadata.PackageNotFoundError:  # pragma: no cover — run from a checkout without install
        return "0"


def fingerprint() -> str:
    """A hash of everything collectstatic's output depends on (sources found by the finders, backend, URL, version)."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    backend = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    for part in (_version(), backend, settings.STATIC_URL or ""):
        digest.update(part.encode() + b"\0")
    ignore = list(apps.get_app_config("staticfiles").ignore_patterns)
    sources: dict[str, str] = {}
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            name = os.path.join(getattr(storage, "prefix", None) or "", path)
            sources.setdefault(name, storage.path(path))  # the first finder wins, as in collectstatic
    for name in sorted(sources):
        digest.update(name.encode() + b"\0")
        with open(sources[name], "rb") as fh:
            digest.update(hashlib.file_digest(fh, "sha256").digest())
    return digest.hexdigest()


def _root() -> Path:
    from django.conf import settings

    return Path(settings.STATIC_ROOT)


def _manifest_present() -> bool:
    from django.contrib.staticfiles.storage import staticfiles_storage

    name = getattr(staticfiles_storage, "manifest_name", None)
    return name is None or (_root() / name).exists()


def stale_reason(current: str | None = None) -> str:
    """Why the collected files cannot be used as they are (Chinese), or "" when they are up to date."""
    stamp = _root() / STAMP_NAME
    if not stamp.exists() or not _manifest_present():
        return "尚未收集静态文件"
    if stamp.read_text(encoding="ascii", errors="replace").strip() != (current or fingerprint()):
        return "程序版本或静态文件已变化"
    return ""


def collect(*, force: bool = False, say: Callable[[str], None] = print) -> bool:
    """Collect and compress the static files unless the stamp shows they are current; True when it collected."""
    from django.core.management import call_command

    current = fingerprint()
    reason = "按要求重新收集" if force else stale_reason(current)
    if not reason:
        say("静态文件已是最新，无需重新收集和压缩。")
        return False
    say(f"正在收集和压缩静态文件（{reason}；每个版本只需一次，约需 1–2 分钟）…")
    started = time.monotonic()
    call_command("collectstatic", interactive=False, verbosity=0)
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    partial = root / f"{STAMP_NAME}.{os.getpid()}"
    partial.write_text(current + "\n", encoding="ascii")
    os.replace(partial, root / STAMP_NAME)  # written last and atomically: an interrupted collection is redone
    say(f"静态文件收集完成，用时 {time.monotonic() - started:.0f} 秒。")
    return True
