"""Static files are collected once per release: a stamp of the sources says when they must be again."""

import pytest
from django.test import override_settings

from fivestar.core import static_release


@pytest.fixture
def sources(tmp_path):
    src = tmp_path / "src"
    (src / "css").mkdir(parents=True)
    (src / "css" / "site.css").write_text("body { color: #222; }\n")
    (src / "js").mkdir()
    (src / "js" / "site.js").write_text("console.log('一');\n")
    with override_settings(
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"], STATICFILES_DIRS=[src],
        STATIC_ROOT=tmp_path / "root",
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}},
    ):
        yield src, tmp_path / "root"


def test_collects_once_then_again_only_when_a_source_or_the_manifest_changes(sources):
    src, root = sources
    said = []
    assert static_release.stale_reason() == "尚未收集静态文件"
    assert static_release.collect(say=said.append) is True
    assert said[0].startswith("正在收集和压缩静态文件（尚未收集静态文件") and said[-1].startswith("静态文件收集完成")
    assert (root / "staticfiles.json").exists() and (root / static_release.STAMP_NAME).exists()
    assert static_release.stale_reason() == ""

    said.clear()
    assert static_release.collect(say=said.append) is False
    assert said == ["静态文件已是最新，无需重新收集和压缩。"]

    (src / "css" / "site.css").write_text("body { color: #b71c1c; }\n")  # a release changed a file
    assert static_release.stale_reason() == "程序版本或静态文件已变化"
    assert static_release.collect(say=said.append) is True and static_release.stale_reason() == ""

    (src / "js" / "new.js").write_text("1;\n")  # a file added
    assert static_release.stale_reason() == "程序版本或静态文件已变化"
    static_release.collect(say=said.append)

    (root / "staticfiles.json").unlink()  # someone emptied STATIC_ROOT's manifest
    assert static_release.stale_reason() == "尚未收集静态文件"
    assert static_release.collect(force=False, say=said.append) is True
    said.clear()
    assert static_release.collect(force=True, say=said.append) is True and "按要求重新收集" in said[0]


def test_the_fingerprint_covers_the_version(sources, monkeypatch):
    before = static_release.fingerprint()
    monkeypatch.setattr(static_release, "_version", lambda: "99.0")
    assert static_release.fingerprint() != before
