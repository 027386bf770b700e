"""What a route parameter stands for (a "kind"), at which level of the hierarchy its objects live, and how to get the
value for a place of the matrix world. Roles pick their places: `places_for(role, side)`."""

from dataclasses import dataclass
from typing import Callable

from fivestar.core.roles import Role

from .world import COUNTY_OF, TOWN_OF, MatrixWorld

ROLES = [Role.SYSADMIN, Role.COUNTY_ADMIN, Role.TOWN_ADMIN, Role.SUPERVISOR, Role.AREA_LEADER, Role.VILLAGE_LIAISON,
         Role.VILLAGE_CADRE, Role.OBSERVER]

# The nearest village each role must NOT reach (None: the role reaches everything). Its town and county follow: a
# town administrator's out-of-scope village is O in the other town of the same county, so a route that also takes a
# round gets county C's round (which the town sees) with O's unit — the question is the unit, not the round.
OUT_VILLAGE = {
    Role.SYSADMIN: None,
    Role.COUNTY_ADMIN: "F", Role.OBSERVER: "F",
    Role.TOWN_ADMIN: "O", Role.SUPERVISOR: "O",
    Role.AREA_LEADER: "S", Role.VILLAGE_LIAISON: "S", Role.VILLAGE_CADRE: "S",
}
# Out of scope at town level: a village role's own town is not "out" (it may see its town's meetings), the other is.
OUT_TOWN = {Role.SYSADMIN: None, Role.COUNTY_ADMIN: "FT", Role.OBSERVER: "FT", Role.TOWN_ADMIN: "OT", Role.SUPERVISOR: "OT",
            Role.AREA_LEADER: "OT", Role.VILLAGE_LIAISON: "OT", Role.VILLAGE_CADRE: "OT"}
OUT_COUNTY = {role: (None if role == Role.SYSADMIN else "FC") for role in ROLES}
# Every place whose marker must never appear in what the role is shown.
HIDDEN = {
    Role.SYSADMIN: set(),
    Role.COUNTY_ADMIN: {"F", "FT", "FC"}, Role.OBSERVER: {"F", "FT", "FC"},
    Role.TOWN_ADMIN: {"O", "F", "OT", "FT", "FC"}, Role.SUPERVISOR: {"O", "F", "OT", "FT", "FC"},
    Role.AREA_LEADER: {"S", "O", "F", "OT", "FT", "FC"},
    Role.VILLAGE_LIAISON: {"S", "O", "F", "OT", "FT", "FC"}, Role.VILLAGE_CADRE: {"S", "O", "F", "OT", "FT", "FC"},
}


@dataclass(frozen=True)
class Kind:
    level: str  # village | town | county | own | const
    get: Callable[[MatrixWorld, str], object]


def _obj(name):
    return lambda mw, place: mw.obj[name][place].pk


def _unit(attr):
    return lambda mw, place: getattr(mw.unit[place], attr)


VILLAGE_OBJECTS = ["person", "duty", "role", "assessment", "evidence", "objection", "inspection", "problem", "task", "commitment",
                   "session", "honour", "award", "pair", "check", "incident", "campaign", "project", "project_file", "pack"]
TOWN_OBJECTS = ["team", "visit", "letter_batch", "event", "published_event", "flags", "series", "meeting", "import_divisions",
                "import_people"]
COUNTY_OBJECTS = ["round", "framework"]

KINDS: dict[str, Kind] = {
    **{k: Kind("village", _obj(k)) for k in VILLAGE_OBJECTS},
    **{k: Kind("town", _obj(k)) for k in TOWN_OBJECTS},
    **{k: Kind("county", _obj(k)) for k in COUNTY_OBJECTS},
    "account_person": Kind("village", lambda mw, place: mw.secretary[place].pk),  # a person with an account
    "vcode": Kind("village", _unit("code")), "vpk": Kind("village", _unit("pk")),
    "tcode": Kind("town", _unit("code")), "tpk": Kind("town", _unit("pk")),
    "ccode": Kind("county", _unit("code")), "cpk": Kind("county", _unit("pk")),
    "county_policy": Kind("county", _unit("code")),
    # Things that belong to a user, not to a place: "in" is the caller's own, "out" someone else's.
    "own_token": Kind("own", lambda mw, who: mw.tokens_rows[who].pk if who != "X" else mw.stranger_token.pk),
    "own_notification": Kind("own", lambda mw, who: mw.notifications[who].pk if who != "X" else mw.stranger_notification.pk),
    # Exports are their starter's (within the starter's scope): "out" is one someone else started in the same town.
    "my_board_export": Kind("own", lambda mw, who: mw.my_board_export[who].pk),
    "my_review_export": Kind("own", lambda mw, who: mw.my_review_export[who].pk),
    # Public links: the round's notice token, a session's check-in token.
    "public_token": Kind("county", lambda mw, place: mw.obj["round"][place].public_token),
    "check_in_token": Kind("village", lambda mw, place: mw.obj["session"][place].qr_token),
    # A project of another village of the caller's town (a village expresses interest in its neighbour's, not its own).
    "other_project": Kind("village", lambda mw, place: mw.obj["project"]["S" if place == "V" else place].pk),
    "rural": Kind("const", lambda mw, place: mw.rural.pk),
    "problem_uid": Kind("village", lambda mw, place: str(mw.obj["problem"][place].client_uid)),
    # Values that are not objects: the same whatever the place.
    "star": Kind("const", lambda mw, place: "cyxw"),
    "rule": Kind("const", lambda mw, place: mw.rule.code),
    "fmt": Kind("const", lambda mw, place: "xlsx"),
    "what": Kind("const", lambda mw, place: "honours"),
    "what_list": Kind("const", lambda mw, place: "incidents"),
}


def place_of_level(level: str, village: str) -> str:
    return {"village": village, "town": TOWN_OF[village], "county": COUNTY_OF[TOWN_OF[village]]}[level]


def out_village(role: str, level: str) -> str | None:
    """The village whose place (at `level`) the role must not reach: the primary parameter decides the level."""
    if level == "village":
        return OUT_VILLAGE[role]
    if level == "town":
        town = OUT_TOWN[role]
        return None if town is None else {"T": "V", "OT": "O", "FT": "F"}[town]
    if level == "county":
        return None if OUT_COUNTY[role] is None else "F"
    return "X"  # own: someone else's
