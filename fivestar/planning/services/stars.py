"""The stars a village can aim for: those of the framework in force for its branch type where it is (rural or
community), read once per call site (one query per branch type, the compiled framework cached per process)."""

from fivestar.orgs.models import BranchType
from fivestar.standards.models import FrameworkVersion


class StarCatalog:
    """The stars of the frameworks in force at `unit` (a town, county, or village), per branch type."""

    def __init__(self, unit):
        self.unit = unit
        self._frameworks = {}

    def framework(self, branch_type: str):
        """The compiled framework for a branch type ("" counts as rural); None when none is published."""
        branch_type = branch_type or BranchType.RURAL
        if branch_type not in self._frameworks:
            row = FrameworkVersion.objects.defer("data").latest_published(branch_type, unit=self.unit)
            self._frameworks[branch_type] = row.compiled() if row is not None else None
        return self._frameworks[branch_type]

    def stars(self, branch_type: str) -> dict:
        """code → engine Star, in the framework's order."""
        framework = self.framework(branch_type)
        return {s.code: s for s in framework.stars} if framework is not None else {}

    def names(self) -> dict[str, str]:
        """code → name over both branch types (rural first)."""
        out = {}
        for branch_type in (BranchType.RURAL, BranchType.COMMUNITY):
            for code, star in self.stars(branch_type).items():
                out.setdefault(code, star.name)
        return out

    def rule(self, branch_type: str, code: str):
        framework = self.framework(branch_type)
        return framework.rules_by_code.get(code) if framework is not None else None

    def resolve(self, branch_type: str, tokens) -> tuple[list[str], list[str]]:
        """Star names or codes as typed → (codes in framework order, the tokens that name no star)."""
        stars = self.stars(branch_type)
        by_name = {s.name: c for c, s in stars.items()}
        by_name.update({s.name.removesuffix("星"): c for c, s in stars.items()})
        found, unknown = set(), []
        for token in tokens:
            token = str(token).strip()
            if not token:
                continue
            code = token if token in stars else by_name.get(token)
            if code is None:
                unknown.append(token)
            else:
                found.add(code)
        return [c for c in stars if c in found], unknown


def star_names(codes, names: dict[str, str]) -> str:
    return "、".join(names.get(c, c) for c in codes)
