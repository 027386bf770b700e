"""Pure-Python rating engine for "five-star" party-branch frameworks.

No Django, no database: frameworks come in as YAML-shaped dicts (docs/framework-format.md),
branch results as plain dicts.

    fw = load_framework(yaml.safe_load(text))
    ev = evaluate(fw, {"zbgy-01-01": True, ...}, not_applicable=[...], veto_events=[...])
    report = gaps(fw, results, evaluation=ev)
"""

from .compile import load_framework
from .errors import FrameworkError, FrameworkInvalid, InputError, InputInvalid
from .evaluate import Evaluation, StarResult, evaluate
from .gaps import Blocker, GapReport, Improvement, StarGap, gaps
from .inputs import validate_inputs
from .model import Evidence, Framework, Rule, Standard, Star, Threshold
from .text import BRANCH_TYPES, EVIDENCE_KINDS, KINDS, KNOWN_INDICATORS
from .validate import validate_framework

__all__ = [
    "BRANCH_TYPES",
    "Blocker",
    "EVIDENCE_KINDS",
    "Evaluation",
    "Evidence",
    "Framework",
    "FrameworkError",
    "FrameworkInvalid",
    "GapReport",
    "Improvement",
    "InputError",
    "InputInvalid",
    "KINDS",
    "KNOWN_INDICATORS",
    "Rule",
    "Standard",
    "Star",
    "StarGap",
    "StarResult",
    "Threshold",
    "evaluate",
    "gaps",
    "load_framework",
    "validate_framework",
    "validate_inputs",
]
