"""A large, valid framework made by repeating the rules of the shipped rural one (for load tests and bench/)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from fivestar.standards.yaml_io import dump

RURAL = Path(__file__).resolve().parent.parent / "frameworks" / "puyang-2023-rural.yaml"


def big_framework_yaml(size_bytes: int, code: str = "big-framework") -> bytes:
    """Canonical YAML of about `size_bytes` (never more): every standard repeated with new codes."""
    source = yaml.load(RURAL.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    per_copy = len(dump(source).encode())
    copies = max(1, size_bytes // per_copy)
    while True:
        data = copy.deepcopy(source)
        data["code"] = code
        for star in data["stars"]:
            standards = []
            for std in star["standards"]:
                for n in range(copies):
                    s = copy.deepcopy(std)
                    suffix = f"-x{n}" if n else ""
                    s["code"] += suffix
                    for rule in s["rules"]:
                        rule["code"] += suffix
                    standards.append(s)
            star["standards"] = standards
        text = dump(data).encode()
        if len(text) <= size_bytes or copies == 1:
            return text
        copies -= 1
