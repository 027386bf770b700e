"""The locustfile of bench/deadline_day.py (run by that script, not on its own): village users, town reviewers and
leaders (bench/people_rating.py) in the plan's proportions, through locust (bench/people_locust.py)."""

from __future__ import annotations

from locust import events

import people_rating
from people_locust import PLAN, SHARED, LocustVisitor


class VillageUser(LocustVisitor, people_rating.Village):
    weight = PLAN["weights"]["village"]


class TownReviewer(LocustVisitor, people_rating.TownReviewer):
    weight = PLAN["weights"]["reviewer"]


class Leader(LocustVisitor, people_rating.Leader):
    weight = PLAN["weights"]["leader"]


@events.quitting.add_listener
def _left(environment, **kw):
    print(f"villages left in the pool: {len(SHARED.villages)}", flush=True)
