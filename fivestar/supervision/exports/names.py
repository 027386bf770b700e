"""Star and rule wording for the exports, read once per export from the frameworks in force (no query per row)."""

from fivestar.orgs.models import BranchType
from fivestar.standards.models import FrameworkVersion


class FrameworkNames:
    """Star code → name and (branch type, rule code) → rule text, from the latest published framework of each
    branch type; a code no framework knows is shown as it is."""

    def __init__(self):
        self.stars: dict[str, str] = {}
        self.rules: dict[tuple[str, str], str] = {}
        self.any_rule: dict[str, str] = {}
        for branch in BranchType.values:
            version = FrameworkVersion.objects.latest_published(branch)
            if version is None:
                continue
            framework = version.compiled()
            for code, star in framework.stars_by_code.items():
                self.stars.setdefault(code, star.name)
            for code, rule in framework.rules_by_code.items():
                self.rules[(branch, code)] = rule.text
                self.any_rule.setdefault(code, rule.text)

    def star(self, code: str) -> str:
        return self.stars.get(code, code) if code else ""

    def rule(self, branch: str, code: str) -> str:
        if not code:
            return ""
        text = self.rules.get((branch or BranchType.RURAL, code), self.any_rule.get(code, ""))
        return f"{code} {text}".strip()
