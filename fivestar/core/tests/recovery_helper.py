"""Steps of the kill -9 recovery tests, each run in its own process against the database in the environment.

    python -m fivestar.core.tests.recovery_helper setup-round VILLAGES   → prints the draft round's id
    python -m fivestar.core.tests.recovery_helper open ROUND_ID          → queues the opening (for the worker)
    python -m fivestar.core.tests.recovery_helper open-here ROUND_ID     → opens it in this process
    python -m fivestar.core.tests.recovery_helper divisions-job DIR      → previews and queues an import
    python -m fivestar.core.tests.recovery_helper import-here DIR        → imports in this process
    python -m fivestar.core.tests.recovery_helper page URL               → the page, as the system admin
    python -m fivestar.core.tests.recovery_helper dump-round ROUND_ID    → JSON of its rows, without ids
    python -m fivestar.core.tests.recovery_helper dump-units             → JSON of every org unit, without ids
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fivestar.settings.dev")


def _admin():
    from django.contrib.auth import get_user_model

    from fivestar.core.roles import Role
    from fivestar.orgs.models import OrgUnit
    from fivestar.people.models import RoleAssignment

    user = get_user_model().objects.filter(username="sys").first()
    if user is None:
        user = get_user_model().objects.create_user(username="sys", password="test-pass-12345")
        RoleAssignment.objects.create(user=user, role=Role.SYSADMIN, org_unit=OrgUnit.objects.get(code="41"))
    return user


def _found(directory: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(directory).glob("*.csv"))}


def setup_round(villages: int) -> int:
    import datetime

    from fivestar.orgs.divisions import apply_import, plan_import
    from fivestar.rating.services import create_round
    from fivestar.standards.models import FrameworkVersion
    from fivestar.standards.services import load_shipped

    directory = Path(os.environ["FIVESTAR_VAR_DIR"]) / "divisions"
    generate_divisions(directory, villages)
    apply_import(plan_import(directory))
    load_shipped()
    today = datetime.date.today()
    rnd = create_round(
        _admin(), scope=_unit("41"), name="2024年度评星", kind="annual", year=2024,
        period_start=today - datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=30),
        rural_framework=FrameworkVersion.objects.get(code="puyang-2023-rural"),
        community_framework=FrameworkVersion.objects.get(code="puyang-2023-community"),
        self_deadline=today + datetime.timedelta(days=5), town_deadline=today + datetime.timedelta(days=10),
        county_deadline=today + datetime.timedelta(days=15), notice_days=5,
    )
    return rnd.pk


def _unit(code):
    from fivestar.orgs.models import OrgUnit

    return OrgUnit.objects.get(code=code)


def generate_divisions(directory: Path, villages: int) -> None:
    import importlib.util

    path = Path(__file__).resolve().parents[3] / "bench" / "import_divisions.py"
    spec = importlib.util.spec_from_file_location("bench_import_divisions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(directory, villages, counties=17, towns=max(17, villages // 40))


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from django.db import transaction

    command, args = argv[0], argv[1:]
    out = None
    if command == "setup-round":
        out = setup_round(int(args[0]))
    elif command == "generate":
        generate_divisions(Path(args[0]), int(args[1]))
    elif command in ("open", "open-here"):
        from fivestar.rating.models import Round
        from fivestar.rating.services import open_round, populate_round

        rnd = Round.objects.get(pk=int(args[0]))
        with transaction.atomic():
            open_round(rnd, _admin())
        if command == "open-here":
            populate_round(rnd.pk)
    elif command in ("divisions-job", "import-here"):
        from fivestar.imports import divisions_jobs

        admin = _admin() if command == "divisions-job" else None
        if command == "import-here":
            from fivestar.orgs.divisions import apply_import, plan_import

            apply_import(plan_import(Path(args[0])))
        else:
            job = divisions_jobs.create_preview(admin, _found(args[0]), "")
            assert divisions_jobs.confirm(job), job.message
            out = job.pk
    elif command == "page":
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(_admin(), backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(args[0])
        out = {"status": response.status_code, "html": response.content.decode()}
    elif command == "dump-round":
        from fivestar.rating.models import Assessment, AssessmentEvent, Round

        skip = {"id", "round", "created_at", "updated_at"}
        fields = [f.attname for f in Assessment._meta.concrete_fields if f.name not in skip]
        rows = sorted(
            json.dumps({k: v for k, v in row.items()}, sort_keys=True, default=str, ensure_ascii=False)
            for row in Assessment.objects.filter(round_id=int(args[0])).values(*fields)
        )
        rnd = Round.objects.get(pk=int(args[0]))
        events = list(AssessmentEvent.objects.filter(assessment__round=rnd).values_list("assessment__org_unit_id", "action", "reason"))
        out = {"rows": rows, "events": sorted(map(list, events)), "phase": rnd.phase, "open_done": rnd.open_done,
               "open_total": rnd.open_total}
    elif command == "dump-units":
        from fivestar.orgs.models import OrgUnit

        units = list(OrgUnit.objects.order_by("code").values_list("code", "name", "level", "parent__code", "path", "branch_type", "active"))
        out = {"units": units, "history": OrgUnit.history.count()}
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
