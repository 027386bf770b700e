"""The locustfile of bench/week.py (run by that script, not on its own): a county's week, every kind of person in
the plan's proportions (bench/people_rating.py, bench/people_week.py), through locust (bench/people_locust.py).
A kind with weight 0 is left out."""

from __future__ import annotations

from locust import events

import people_rating
import people_week
from people_locust import PLAN, SHARED, LocustVisitor

KINDS = {
    "village": people_rating.Village, "reviewer": people_rating.TownReviewer, "leader": people_rating.Leader,
    "inspector": people_week.Inspector, "rectifier": people_week.Rectifier, "meeting": people_week.TownMeeting,
    "watcher": people_week.BoardWatcher, "exporter": people_week.Exporter,
}
for _name, _kind in KINDS.items():
    if PLAN["weights"].get(_name):
        # locust picks up the user classes defined at module level
        globals()[_kind.__name__ + "User"] = type(_kind.__name__ + "User", (LocustVisitor, _kind), {"weight": PLAN["weights"][_name]})


@events.quitting.add_listener
def _left(environment, **kw):
    waiting = sum(len(q) for q in SHARED.to_check.values())
    print(f"left: {len(SHARED.villages)} villages to submit, {len(SHARED.to_rectify)} problems to rectify, {waiting} to re-inspect",
          flush=True)
