"""Put a shipped framework into the test database as a published FrameworkVersion."""

from pathlib import Path

import yaml
from django.utils import timezone

import fivestar.standards
from fivestar.standards.models import FrameworkVersion

FRAMEWORKS = Path(fivestar.standards.__file__).parent / "frameworks"


def shipped_data(name: str = "puyang-2023-rural") -> dict:
    return yaml.safe_load((FRAMEWORKS / f"{name}.yaml").read_text(encoding="utf-8"))


def publish(name: str = "puyang-2023-rural", data: dict | None = None, **extra) -> FrameworkVersion:
    data = data or shipped_data(name)
    fields = {
        "code": data["code"], "name": data["name"], "branch_type": data["branch_type"], "version": str(data["version"]),
        "issuer": data.get("issuer") or "", "status": FrameworkVersion.Status.PUBLISHED, "data": data,
        "published_at": timezone.now(),
    } | extra
    return FrameworkVersion.objects.create(**fields)


def all_passing(framework, skip=()) -> dict:
    """A form post in which every rule (except `skip` and indicator-bound ones) earns full points."""
    post = {}
    for rule in framework.rules:
        if rule.indicator or rule.code in skip:
            continue
        if rule.kind == "check":
            post[f"r-{rule.code}"] = "1"
        elif rule.kind == "points":
            post[f"r-{rule.code}"] = str(rule.max)
        elif rule.kind == "deduction":
            post[f"r-{rule.code}"] = "0"
        else:
            post[f"r-{rule.code}"] = str(rule.thresholds[-1].min)
    return post
