"""Benchmark of the collective-income template download for a whole province.

Imports a Henan-sized hierarchy (52,378 villages by default), records last year's income for one village
in ten, then downloads the import template as a province-level administrator (县级管理员 role held on the
province unit): every village must be in it. Prints, beside a fixed reference workload timed in the same
run (bench/reference.py) and the load average:

- the time to produce and stream the file, its size and row count;
- the memory it took: the process's peak RSS during the download minus its RSS before (Linux clear_refs),
  and the tracemalloc peak of a second download (slower: tracemalloc traces every allocation);
- the same for a tenth of the villages, so the two peaks can be compared (bounded memory: about equal);
- the time to import the downloaded file back unchanged (the rows without income are skipped).

    .venv/bin/python bench/income_template.py [--villages 52378]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fivestar_bench .venv/bin/python bench/income_template.py --yes

Without DATABASE_URL it uses a throwaway SQLite file; with it, it FLUSHES that database (hence --yes).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_divisions import generate, setup_django  # noqa: E402
from reference import load_average, reference  # noqa: E402

REF: list[float] = []


def _status(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":")) / 1024


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")  # resets VmHWM to the current RSS
        return True
    except OSError:
        return False


def download(client, traced: bool = False) -> tuple[bytes, float, float]:
    """The file, the seconds it took, and the memory it took in MB (RSS peak − before, or tracemalloc peak)."""
    if traced:
        tracemalloc.start()
    else:
        _reset_peak()
    before = _status("VmRSS")
    started = time.perf_counter()
    response = client.get("/indicators/import/template.xlsx?year=2023")
    assert response.status_code == 200, response.status_code
    with tempfile.TemporaryFile() as sink:  # sent chunk by chunk, as the server would; kept on disk, not here
        for chunk in response.streaming_content:
            sink.write(chunk)
        response.close()
        seconds = time.perf_counter() - started
        if traced:
            memory = tracemalloc.get_traced_memory()[1] / 1048576
            tracemalloc.stop()
        else:
            memory = max(0.0, _status("VmHWM") - before)
        sink.seek(0)
        return sink.read(), seconds, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=52378)
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")
    with tempfile.TemporaryDirectory(prefix="fivestar-income-bench-") as tmp:
        directory = Path(tmp) / "divisions"
        generate(directory, args.villages)
        database = setup_django(None if os.environ.get("DATABASE_URL") else str(Path(tmp) / "var"))
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client
        from openpyxl import load_workbook

        from fivestar.core.roles import Role
        from fivestar.indicators.import_services import import_workbook
        from fivestar.indicators.models import CollectiveIncome
        from fivestar.orgs.divisions import apply_import, plan_import
        from fivestar.orgs.models import Level, OrgUnit
        from fivestar.people.models import RoleAssignment

        settings.ALLOWED_HOSTS = ["*"]
        REF.append(reference())
        print(f"database: {database}; {os.cpu_count()} CPUs; {args.villages:,} villages")
        print(f"reference workload {REF[0]:.3f}s; load average {load_average()}", flush=True)
        apply_import(plan_import(directory))
        villages = list(OrgUnit.objects.filter(level=Level.VILLAGE).order_by("path").values_list("pk", flat=True))
        CollectiveIncome.objects.bulk_create(
            CollectiveIncome(org_unit_id=pk, year=2023, operating_income=Decimal(30000 + i), other_income=Decimal(0),
                             amount=Decimal(30000 + i))
            for i, pk in enumerate(villages[::10]))

        def user_for(unit, name):
            user = get_user_model().objects.create_user(username=name, password="bench-password-1")
            RoleAssignment.objects.create(user=user, role=Role.COUNTY_ADMIN, org_unit=unit)
            client = Client()
            client.force_login(user)
            return user, client

        province = OrgUnit.objects.get(level=Level.PROVINCE)
        city = OrgUnit.objects.filter(level=Level.CITY).order_by("path").first()
        cases = [("a city", *user_for(city, "city")), ("the province", *user_for(province, "province"))]
        download(cases[0][2])  # warm up: templates, imports, the first query plans
        for label, user, client in cases:
            expected = OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=OrgUnit.objects.get(
                pk=RoleAssignment.objects.get(user=user).org_unit_id).path).count()
            content, seconds, rss = download(client)
            _, _, traced = download(client, traced=True)
            codes = {r[0] for r in load_workbook(io.BytesIO(content), read_only=True)["集体经济收入"].iter_rows(min_row=2, max_col=1, values_only=True)}
            rows = len(codes)
            assert rows == expected, (rows, expected)
            print(f"  template for {label:<13} {rows:>7,} villages (all {expected:,})  {seconds:6.2f}s = {seconds / REF[0]:5.2f} × reference"
                  f"  {len(content) / 1048576:5.1f} MB file  RSS peak +{rss:5.1f} MB  tracemalloc peak {traced:5.1f} MB", flush=True)
        # Handed back unchanged: rows without income are skipped, the others checked and found unchanged.
        started = time.perf_counter()
        outcome = import_workbook(cases[1][1], io.BytesIO(content))
        seconds = time.perf_counter() - started
        print(f"  import the province's template back: {'ok' if outcome.ok else outcome.problems[:2]} "
              f"({outcome.summary})  {seconds:6.2f}s = {seconds / REF[0]:5.2f} × reference")
        print(f"reference workload (again) {reference():.3f}s; load average {load_average()}")


if __name__ == "__main__":
    main()
