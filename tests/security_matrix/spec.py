"""The matrix itself: for every route, what fills its parameters and who may use it in scope.

A route missing here, or with a parameter nobody knows how to fill, fails `test_security_matrix` by name — a new page
or API operation cannot slip past. Parameters named like `person_id` are filled by `BY_NAME`; `pk`, `code` and the
other ambiguous names are given per route.

`who` names the roles that succeed in scope (200, a redirect that is not to the login page or, for a write with the
matrix's minimal body, a validation answer); every other role must be refused (403/404) there too. Out of scope
every role is refused, and a write changes nothing."""

import datetime
from dataclasses import dataclass, field

from fivestar.core.roles import Role

SYS, COUNTY, TOWN, SUP, AREA, LIAISON, CADRE, OBS = (Role.SYSADMIN, Role.COUNTY_ADMIN, Role.TOWN_ADMIN, Role.SUPERVISOR,
                                                     Role.AREA_LEADER, Role.VILLAGE_LIAISON, Role.VILLAGE_CADRE, Role.OBSERVER)
ALL = frozenset({SYS, COUNTY, TOWN, SUP, AREA, LIAISON, CADRE, OBS})
VILLAGE_ROLES = frozenset({AREA, LIAISON, CADRE})

TODAY = datetime.date.today()
YEAR, THIS_MONTH, SOON = TODAY.year, TODAY.strftime("%Y-%m"), (TODAY + datetime.timedelta(days=20)).isoformat()
TODAY = TODAY.isoformat()


def ROUND_BODY(values):  # noqa: N802 - a body, named like the other constants
    day = datetime.date.today()
    return {"name": "新评星周期", "kind": "interim", "year": day.year, "rural_framework": values["=framework"],
            "period_start": day.isoformat(), "period_end": (day + datetime.timedelta(days=60)).isoformat(),
            "self_deadline": (day + datetime.timedelta(days=10)).isoformat(),
            "town_deadline": (day + datetime.timedelta(days=20)).isoformat(),
            "county_deadline": (day + datetime.timedelta(days=30)).isoformat()}


BY_NAME = {
    "person_id": "person", "duty_id": "duty", "role_id": "role", "framework_id": "framework", "round_id": "round",
    "assessment_id": "assessment", "evidence_id": "evidence", "objection_id": "objection", "team_id": "team", "plan_id": "visit",
    "inspection_id": "inspection", "problem_id": "problem", "task_id": "task", "commitment_id": "commitment",
    "series_id": "series", "meeting_id": "meeting", "event_id": "event", "session_id": "session", "incident_id": "incident",
    "honour_id": "honour", "project_id": "project", "pack_id": "pack", "town_id": "tpk", "token_id": "own_token",
    "file_id": "project_file", "batch_id": "letter_batch", "town": "tcode", "fmt": "fmt",
    "village": "vpk", "what": "what",
}


@dataclass(frozen=True)
class R:
    """One route's entry. `params`: parameter → kind (those `BY_NAME` knows may be left out); `variants`: more
    parameter sets checked the same way (a page that takes a village's code or a town's); `post`: a web route that
    answers only POST; `who`: roles that succeed in scope (None until classified); `primary`: the parameter whose
    level decides what "out of scope" means (default: the first that is not a constant)."""

    params: dict = field(default_factory=dict)
    who: frozenset | None = None
    post: bool = False
    variants: tuple = ()
    primary: str | None = None
    body: dict | None = None
    town_wide: bool = False
    out_ok: frozenset = frozenset()

    def visible_to(self, role) -> set:
        """Places a role is shown on this route by design although they lie outside its own scope."""
        return {"S"} if self.town_wide and role in VILLAGE_ROLES else set()


def r(who=None, *, post=False, variants=(), primary=None, body=None, town_wide=False, out_ok=(), extra=None, **params) -> R:
    """`extra`: "?name" → kind for a query parameter, ".name" → kind for a body field, "=name" → a value a callable
    `body` reads (not sent), all filled for the same place as the path parameters; "[kind]" sends a list of one."""
    return R(params={**params, **(extra or {})}, who=None if who is None else frozenset(who), post=post, variants=tuple(variants), primary=primary,
             body=body, town_wide=town_wide, out_ok=frozenset(out_ok))


# Routes that are not checked by role, each with why. Public ones are still fetched anonymously and must show no
# private data (no place's private marker) — see test_public_pages_show_nothing_private.
NOT_ROLE_CHECKED = {
    "login": "the login form itself",
    "logout": "ends whatever session there is",
    "core:password_change": "the caller's own password (checked by test_account)",
    "supervision:field_sw": "the field page's service worker script: static code, no data",
    "api:openapi-json": "the API's own description, no data (checked by test_openapi_document_is_what_the_matrix_enumerates)",
    "api:openapi-view": "Swagger UI for that description",
    "POST /api/v1/auth/token": "exchanges a user name and password for a token (throttled, test_security)",
    "POST /api/v1/auth/logout": "revokes the caller's own token",
    "POST /api/v1/auth/password": "the caller's own password",
    "api:api-root": "ninja's catch-all root of /api/v1/ (answers 404 for anything it does not route)",
}
PUBLIC = {
    # route → params: reachable without a login by design (公示 notice, objection form, QR codes, public commitments,
    # QR check-in landing page). Each is fetched anonymously and must not show any place's private marker.
    "planning_public:commitments": {"code": "vcode"},
    "public:round": {"token": "public_token"},
    "public:round_qr": {"token": "public_token"},
    "public:unit": {"token": "public_token", "code": "vcode"},
    "public:town": {"token": "public_token", "code": "tcode"},
    "public:qr": {"token": "public_token", "code": "tcode"},
    "public:print": {"token": "public_token", "code": "tcode"},
    "activities:check_in": {"token": "check_in_token"},
    "POST /api/v1/activities/check-in/{token}": {"token": "check_in_token"},
    "supervision:field": {},
}

