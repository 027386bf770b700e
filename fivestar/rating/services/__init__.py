"""Use cases of the rating workflow, one function each; views and the API call these."""

from .answers import confirm_carried, save_answers
from .errors import ConflictError, WorkflowError
from .evidence import attach, detach, store_evidence
from .notice import dismiss_objections, file_objection, recognise, resolve_objection, start_notice
from .notice_withdraw import withdraw_notice
from .opening import create_round, open_round, populate_round
from .review import approve, missing_for_submission, reopen, return_for_changes, submit
from .veto import record_veto

__all__ = [
    "ConflictError", "WorkflowError", "approve", "attach", "confirm_carried", "create_round", "detach", "dismiss_objections", "file_objection",
    "missing_for_submission", "open_round", "populate_round", "recognise", "record_veto", "reopen", "resolve_objection",
    "return_for_changes", "save_answers", "start_notice", "store_evidence", "submit", "withdraw_notice",
]
