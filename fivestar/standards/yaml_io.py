"""YAML, the canonical format: a stable dump and a load that reports problems in Chinese with line numbers."""

from __future__ import annotations

import yaml

from .canonical import canonical
from .problems import ImportFailed, Problem, Source

HEADER = "# 创建标准框架（格式见 docs/framework-format.md）\n"


class _FlowList(list):
    pass


class _FlowDict(dict):
    pass


class _Dumper(yaml.SafeDumper):
    """Indented block sequences (``stars:\\n  - code: …``) like the shipped files."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowDict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))
_Dumper.add_representer(dict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=False))


def _styled(value, key: str | None = None):
    """Short lists (`requires`, `kinds`) and threshold tiers are written inline."""
    if isinstance(value, dict):
        if key == "thresholds-item":
            return _FlowDict(value)
        return {k: _styled(v, k) for k, v in value.items()}
    if isinstance(value, list):
        if key in ("requires", "kinds") and all(isinstance(v, str) for v in value):
            return _FlowList(value)
        child = "thresholds-item" if key == "thresholds" else None
        return [_styled(v, child) for v in value]
    return value


def dump(data: dict, *, header: bool = False) -> str:
    """Canonical YAML text of a framework: same data, same text."""
    text = yaml.dump(
        _styled(canonical(data)), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=1000, indent=2,
    )
    return (HEADER + text) if header else text


_SYNTAX = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（可能是冒号后缺少空格、缩进不对，或文本中含有未加引号的冒号）",
    "could not find expected ':'": "找不到预期的冒号“:”（键后面应有“: ”）",
    "did not find expected key": "缩进不一致，找不到预期的键",
    "did not find expected '-' indicator": "列表缩进不一致，找不到预期的“- ”",
    "found character '\\t' that cannot start any token": "含有制表符（Tab），请改用空格缩进",
    "found undefined alias": "引用了未定义的锚点（*别名）",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合）",
    "found unexpected ':'": "出现了多余的冒号“:”",
    "did not find expected node content": "缺少内容（可能多了逗号或括号）",
    "expected ',' or ']', but got": "行内列表缺少逗号或右方括号“]”",
    "expected ',' or '}', but got": "行内映射缺少逗号或右花括号“}”",
    "found duplicate anchor": "锚点名称重复",
}


def _syntax_message(exc: yaml.YAMLError) -> str:
    problem = str(getattr(exc, "problem", "") or exc)
    for english, chinese in _SYNTAX.items():
        if problem.startswith(english):
            return f"YAML 语法错误：{chinese}"
    if problem.startswith("expected <block end>"):
        return "YAML 语法错误：缩进不一致（同一层级的键应左对齐）"
    if "while scanning a quoted scalar" in str(exc):
        return "YAML 语法错误：引号未闭合"
    return f"YAML 语法错误：无法解析（{problem}）"


def _decode(content, filename: str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([Problem(filename, "文件不是 UTF-8 编码的文本，请以 UTF-8 编码保存后再导入")]) from exc


def _compose(text: str, filename: str):
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError as exc:
        raise ImportFailed([Problem(filename, "YAML 嵌套层级过深，无法解析")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        row = mark.line + 1 if mark else None
        column = f"第 {mark.column + 1} 列" if mark else None
        raise ImportFailed([Problem(filename, _syntax_message(exc), None, row, column)]) from exc


def load(content, filename: str = "framework.yaml") -> dict:
    """Parse YAML text (or UTF-8 bytes); `ImportFailed` with line numbers on a syntax error or duplicate key."""
    return parse(content, filename, validate=False).data


def parse(content, filename: str = "framework.yaml", *, validate: bool = True) -> Source:
    """A `Source` whose positions map each data location to its line; with `validate`, problems are checked.

    Raises `ImportFailed` for syntax errors, duplicate keys, and (with `validate`) invalid data.
    """
    text = _decode(content, filename)
    node = _compose(text, filename)
    source = Source(filename)
    if node is None:
        raise ImportFailed([source.problem("文件是空的")])
    _walk(node, "", source, set())
    if source.problems:
        raise ImportFailed(source.problems)
    try:
        source.data = yaml.SafeLoader(text).get_single_data()
    except yaml.YAMLError as exc:  # e.g. a bad timestamp or a merge key
        raise ImportFailed([source.problem(_syntax_message(exc))]) from exc
    if validate:
        problems = source.validate()
        if problems:
            raise ImportFailed(problems)
    return source


def _walk(node, path: str, source: Source, seen_nodes: set[int]) -> None:
    if id(node) in seen_nodes:  # an alias (*name): frameworks are plain data, and aliases can explode in size
        source.problems.append(source.problem("不支持 YAML 锚点和别名（& 和 *），请直接写出内容", None, node.start_mark.line + 1))
        return
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        seen_nodes.add(id(node))
    source.positions.setdefault(path, (None, node.start_mark.line + 1, None))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                source.problems.append(source.problem(f"键 {key} 重复出现（第 {seen[key]} 行已有）", None, line, key))
                continue
            seen[key] = line
            child = f"{path}.{key}" if path else key
            source.positions[child] = (None, line, key)
            _walk(value_node, child, source, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            source.positions[child] = (None, item.start_mark.line + 1, f"{path.rsplit('.', 1)[-1]}[{i}]")
            _walk(item, child, source, seen_nodes)