ROUTES: dict[str, R] = {
    # core, orgs, people ------------------------------------------------------------------------------------------
    "home": r(ALL),
    "core:history_export": r(ALL),
    "core:history": r(ALL),
    "core:account": r(ALL),
    "core:token_revoke": r(ALL, post=True, pk="own_token", out_ok={302}),  # someone else's token: "不存在或已失效", nothing revoked
    "orgs:tree": r(ALL),
    "orgs:children": r(ALL, code="vcode", variants=[{"code": "tcode", "who": {SYS, COUNTY, TOWN, SUP, OBS}}]),
    "orgs:setup": r({SYS, COUNTY, TOWN}, code="tcode"),
    "orgs:unit": r(ALL, code="vcode", variants=[{"code": "tcode", "who": {SYS, COUNTY, TOWN, SUP, OBS}}]),
    "people:list": r(ALL),
    "people:create": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "people:unit_options": r(ALL),
    "people:detail": r(ALL, pk="person"),
    "people:edit": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, pk="person"),
    "people:delete": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, pk="person"),
    "people:restore": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, post=True, pk="person"),
    "people:responsibility_create": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, pk="person"),
    "people:responsibility_delete": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, pk="duty"),
    "people:account_create": r({SYS, COUNTY, TOWN}, pk="person"),
    "people:account_reset": r({SYS, COUNTY, TOWN}, post=True, pk="account_person"),
    "people:account_toggle": r({SYS, COUNTY, TOWN}, post=True, pk="account_person"),
    "people:role_grant": r({SYS, COUNTY, TOWN}, pk="account_person"),
    "people:role_revoke": r({SYS, COUNTY, TOWN}, pk="role"),
    # imports -----------------------------------------------------------------------------------------------------
    "imports:index": r(ALL),
    "imports:divisions": r({SYS}),
    "imports:divisions_job": r({SYS}, pk="import_divisions"),
    "imports:divisions_confirm": r({SYS}, post=True, pk="import_divisions"),
    "imports:divisions_progress": r({SYS}, pk="import_divisions"),
    "imports:divisions_resume": r({SYS}, post=True, pk="import_divisions"),
    "imports:people": r({SYS, COUNTY, TOWN}),
    "imports:people_template": r({SYS, COUNTY, TOWN}),
    "imports:people_job": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="import_people"),
    # standards, indicators, gap ----------------------------------------------------------------------------------
    "standards:list": r(ALL),
    "standards:diff": r(ALL),
    "standards:template_xlsx": r(ALL),
    "standards:template_yaml": r(ALL),
    "standards:import": r({SYS, COUNTY}),
    "standards:detail": r({SYS, COUNTY, OBS}, pk="framework"),
    "standards:download_yaml": r({SYS, COUNTY, OBS}, pk="framework"),
    "standards:download_xlsx": r({SYS, COUNTY, OBS}, pk="framework"),
    "standards:publish": r({SYS, COUNTY}, post=True, pk="framework"),
    "standards:archive": r({SYS, COUNTY}, post=True, pk="framework"),
    "standards:copy": r({SYS, COUNTY}, pk="framework"),
    "indicators:list": r(ALL),
    "indicators:import": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "indicators:import_template": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "indicators:village": r(ALL, code="vcode"),
    "indicators:record": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, code="vcode"),
    "gap:village": r(ALL, code="vcode"),
    "gap:simulate": r(ALL, code="vcode"),
    "gap:preview": r(ALL, post=True, code="vcode"),
    # rating ------------------------------------------------------------------------------------------------------
    "rating:rounds": r(ALL),
    "rating:round_create": r({SYS, COUNTY, TOWN}),
    "rating:round": r(ALL, pk="round"),
    "rating:round_open": r({SYS, COUNTY}, post=True, pk="round"),
    "rating:round_progress": r(ALL, pk="round"),
    "rating:round_resume": r({SYS, COUNTY}, post=True, pk="round"),
    "rating:round_unit": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="round", code="tcode", primary="code"),
    "rating:town_review": r(ALL, pk="round", code="tcode", primary="code"),
    "rating:assessment_review": r(ALL, pk="assessment"),
    "rating:assessment_review_star": r(ALL, pk="assessment", code="star"),
    "rating:assessment_review_rule": r(ALL, pk="assessment", code="rule"),
    "rating:assessment_change": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="assessment"),
    "rating:assessment_return": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="assessment"),
    "rating:assessment_approve": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="assessment"),
    "rating:assessment_reopen": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="assessment"),
    "rating:veto_create": r({SYS, COUNTY, TOWN}, code="vcode"),
    "rating:my_assessments": r(ALL),
    "rating:assessment": r(ALL, pk="assessment"),
    "rating:village_save_rule": r({SYS, LIAISON, CADRE}, post=True, pk="assessment", code="rule"),
    "rating:village_star": r(ALL, pk="assessment", code="star"),
    "rating:village_carried": r(ALL, pk="assessment", code="star"),
    "rating:village_gaps": r(ALL, pk="assessment"),
    "rating:village_confirm": r({SYS, LIAISON, CADRE}, post=True, pk="assessment"),
    "rating:village_submit": r({SYS, LIAISON, CADRE}, post=True, pk="assessment"),
    "rating:evidence_upload": r({SYS, LIAISON, CADRE}, post=True, pk="assessment"),
    "rating:evidence_reuse": r({SYS, LIAISON, CADRE}, post=True, pk="assessment"),
    "rating:evidence_detach": r({SYS, LIAISON, CADRE}, post=True, pk="assessment", code="rule", evidence_id="evidence"),
    "rating:evidence_file": r(ALL, pk="evidence"),
    "rating:evidence_thumb": r(ALL, pk="evidence"),
    "rating:start_notice": r({SYS, COUNTY, TOWN}, post=True, pk="round"),
    "rating:recognise": r({SYS, COUNTY, TOWN}, post=True, pk="round"),
    "rating:objections": r({SYS, COUNTY, TOWN, SUP}, pk="round"),
    "rating:village_history": r(ALL, code="vcode"),
    "rating:certificate": r(ALL, code="vcode"),
    "rating:round_deadlines": r(ALL, pk="round"),
    "rating:close_early": r({SYS, COUNTY, TOWN}, post=True, pk="round"),
    "rating:close_overdue": r({SYS, COUNTY, TOWN}, post=True, pk="round"),
    "rating:assessment_restore": r({SYS, COUNTY}, post=True, pk="assessment"),
    # inbox -------------------------------------------------------------------------------------------------------
    "inbox:list": r(ALL),
    "inbox:open": r(ALL, pk="own_notification"),
    "inbox:mark_all_read": r(ALL, post=True),
    # supervision -------------------------------------------------------------------------------------------------
    "supervision:index": r(ALL),
    "supervision:problems": r(ALL),
    "supervision:problem": r(ALL, pk="problem"),
    "supervision:problem_start": r({SYS, LIAISON, CADRE}, post=True, pk="problem"),
    "supervision:problem_rectify": r({SYS, LIAISON, CADRE}, post=True, pk="problem"),
    "supervision:problem_accept": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="problem"),
    "supervision:problem_reject": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="problem"),
    "supervision:problem_deadline": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="problem"),
    "supervision:teams": r(ALL),
    "supervision:team_create": r({SYS, COUNTY, TOWN}),
    "supervision:team_edit": r({SYS, COUNTY, TOWN}, pk="team"),
    "supervision:plan": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="team"),
    # A team's supervisors plan their own visits (services/plans.py: can_manage or can_supervise).
    "supervision:plan_generate": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="team"),
    "supervision:plan_move": r({SYS, COUNTY, TOWN, SUP}, post=True, pk="visit"),
    "supervision:daily": r({SYS, COUNTY, TOWN}),
    "supervision:settings_pick": r({SYS, COUNTY, TOWN}),
    "supervision:settings": r({SYS, COUNTY, TOWN}, code="tcode"),
    "supervision:ledger_xlsx": r(ALL),
    "supervision:village_notice": r(ALL, code="vcode"),
    # planning ----------------------------------------------------------------------------------------------------
    "planning:index": r(ALL),
    "planning:targets": r({SYS, COUNTY, TOWN, SUP, OBS}),
    "planning:targets_unit": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode", variants=[{"code": "ccode", "who": {SYS, COUNTY, OBS}}]),
    "planning:targets_import": r({SYS, COUNTY, TOWN}, code="tcode"),
    "planning:targets_template": r({SYS, COUNTY, TOWN}, code="tcode"),
    "planning:ledger": r(ALL),
    "planning:ledger_export": r(ALL),
    "planning:gaps": r(ALL, code="vcode"),
    "planning:village_ledger": r(ALL, pk="vpk"),
    "planning:task_new": r({SYS, COUNTY, TOWN}, extra={"?unit": "vcode"}),
    "planning:task": r(ALL, pk="task"),
    "planning:task_status": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, post=True, pk="task"),
    "planning:task_evidence": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, post=True, pk="task"),
    "planning:task_edit": r({SYS, COUNTY, TOWN}, post=True, pk="task"),
    "planning:from_problem": r({SYS, COUNTY, TOWN}, post=True, pk="problem"),
    "planning:commitments": r(ALL),
    "planning:commitment_result": r({SYS, LIAISON, CADRE}, post=True, pk="commitment"),
    "planning:commitment_grade": r({SYS, COUNTY, TOWN}, post=True, pk="commitment"),
    "planning:commitments_unit": r(ALL, code="vcode", variants=[{"code": "tcode", "who": {SYS, COUNTY, TOWN, SUP, OBS}}]),
    "planning:commitments_post": r({SYS, LIAISON, CADRE}, post=True, code="vcode"),
    "planning:commitments_qr": r(ALL, code="vcode"),
    "planning:commitments_qr_png": r(ALL, code="vcode"),
    "planning:letters": r({SYS, COUNTY, TOWN, SUP, LIAISON, CADRE, OBS}),
    "planning:letters_example": r(ALL),
    "planning:letters_batch_progress": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="letter_batch"),
    "planning:letters_batch_resume": r({SYS, COUNTY, TOWN}, post=True, pk="letter_batch"),
    "planning:letters_batch_download": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="letter_batch"),
    "planning:letters_unit": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode", variants=[{"code": "vcode", "who": ALL}]),
    "planning:letters_template_upload": r({SYS, COUNTY, TOWN}, post=True, code="tcode"),
    "planning:letters_template": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode"),
    "planning:letters_use_example": r({SYS, COUNTY, TOWN}, post=True, code="tcode"),
    "planning:letters_batch_start": r({SYS, COUNTY, TOWN}, post=True, code="tcode"),
    "planning:letters_docx": r(ALL, code="vcode"),
    "planning:letters_sign": r({SYS, COUNTY, TOWN}, post=True, code="vcode"),
    # observation -------------------------------------------------------------------------------------------------
    "observation:index": r(ALL),
    "observation:create": r({SYS, COUNTY, TOWN}),
    "observation:score": r({SUP}, pk="event"),
    "observation:ranking": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="event"),
    "observation:ranking_export": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="published_event"),
    "observation:event_meeting": r({SYS, COUNTY, TOWN}, post=True, pk="event"),
    "observation:flags_propose": r(ALL),
    "observation:flags": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="flags"),
    "observation:village": r(ALL, code="vcode"),
    "observation:settings": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode"),
    # meetings ----------------------------------------------------------------------------------------------------
    "meetings:index": r(ALL),
    "meetings:new_series": r({SYS, COUNTY, TOWN}, post=True),
    "meetings:series": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="series"),
    "meetings:series_edit": r({SYS, COUNTY, TOWN}, post=True, pk="series"),
    "meetings:series_active": r({SYS, COUNTY, TOWN}, post=True, pk="series"),
    "meetings:new_meeting": r({SYS, COUNTY, TOWN}, post=True),
    "meetings:meeting": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="meeting"),
    "meetings:edit": r({SYS, COUNTY, TOWN}, post=True, pk="meeting"),
    "meetings:attendance": r({SYS, COUNTY, TOWN}, post=True, pk="meeting"),
    "meetings:decision": r({SYS, COUNTY, TOWN}, post=True, pk="meeting"),
    "meetings:briefing_start": r({SYS, COUNTY, TOWN}, post=True, pk="meeting"),
    "meetings:briefing_progress": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="meeting"),
    "meetings:briefing_status": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="meeting"),
    "meetings:briefing": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="meeting"),
    "meetings:briefing_docx": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="meeting"),
    "meetings:briefing_pdf": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="meeting"),
    # activities --------------------------------------------------------------------------------------------------
    "activities:index": r(ALL),
    "activities:list": r(ALL, what="what_list"),
    "activities:export": r(ALL, what="what_list"),
    "activities:import_honours": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "activities:import_template": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "activities:session": r(ALL, pk="session"),
    "activities:session_qr": r(ALL, pk="session"),
    "activities:incident": r(ALL, pk="incident"),
    "activities:project": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, pk="campaign"),
    "activities:edit": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, what="what", pk="honour"),
    "activities:delete": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, post=True, what="what", pk="honour"),
    "activities:kinds": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode"),
    "activities:village": r(ALL, code="vcode"),
    "activities:new": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, code="vcode", what="what"),
    # boards ------------------------------------------------------------------------------------------------------
    "boards:index": r({SYS, COUNTY, TOWN, SUP, AREA, OBS}),
    "boards:town": r({SYS, COUNTY, TOWN, SUP, AREA, OBS}, pk="tpk"),
    "boards:unit": r({SYS, COUNTY, OBS}, pk="cpk"),
    "boards:cell": r(ALL, village="vpk", code="star"),
    "boards:screen": r({SYS, COUNTY, TOWN, SUP, AREA, OBS}, pk="tpk", variants=[{"pk": "cpk", "who": {SYS, COUNTY, OBS}}]),
    "boards:map": r({SYS, COUNTY, OBS}, pk="cpk"),
    "boards:export_board": r({SYS, COUNTY, TOWN, SUP, AREA, OBS}, pk="tpk", fmt="fmt"),
    "boards:export": r({SYS, COUNTY, TOWN, SUP, LIAISON, CADRE, OBS}, pk="my_board_export"),
    "boards:export_resume": r({SYS, COUNTY, TOWN, SUP, OBS}, post=True, pk="my_board_export"),
    "boards:export_download": r({SYS, COUNTY, TOWN, SUP, LIAISON, CADRE, OBS}, pk="my_board_export"),
    # projects ----------------------------------------------------------------------------------------------------
    "projects:catalogue": r(ALL, town_wide=True),
    "projects:publish": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "projects:detail": r(ALL, town_wide=True, pk="project"),
    "projects:file": r(ALL, town_wide=True, pk="project", file_id="project_file"),
    "projects:add_files": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, post=True, pk="project"),
    "projects:interest": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, town_wide=True, pk="other_project"),
    "projects:agreement": r({SYS, COUNTY, TOWN}, pk="project"),
    "projects:stage": r({SYS, COUNTY, TOWN}, post=True, pk="project"),
    "projects:returns": r({SYS, COUNTY, TOWN}, pk="project"),
    "projects:policy": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode", variants=[{"code": "county_policy", "who": {SYS, COUNTY, OBS}}]),
    # reviews -----------------------------------------------------------------------------------------------------
    "reviews:index": r(ALL),
    "reviews:pack": r(ALL, pk="pack"),
    "reviews:adjust": r({SYS, COUNTY, TOWN}, post=True, pk="pack"),
    "reviews:export": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="my_review_export"),
    "reviews:export_download": r({SYS, COUNTY, TOWN, SUP, OBS}, pk="my_review_export"),
    "reviews:settings": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode"),
    "reviews:town": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode"),
    "reviews:compute": r({SYS, COUNTY, TOWN}, post=True, code="tcode"),
    "reviews:export_start": r({SYS, COUNTY, TOWN}, post=True, code="tcode"),
    # API: account, orgs, people ----------------------------------------------------------------------------------
    "GET /api/v1/auth/tokens": r(ALL),
    "DELETE /api/v1/auth/tokens/{token_id}": r(ALL),
    "GET /api/v1/org-units": r(ALL),
    "GET /api/v1/org-units/{code}": r(ALL, code="vcode"),
    "GET /api/v1/people": r(ALL),
    "POST /api/v1/people": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, body={"name": "新党员", "gender": "M", "position": "party_member"}, extra={".org_unit": "vcode"}),
    "GET /api/v1/people/{person_id}": r(ALL),
    "PATCH /api/v1/people/{person_id}": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "DELETE /api/v1/people/{person_id}": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "GET /api/v1/responsibilities": r(ALL),
    "POST /api/v1/responsibilities": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, body={"duty": "households", "household_count": 3}, extra={".org_unit": "vcode", ".person_id": "person"}),
    "GET /api/v1/responsibilities/{duty_id}": r(ALL),
    "DELETE /api/v1/responsibilities/{duty_id}": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "POST /api/v1/people/{person_id}/account": r({SYS, COUNTY, TOWN}, body={"username": "matrix-new-account"}),
    "POST /api/v1/people/{person_id}/account/password-reset": r({SYS, COUNTY, TOWN}, person_id="account_person"),
    "POST /api/v1/people/{person_id}/account/active": r({SYS, COUNTY, TOWN}, person_id="account_person"),
    "GET /api/v1/people/{person_id}/roles": r(ALL, person_id="account_person"),
    "POST /api/v1/people/{person_id}/roles": r({SYS, COUNTY, TOWN}, person_id="account_person", body={"role": "observer"}, extra={".org_unit": "vcode"}),
    "DELETE /api/v1/roles/{role_id}": r({SYS, COUNTY, TOWN}),
    # API: standards, rating --------------------------------------------------------------------------------------
    "GET /api/v1/frameworks": r(ALL),
    "GET /api/v1/frameworks/{framework_id}": r({SYS, COUNTY, OBS}),
    "POST /api/v1/frameworks/{framework_id}/evaluate": r({SYS, COUNTY, OBS}),
    "POST /api/v1/frameworks/{framework_id}/publish": r({SYS, COUNTY}),
    "POST /api/v1/frameworks/{framework_id}/archive": r({SYS, COUNTY}),
    "GET /api/v1/villages/{code}/gap": r(ALL, code="vcode"),
    "POST /api/v1/villages/{code}/gap/simulate": r(ALL, code="vcode"),
    "GET /api/v1/rounds": r(ALL),
    "POST /api/v1/rounds": r({SYS, COUNTY, TOWN}, body=ROUND_BODY, extra={".scope": "ccode", "=framework": "rural"}),
    "GET /api/v1/rounds/{round_id}": r(ALL),
    "GET /api/v1/rounds/{round_id}/progress": r(ALL),
    "POST /api/v1/rounds/{round_id}/open": r({SYS, COUNTY}),
    "POST /api/v1/rounds/{round_id}/resume": r({SYS, COUNTY}),
    "POST /api/v1/rounds/{round_id}/notice": r({SYS, COUNTY}),
    "DELETE /api/v1/rounds/{round_id}/notice": r({SYS, COUNTY}),
    "POST /api/v1/rounds/{round_id}/recognise": r({SYS, COUNTY}),
    "GET /api/v1/rounds/{round_id}/objections": r({SYS, COUNTY, TOWN, SUP}),
    "POST /api/v1/rounds/{round_id}/objections/dismiss": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/rounds/{round_id}/objections/{objection_id}/resolve": r({SYS, COUNTY, TOWN}, primary="objection_id"),
    "GET /api/v1/rounds/{round_id}/deadlines": r(ALL),
    "POST /api/v1/rounds/{round_id}/close-overdue": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/rounds/{round_id}/close-early": r(ALL),
    "GET /api/v1/assessments": r(ALL),
    "GET /api/v1/assessments/{assessment_id}": r(ALL),
    "POST /api/v1/assessments/{assessment_id}/answers": r({SYS, LIAISON, CADRE}),
    "PUT /api/v1/assessments/{assessment_id}/rules/{code}": r(ALL, code="rule"),
    "POST /api/v1/assessments/{assessment_id}/confirm": r({SYS, LIAISON, CADRE}),
    "POST /api/v1/assessments/{assessment_id}/submit": r({SYS, LIAISON, CADRE}),
    "POST /api/v1/assessments/{assessment_id}/evidence": r(ALL),
    "POST /api/v1/assessments/{assessment_id}/evidence/attach": r({SYS, LIAISON, CADRE}),
    "DELETE /api/v1/assessments/{assessment_id}/rules/{code}/evidence/{evidence_id}": r({SYS, LIAISON, CADRE}, code="rule"),
    "POST /api/v1/assessments/{assessment_id}/review/change": r(ALL),
    "POST /api/v1/assessments/{assessment_id}/review/return": r({SYS, TOWN, SUP}),
    "POST /api/v1/assessments/{assessment_id}/review/approve": r({SYS, TOWN, SUP}),
    "POST /api/v1/assessments/{assessment_id}/review/reopen": r({SYS, TOWN, SUP}),
    "POST /api/v1/assessments/{assessment_id}/restore": r({SYS, COUNTY}),
    "GET /api/v1/evidence/{evidence_id}": r(ALL),
    "GET /api/v1/villages/{code}/rating-history": r(ALL, code="vcode"),
    "GET /api/v1/audit/events": r(ALL),
    "GET /api/v1/audit/events.xlsx": r(ALL),
    "GET /api/v1/history": r(ALL),
    # API: supervision --------------------------------------------------------------------------------------------
    "POST /api/v1/supervision/field/inspections": r({SYS, COUNTY, TOWN, SUP}, body={"kind": "routine"}, extra={".team": "team", ".villages": "[vpk]"}),
    "POST /api/v1/supervision/field/problems": r(ALL, body={"description": "新发现的问题", "severity": "minor"}, extra={".village": "vpk"}),
    "POST /api/v1/supervision/field/photos": r({SYS, COUNTY, TOWN, SUP}, body={"target": "problem"}, extra={".target_uid": "problem_uid"}),
    "GET /api/v1/supervision/teams": r(ALL),
    "POST /api/v1/supervision/teams": r({SYS, COUNTY, TOWN, AREA, LIAISON, CADRE}, body={"name": "新督导组"}, extra={".unit": "tcode"}),
    "PUT /api/v1/supervision/teams/{team_id}": r({SYS, COUNTY, TOWN}),
    "GET /api/v1/supervision/teams/{team_id}/plan": r({SYS, COUNTY, TOWN, SUP, OBS}),
    "POST /api/v1/supervision/teams/{team_id}/plan/generate": r({SYS, COUNTY, TOWN, SUP}),
    "POST /api/v1/supervision/plans/{plan_id}/move": r({SYS, COUNTY, TOWN, SUP}),
    "GET /api/v1/supervision/inspections": r(ALL),
    "GET /api/v1/supervision/inspections/{inspection_id}": r(ALL),
    "GET /api/v1/supervision/villages/{code}/notice.docx": r(ALL, code="vcode"),
    "GET /api/v1/supervision/problems": r(ALL),
    "POST /api/v1/supervision/problems": r({SYS, COUNTY, TOWN, SUP}, body={"description": "新发现的问题", "severity": "minor"}, extra={".village": "vcode"}),
    "GET /api/v1/supervision/problems/ledger.xlsx": r(ALL),
    "GET /api/v1/supervision/problems/{problem_id}": r(ALL),
    "POST /api/v1/supervision/problems/{problem_id}/start": r({SYS, LIAISON, CADRE}),
    "POST /api/v1/supervision/problems/{problem_id}/rectify": r({SYS, LIAISON, CADRE}),
    "POST /api/v1/supervision/problems/{problem_id}/accept": r({SYS, COUNTY, TOWN, SUP}),
    "POST /api/v1/supervision/problems/{problem_id}/reject": r({SYS, COUNTY, TOWN, SUP}),
    "POST /api/v1/supervision/problems/{problem_id}/deadline": r({SYS, COUNTY, TOWN, SUP}),
    "POST /api/v1/supervision/problems/{problem_id}/evidence": r(ALL),
    # API: planning -----------------------------------------------------------------------------------------------
    "GET /api/v1/planning/targets": r({SYS, COUNTY, TOWN, SUP, OBS}, extra={"?unit": "tcode"}),
    "PUT /api/v1/planning/targets": r(ALL),
    "GET /api/v1/planning/plans/{code}": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode"),
    "PUT /api/v1/planning/plans/{code}": r({SYS, COUNTY, TOWN}, code="tcode"),
    "GET /api/v1/planning/plans/{code}/check": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode"),
    "GET /api/v1/planning/letters": r({SYS, COUNTY, TOWN, SUP, OBS}, extra={"?unit": "tcode"}),
    "POST /api/v1/planning/letters/{code}/sign": r({SYS, COUNTY, TOWN}, code="vcode"),
    "POST /api/v1/planning/letters/batches": r({SYS, COUNTY, TOWN}, body={"year": YEAR}, extra={".town": "tcode"}),
    "GET /api/v1/planning/letters/batches/{batch_id}": r({SYS, COUNTY, TOWN, SUP, OBS}),
    "GET /api/v1/planning/tasks": r(ALL),
    "POST /api/v1/planning/tasks": r({SYS, COUNTY, TOWN}, body={"year": YEAR, "star_code": "cyxw", "title": "新任务", "deadline": SOON}, extra={".village": "vcode"}),
    "GET /api/v1/planning/tasks/export.xlsx": r(ALL),
    "GET /api/v1/planning/tasks/{task_id}": r(ALL),
    "POST /api/v1/planning/villages/{code}/gap-tasks": r({SYS, COUNTY, TOWN}, code="vcode"),
    "POST /api/v1/planning/tasks/{task_id}/status": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "POST /api/v1/planning/tasks/{task_id}/evidence": r(ALL),
    "GET /api/v1/planning/commitments": r(ALL),
    "POST /api/v1/planning/commitments": r({SYS, LIAISON, CADRE}, body={"month": THIS_MONTH, "content": "新承诺"}, extra={".village": "vcode", ".person": "account_person"}),
    "POST /api/v1/planning/commitments/{commitment_id}/result": r({SYS, LIAISON, CADRE}),
    "POST /api/v1/planning/commitments/{commitment_id}/grade": r({SYS, COUNTY, TOWN}),
    # API: meetings -----------------------------------------------------------------------------------------------
    "GET /api/v1/meetings/series": r(ALL),
    "POST /api/v1/meetings/series": r({SYS, COUNTY, TOWN}, body={"kind": "special", "name": "专题会"}, extra={".unit": "tcode"}),
    "GET /api/v1/meetings/series/{series_id}": r({SYS, COUNTY, TOWN, SUP, OBS}),
    "PUT /api/v1/meetings/series/{series_id}": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/meetings/series/{series_id}/deactivate": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/meetings/series/{series_id}/activate": r({SYS, COUNTY, TOWN}),
    "GET /api/v1/meetings": r(ALL),
    "POST /api/v1/meetings": r({SYS, COUNTY, TOWN}, body={"title": "专题会议", "date": SOON}, extra={".unit": "tcode"}),
    "GET /api/v1/meetings/{meeting_id}": r({SYS, COUNTY, TOWN, SUP, OBS}),
    "PATCH /api/v1/meetings/{meeting_id}": r({SYS, COUNTY, TOWN}),
    "PUT /api/v1/meetings/{meeting_id}/attendance": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/meetings/{meeting_id}/decisions": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/meetings/{meeting_id}/briefing": r({SYS, COUNTY, TOWN}),
    "GET /api/v1/meetings/{meeting_id}/briefing": r({SYS, COUNTY, TOWN, SUP, OBS}),
    # API: observation --------------------------------------------------------------------------------------------
    "GET /api/v1/observation/events": r(ALL),
    "POST /api/v1/observation/events": r(ALL, body={"title": "观摩", "date": TODAY, "items": [{"name": "环境", "weight": 100}], "observer_ids": [], "villages": []}, extra={".unit": "tcode"}),
    "GET /api/v1/observation/events/{event_id}": r({SYS, COUNTY, TOWN, SUP, OBS}),
    "GET /api/v1/observation/units/{unit}/observers": r({SYS, COUNTY, TOWN}, unit="tcode"),
    "PUT /api/v1/observation/events/{event_id}/meeting": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/observation/events/{event_id}/scores": r({SUP}, body={"scores": {}}, extra={".village": "vcode"}),
    "GET /api/v1/observation/events/{event_id}/ranking": r({SYS, COUNTY, TOWN, SUP, OBS}),
    "GET /api/v1/observation/events/{event_id}/ranking.xlsx": r({SYS, COUNTY, TOWN, SUP, OBS}, event_id="published_event"),
    "POST /api/v1/observation/events/{event_id}/publish": r({SYS, COUNTY, TOWN}),
    "GET /api/v1/observation/flags": r(ALL),
    "POST /api/v1/observation/flags": r({SYS, COUNTY, TOWN}, body={"month": TODAY}, extra={".town": "tcode"}),
    "GET /api/v1/observation/flags/{round_id}": r({SYS, COUNTY, TOWN, SUP, OBS}, round_id="flags"),
    "POST /api/v1/observation/flags/{round_id}/confirm": r({SYS, COUNTY, TOWN}, round_id="flags"),
    "POST /api/v1/observation/flags/{round_id}/publish": r({SYS, COUNTY, TOWN}, round_id="flags"),
    "POST /api/v1/observation/flags/{round_id}/adjust": r({SYS, COUNTY, TOWN}, round_id="flags", body={"flag": "black", "reason": "手工调整"}, extra={".village": "vcode"}),
    "GET /api/v1/observation/settings/{town}": r({SYS, COUNTY, TOWN, SUP, OBS}),
    "PUT /api/v1/observation/settings/{town}": r({SYS, COUNTY, TOWN}),
    # API: activities ---------------------------------------------------------------------------------------------
    "GET /api/v1/activities/records/{what}": r(ALL, what="what_list"),
    "GET /api/v1/activities/villages/{code}/indicators": r(ALL, code="vcode"),
    "POST /api/v1/activities/villages/{code}/sessions": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, code="vcode"),
    "PUT /api/v1/activities/sessions/{session_id}/attendance": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "POST /api/v1/activities/villages/{code}/honours": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, code="vcode"),
    "POST /api/v1/activities/villages/{code}/incidents": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, code="vcode"),
    "POST /api/v1/activities/incidents/{incident_id}/confirm": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/activities/incidents/{incident_id}/reject": r({SYS, COUNTY, TOWN}),
    "GET /api/v1/activities/towns/{code}/kinds": r(ALL, code="tcode"),
    "POST /api/v1/activities/towns/{code}/kinds": r({SYS, COUNTY, TOWN}, code="tcode"),
    "PUT /api/v1/activities/records/{what}/{record_id}": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, record_id="honour"),
    "POST /api/v1/activities/records/{what}/{record_id}/void": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, record_id="honour"),
    "POST /api/v1/activities/honours/{honour_id}/certificate": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "POST /api/v1/activities/honours/import": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    # API: boards -------------------------------------------------------------------------------------------------
    "GET /api/v1/boards/town/{town_id}": r({SYS, COUNTY, TOWN, SUP, AREA, OBS}),
    "GET /api/v1/boards/unit/{unit_id}": r({SYS, COUNTY, OBS}, unit_id="cpk"),
    "GET /api/v1/boards/screen/{unit_id}": r({SYS, COUNTY, TOWN, SUP, AREA, OBS}, unit_id="tpk", variants=[{"unit_id": "cpk", "who": {SYS, COUNTY, OBS}}]),
    "GET /api/v1/boards/map/{unit_id}": r({SYS, COUNTY, OBS}, unit_id="cpk"),
    "GET /api/v1/boards/export/{unit_id}": r({SYS, COUNTY, TOWN, SUP, AREA, OBS}, unit_id="tpk"),
    "POST /api/v1/boards/exports": r({SYS, COUNTY, TOWN, SUP, OBS}, body={"year": YEAR, "kind": "villages_xlsx"}, extra={".unit_id": "tpk"}),
    "GET /api/v1/boards/exports": r(ALL),
    "GET /api/v1/boards/exports/{export_id}": r({SYS, COUNTY, TOWN, SUP, LIAISON, CADRE, OBS}, export_id="my_board_export"),
    "POST /api/v1/boards/exports/{export_id}/resume": r({SYS, COUNTY, TOWN, SUP, LIAISON, CADRE, OBS}, export_id="my_board_export"),
    "GET /api/v1/boards/exports/{export_id}/download": r({SYS, COUNTY, TOWN, SUP, LIAISON, CADRE, OBS}, export_id="my_board_export"),
    # API: projects -----------------------------------------------------------------------------------------------
    "GET /api/v1/projects/": r(ALL, town_wide=True),
    "POST /api/v1/projects/": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, body={"name": "新项目", "industry": "食用菌", "investment": "100000"}, extra={".village": "vcode"}),
    "GET /api/v1/projects/{project_id}": r(ALL, town_wide=True),
    "PUT /api/v1/projects/{project_id}": r({SYS, COUNTY, TOWN, LIAISON, CADRE}),
    "GET /api/v1/projects/{project_id}/interests": r(ALL, town_wide=True),
    "POST /api/v1/projects/{project_id}/interests": r({SYS, COUNTY, TOWN, LIAISON, CADRE}, town_wide=True, project_id="other_project", body={"amount": "1000"}, extra={".village": "vcode"}),
    "GET /api/v1/projects/{project_id}/agreements": r(ALL, town_wide=True),
    "POST /api/v1/projects/{project_id}/agreements": r({SYS, COUNTY, TOWN}),
    "PUT /api/v1/projects/{project_id}/stage": r({SYS, COUNTY, TOWN}),
    "GET /api/v1/projects/{project_id}/returns": r(ALL, town_wide=True),
    "PUT /api/v1/projects/{project_id}/returns": r({SYS, COUNTY, TOWN}),
    "GET /api/v1/projects/incentive-policy/{code}": r({SYS, COUNTY, TOWN, SUP, OBS}, code="tcode"),
    "PUT /api/v1/projects/incentive-policy/{code}": r({SYS, COUNTY, TOWN}, code="tcode"),
    "POST /api/v1/projects/{project_id}/files": r(ALL),
    # API: reviews ------------------------------------------------------------------------------------------------
    "GET /api/v1/reviews/packs": r({SYS, COUNTY, TOWN, SUP, OBS}, extra={"?town": "tcode"}),
    "GET /api/v1/reviews/packs/{pack_id}": r(ALL),
    "POST /api/v1/reviews/packs/{pack_id}/adjust": r({SYS, COUNTY, TOWN}),
    "POST /api/v1/reviews/compute": r({SYS, COUNTY, TOWN}, body={"year": YEAR}, extra={".town": "tcode"}),
    "GET /api/v1/reviews/settings/{unit}": r({SYS, COUNTY, TOWN, SUP, OBS}, unit="tcode"),
    "PUT /api/v1/reviews/settings/{unit}": r({SYS, COUNTY, TOWN}, unit="tcode"),
    "POST /api/v1/reviews/exports": r({SYS, COUNTY, TOWN}, body={"year": YEAR, "kind": "docx"}, extra={".town": "tcode"}),
    "GET /api/v1/reviews/exports/{export_id}": r({SYS, COUNTY, TOWN, SUP, OBS}, export_id="my_review_export"),
    "GET /api/v1/reviews/exports/{export_id}/file": r({SYS, COUNTY, TOWN, SUP, OBS}, export_id="my_review_export"),
}


def param_kinds(key: str, params: tuple[str, ...], entry: R) -> list[dict] | str:
    """Every parameter set to check for a route, or the message saying what the matrix does not know."""
    sets = [entry.params, *entry.variants]
    out = []
    for given in sets:
        kinds = {k: v for k, v in given.items() if k[0] in "?.="}  # query parameters, body fields, values for `body`
        for name in params:
            kind = given.get(name) or BY_NAME.get(name)
            if kind is None:
                return (f"新的 URL 参数「{name}」（{key}）在安全矩阵中没有取值方式 / new URL pattern {key} has a parameter "
                        f"'{name}' with no entry in the security matrix (tests/security_matrix/spec.py)")
            kinds[name] = kind
        out.append(kinds)
    return out
