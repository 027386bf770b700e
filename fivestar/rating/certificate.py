"""The star certificate (荣誉证书) as a one-page A4 landscape PDF, in Chinese, rendered by WeasyPrint.

Needs Debian's `fonts-noto-cjk` (Noto Serif/Sans CJK SC); without a CJK font Chinese renders as boxes.

Rendering with WeasyPrint loads Pango, HarfBuzz and the CJK fonts and leaves ~200–300 MB in the process
that did it, so a web worker never renders: it renders the certificate's HTML only (a template and a
few queries), and a short-lived child process (`certificate_render.py`, its address space capped with
setrlimit) turns the HTML into the PDF. The PDF is kept in the default storage under a key hashed from
the HTML (the result and the template as rendered), the renderer's version and the fonts, so the next
request for an unchanged result reads the stored file, and a changed result (a star gained or withdrawn,
a new recognition, another template) renders anew; the village's older certificates are then removed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import subprocess
import sys
import threading
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from .selectors_history import certificate_data

log = logging.getLogger(__name__)

RENDER_VERSION = "1"  # bump when the way the PDF is made changes without the HTML changing
CHILD = Path(__file__).with_name("certificate_render.py")
FONTS = ("Noto Serif CJK SC", "Noto Sans CJK SC")
_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


class CertificateUnavailable(Exception):
    """The PDF could not be made now; the message is Chinese and says what to do."""


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _render_slots() -> threading.BoundedSemaphore:
    """At most CERTIFICATE_RENDERS_PER_PROCESS children per web process at a time (each needs ~250 MB)."""
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(max(1, _setting("CERTIFICATE_RENDERS_PER_PROCESS", 1)))
        return _slots


@functools.lru_cache(maxsize=1)
def fonts_fingerprint() -> str:
    """The font files fontconfig picks for the certificate (path, size, time): another font, another PDF."""
    parts = []
    for family in FONTS:
        try:
            path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, timeout=10).stdout
            stat = os.stat(path)
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
        except (OSError, subprocess.SubprocessError):
            parts.append(f"{family}:?")
    return "|".join(parts)


def _renderer_version() -> str:
    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "?"


def certificate_html(village) -> str:
    return render_to_string("rating/results/certificate.html", certificate_data(village))


def certificate_key(html: str) -> str:
    digest = hashlib.sha256()
    for part in (RENDER_VERSION, _renderer_version(), fonts_fingerprint(), html):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:40]


def stored_name(village, key: str) -> str:
    return f"certificates/{village.code}/{key}.pdf"


def render_pdf(html: str) -> bytes:
    """The PDF for this HTML, made in a memory-capped child process; CertificateUnavailable when it cannot be."""
    timeout = _setting("CERTIFICATE_RENDER_TIMEOUT", 60)
    slots = _render_slots()
    if not slots.acquire(timeout=timeout):
        raise CertificateUnavailable("正在生成的证书较多，请稍后再试。")
    try:
        proc = subprocess.run(
            [sys.executable, "-I", str(CHILD), str(_setting("CERTIFICATE_RENDER_MEMORY_MB", 1024))],
            input=html.encode("utf-8"), capture_output=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise CertificateUnavailable("生成证书超时，请稍后再试。") from None
    finally:
        slots.release()
    if proc.returncode != 0 or not proc.stdout.startswith(b"%PDF"):
        log.error("certificate render failed (exit %s): %s", proc.returncode, proc.stderr.decode("utf-8", "replace")[-2000:])
        raise CertificateUnavailable("证书生成失败，请稍后再试；如仍不能生成，请联系系统管理员。")
    return proc.stdout


def _remove_older(village, keep: str) -> None:
    folder = f"certificates/{village.code}"
    try:
        _, files = default_storage.listdir(folder)
    except (OSError, NotImplementedError):
        return
    for name in files:
        path = f"{folder}/{name}"
        if path != keep and name.endswith(".pdf"):
            try:
                default_storage.delete(path)
            except OSError:  # another request removed it first
                pass


def certificate_pdf(village) -> bytes:
    """The village's certificate: the stored PDF for its current result, rendered (once) when there is none."""
    html = certificate_html(village)
    name = stored_name(village, certificate_key(html))
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    pdf = render_pdf(html)
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:  # another request stored the same certificate meanwhile: keep one copy
        default_storage.delete(saved)
    _remove_older(village, name)
    return pdf


def certificate_filename(village) -> str:
    return f"{village.display_name}“五星”支部荣誉证书.pdf"
