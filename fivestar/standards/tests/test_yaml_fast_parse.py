"""The one-pass YAML reader (libyaml events): same data and line numbers as PyYAML, clear refusals, and fast."""

import time

import pytest
import yaml

from fivestar.standards import yaml_io
from fivestar.standards.problems import ImportFailed

from .big_framework import big_framework_yaml
from .io_helpers import RURAL


def _problems(text):
    with pytest.raises(ImportFailed) as exc:
        yaml_io.parse(text, "t.yaml", validate=False)
    return [(p.row, p.message) for p in exc.value.problems]


def test_same_data_as_pyyaml_for_the_shipped_framework():
    text = RURAL.read_text(encoding="utf-8")
    source = yaml_io.parse(text, "rural.yaml")
    assert source.data == yaml.safe_load(text)
    lines = text.splitlines()
    assert "max: 2" in lines[source.positions["stars[0].standards[0].rules[1].max"][1] - 1]
    assert "- code: zbgy-01-02" in lines[source.positions["stars[0].standards[0].rules[1]"][1] - 1]


def test_scalars_resolve_like_pyyaml():
    text = "a: 1\nb: 1.5\nc: true\nd: ~\ne:\nf: '1'\ng: \"yes\"\nh: 0x10\ni: !!str 2\nj: 2024-01-02\n1: k\n"
    assert yaml_io.parse(text, "t.yaml", validate=False).data == yaml.safe_load(text)


def test_refusals_are_clear():
    assert _problems("a: &x 1\nb: *y\n") == [(2, "YAML 语法错误：引用了未定义的锚点（*别名）")]
    assert _problems("a: 1\n---\nb: 2\n")[0][1].startswith("一个文件只能包含一个 YAML 文档")
    assert _problems("? [a]\n: 1\n") == [(1, "键只能是文字，不能是列表或映射")]
    assert "不支持 YAML 标签" in _problems("a: !!set {x}\n")[0][1]
    assert "合并键" in _problems("a: {x: 1}\nb:\n  <<: {y: 1}\n")[0][1]
    assert _problems("[" * 5000 + "]" * 5000)[0][1] == "YAML 嵌套层级过深，无法解析"
    assert _problems("# only a comment\n") == [(None, "文件是空的")]
    assert yaml_io.parse("a: &x 名称\nb: *x\n", "t.yaml", validate=False).data == {"a": "名称", "b": "名称"}


@pytest.mark.slow
def test_a_5_mb_framework_parses_in_seconds():
    content = big_framework_yaml(5 * 1024 * 1024 - 100_000)
    started = time.monotonic()
    source = yaml_io.parse(content, "big.yaml")  # parse and validate
    seconds = time.monotonic() - started
    assert len(content) > 4_500_000 and not source.problems
    assert seconds < 30, f"{seconds:.1f} s"  # the pure-Python parser took 90 s and more; a few seconds now
