"""People and responsibility assignments over the API (expanded by the people work)."""

from ninja import Router

router = Router(tags=["人员与职责"])
