"""What a ledger list is about (a village, town or county; an area; or everything the user sees) for a year, and its
kept counts (LedgerStats): the shared core/kept_scope.py, for the creation ledger."""

from fivestar.core import kept_scope

from .models import LedgerStats
from .models.ledger import TaskStatus

LEDGER = kept_scope.KeptList(stats=LedgerStats, statuses=TaskStatus, out_of_scope="单位或片区不存在或不在您的管辖范围内",
                             child_rows=60, child_filter={"total__gt": 0})
OUT_OF_SCOPE = LEDGER.out_of_scope


def resolve(user, params, year: int) -> kept_scope.KeptScope:
    return kept_scope.resolve(user, params, LEDGER, year=year)

