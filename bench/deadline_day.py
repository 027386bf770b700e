"""Deadline day: load on `fivestar serve` with a province-sized round open, on PostgreSQL, on 127.0.0.1.

Builds (or with --reuse keeps) a database with a generated province hierarchy (--villages branches; towns
and counties scaled to it), the shipped 200-rule rural framework and an annual round open over the whole
province with every branch's answers filled in. A pool of towns gets accounts: a village secretary per
village (their assessments complete with evidence, ready to submit; some already submitted), a town
reviewer per town, and leaders (province, city, county). Then it starts `fivestar serve` (gunicorn, the
production settings, behind a pretend TLS proxy) and runs locust headless against it for --duration
seconds (bench/deadline_day_users.py):

- village users log in, open their home and assessment, open a star, save answers (some with a ≈200 KB
  photo), submit and log out, then take the next village;
- town reviewers page through their town's list (all, then 待镇级初审), open a submitted assessment and
  approve it or return it (the village then edits and submits again);
- leaders open home, the round list, the round page and a town's list.

It prints throughput, p50/p95/p99 per request kind, errors, and the CPU cost per request kind: each
request's handling-thread CPU time in the gunicorn worker (gunicorn hooks, bench/deadline_day_gunicorn.py,
through GUNICORN_CMD_ARGS), and the CPU of the gunicorn processes, of this database's PostgreSQL backends,
of the load client and of the whole machine over the run (psutil). A fixed reference workload
(bench/reference.py) is timed in the same run, before and after the load, and the load average printed, so
numbers from a busy and a quiet machine compare as ratios.

    pip install -e ".[bench]"
    python bench/deadline_day.py --users 50 --duration 60                 # 2,000 villages
    python bench/deadline_day.py --villages 52378 --users 300 --duration 300
    python bench/deadline_day.py --reuse --users 50 --duration 60         # keep the built province

The database is postgresql://postgres@127.0.0.1:5432/fivestar_deadline_day (created if missing, FLUSHED on
each build). With DATABASE_URL set it uses that one instead, and wants --yes before flushing it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from deadline_day_data import ROUND_NAME, build, prepare  # noqa: E402
from load_harness import (  # noqa: E402,F401  (bench/boards.py takes the server helpers from here)
    add_load_arguments, database_url, ensure_database, free_port, run_load, setup_django, stop_server, timed, wait_ready,
)
from reference import load_average, reference  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/fivestar_deadline_day"
WORK_DIR = Path(tempfile.gettempdir()) / "fivestar-deadline-day"  # media and run files, kept for --reuse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_load_arguments(parser)
    parser.add_argument("--villages", type=int, default=2000, help="branches in the province (default 2,000; the full one is 52,378)")
    parser.add_argument("--saves", type=int, default=5, help="answers each village saves before submitting (default 5)")
    parser.add_argument("--photo-share", type=float, default=0.25, help="share of saves followed by a photo upload (default 0.25)")
    parser.add_argument("--return-share", type=float, default=0.2, help="share of reviews that return the assessment (default 0.2)")
    parser.add_argument("--weights", default="40,7,3", help="village users, town reviewers, leaders (default 40,7,3)")
    args = parser.parse_args()
    refuse_flush = "DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。"
    url, explicit = database_url(DEFAULT_DATABASE_URL, args, refuse_flush)

    ref0 = reference()
    print(f"deadline day: {args.users} users for {args.duration}s; {os.cpu_count()} CPUs; reference workload {ref0:.3f}s; "
          f"load average {load_average()}", flush=True)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    ensure_database(url)
    setup_django(url, WORK_DIR / "media")
    from fivestar.orgs.models import Level, OrgUnit
    from fivestar.rating.models import Round

    rnd = Round.objects.filter(name=ROUND_NAME, phase="open").first()
    if args.reuse and rnd and OrgUnit.objects.filter(level=Level.VILLAGE).count() == args.villages:
        print(f"  reusing the province of {args.villages:,} branches and its open round", flush=True)
    else:
        if explicit and not args.yes:
            raise SystemExit(refuse_flush)
        rnd = build(args.villages, ref0)
    weights = [int(w) for w in args.weights.split(",")]
    with timed("prepare the pool (accounts, evidence, states)", ref0):
        plan = prepare(rnd, args.users, args.duration + args.warmup, submitted_share=0.3)
    plan.update(wait=[float(x) for x in args.wait.split(",")], saves_per_village=args.saves, photo_share=args.photo_share,
                return_share=args.return_share, weights={"village": weights[0], "reviewer": weights[1], "leader": weights[2]})
    print(f"  pool: {plan['pool']['villages']:,} villages in {plan['pool']['towns']} towns ({plan['pool']['submitted']} already submitted)", flush=True)
    run_load(url, plan, WORK_DIR, args, "deadline_day_users.py")


if __name__ == "__main__":
    main()
