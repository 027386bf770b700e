"""YAML, the canonical format: a stable dump and a load that reports problems in Chinese with line numbers."""

from __future__ import annotations

import yaml

from fivestar.core.text import clean_text

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


#: libyaml (C) when PyYAML was built with it; the pure-Python parser otherwise.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"
_ALIASES = "不支持 YAML 锚点和别名（& 和 *），请直接写出内容"


def _syntax_problem(exc: yaml.YAMLError, filename: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    row = mark.line + 1 if mark else None
    column = f"第 {mark.column + 1} 列" if mark else None
    if "exceeded maximum nesting depth" in str(exc):
        return Problem(filename, "YAML 嵌套层级过深，无法解析", None, row, column)
    return Problem(filename, _syntax_message(exc), None, row, column)


def _syntax_error(text: str, filename: str, exc: yaml.YAMLError) -> ImportFailed:
    """libyaml's messages differ from PyYAML's, which the table above translates: parse again to get those."""
    if _FastLoader is not yaml.SafeLoader:
        try:
            for _ in yaml.parse(text, Loader=yaml.SafeLoader):
                pass
        except RecursionError:
            return ImportFailed([Problem(filename, "YAML 嵌套层级过深，无法解析")])
        except yaml.YAMLError as python_exc:
            exc = python_exc
    return ImportFailed([_syntax_problem(exc, filename)])


class _Builder:
    """Builds the data and the line of every location in one pass over libyaml's events.

    A 5 MB framework used to be parsed twice by the pure-Python loader (once for line numbers, once for
    the data): 90 s and more. Events from libyaml and a plain-string fast path take a few seconds.
    """

    def __init__(self, source: Source):
        self.source = source
        self.constructor = yaml.constructor.SafeConstructor()
        self.stack: list[list] = []  # [container, path, seen keys (mappings) | None, key or _NO_KEY, index]
        self.anchors: dict[str, object] = {}  # scalar anchors only: aliases of collections are refused
        self.root = None
        self.documents = 0

    def scalar(self, event) -> object:
        value = event.value
        tag = event.tag
        if tag is None or tag == "!":  # as PyYAML's Resolver: only plain scalars may be numbers, booleans or null
            tag = _STR
            if event.implicit[0]:
                for candidate, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        tag = candidate
                        break
        if tag == _STR:
            return value
        if tag == "tag:yaml.org,2002:merge":
            raise yaml.constructor.ConstructorError(None, None, "不支持合并键（<<）", event.start_mark)
        return self.constructor.construct_object(yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style))

    def _place(self, line: int) -> tuple[str, bool]:
        """The location of the next value; (path, is_key)."""
        if not self.stack:
            self.source.positions.setdefault("", (None, line, None))
            return "", False
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = f"{path}[{frame[4]}]"
            self.source.positions[child] = (None, line, f"{path.rsplit('.', 1)[-1]}[{frame[4]}]")
            frame[4] += 1
            return child, False
        if frame[3] is _NO_KEY:
            return path, True
        return frame[3][1], False

    def add(self, value, line: int, key_text: str | None = None) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
        elif frame[3] is _NO_KEY:  # this value is a key
            self.key(frame, value, key_text, line)
        else:
            key = frame[3][0]
            container[key] = value
            frame[3] = _NO_KEY

    def key(self, frame, value, key_text, line: int) -> None:
        if key_text is None:
            self.source.problems.append(self.source.problem("键只能是文字，不能是列表或映射", None, line))
            key_text = f"?{line}"
        seen = frame[2]
        if key_text in seen:
            self.source.problems.append(self.source.problem(f"键 {key_text} 重复出现（第 {seen[key_text]} 行已有）", None, line, key_text))
        else:
            seen[key_text] = line
        child = f"{frame[1]}.{key_text}" if frame[1] else key_text
        self.source.positions[child] = (None, line, key_text)
        try:
            hash(value)
        except TypeError:
            value = key_text
        frame[3] = (value, child)

    def run(self, events) -> None:
        problems = self.source.problems
        for event in events:
            kind = type(event)
            line = event.start_mark.line + 1 if event.start_mark else None
            if kind is yaml.ScalarEvent:
                path, is_key = self._place(line)
                value = self.scalar(event)
                if event.anchor:
                    self.anchors[event.anchor] = value
                self.add(value, line, event.value if is_key else None)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    problems.append(self.source.problem(f"不支持 YAML 标签 {event.tag}", None, line))
                path, is_key = self._place(line)
                if event.anchor:
                    self.anchors[event.anchor] = (_COLLECTION, line)
                mapping = kind is yaml.MappingStartEvent
                container = {} if mapping else []
                self.add(container, line, None)
                self.stack.append([container, path, {} if mapping else None, _NO_KEY, 0])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.stack.pop()
            elif kind is yaml.AliasEvent:
                path, is_key = self._place(line)
                value = self.anchors.get(event.anchor, _UNDEFINED)
                if value is _UNDEFINED:
                    problems.append(self.source.problem(f"YAML 语法错误：{_SYNTAX['found undefined alias']}", None, line))
                    value = None
                elif isinstance(value, tuple) and value[:1] == (_COLLECTION,):  # plain data only: aliases can explode
                    problems.append(self.source.problem(_ALIASES, None, value[1]))
                    value = None
                self.add(value, line, str(value) if is_key and value is not None else None)
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    problems.append(self.source.problem("一个文件只能包含一个 YAML 文档（不能有第二个 ---）", None, line))
                    return


def _events(loader):
    while loader.check_event():
        yield loader.get_event()


_NO_KEY = object()
_COLLECTION = object()
_UNDEFINED = object()


def load(content, filename: str = "framework.yaml") -> dict:
    """Parse YAML text (or UTF-8 bytes); `ImportFailed` with line numbers on a syntax error or duplicate key."""
    return parse(content, filename, validate=False).data


def parse(content, filename: str = "framework.yaml", *, validate: bool = True) -> Source:
    """A `Source` whose positions map each data location to its line; with `validate`, problems are checked.

    Raises `ImportFailed` for syntax errors, duplicate keys, and (with `validate`) invalid data.
    """
    # Invisible characters (bidi overrides, zero-width spaces, controls) go before parsing, as from a form post:
    # line breaks stay, so every line number a problem names is still the file's.
    text = clean_text(_decode(content, filename))
    source = Source(filename)
    builder = _Builder(source)
    loader = _FastLoader(text)
    try:
        builder.run(_events(loader))
    except yaml.constructor.ConstructorError as exc:  # e.g. a bad timestamp, a merge key or an unknown tag
        raise ImportFailed([source.problem(_syntax_message(exc))]) from exc
    except yaml.YAMLError as exc:
        raise _syntax_error(text, filename, exc) from exc
    finally:
        loader.dispose()
    if source.problems:
        raise ImportFailed(source.problems)
    if "" not in source.positions:  # no document, or one with only comments
        raise ImportFailed([source.problem("文件是空的")])
    source.data = builder.root
    if validate:
        problems = source.validate()
        if problems:
            raise ImportFailed(problems)
    return source
