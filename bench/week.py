"""A week in the life of a county under load: `fivestar serve` (with its background worker) on PostgreSQL, 127.0.0.1.

Builds a county (--villages branches, default 400 in towns of about 20; bench/week_data.py) as deadline day builds a
province (an annual round open, every branch filled in, accounts for the pool), plus what the week's other people
need: each town's supervision staff, settings and team, a year of problems, targets and ledger tasks, a dispatch-
meeting series, the review packs, the boards' kept figures. Then it runs headless locust for --duration seconds with
--users people (bench/week_users.py) in these proportions (--weights, in this order):

  village    30  village secretaries fill answers (some with a ≈200 KB photo) and submit; once every village
                 has submitted they look in on their results (bench/people_rating.py)
  reviewer   10  town reviewers page through their town's list and approve or return (20 %) a submission
  leader      5  county, city and province leaders open the round pages
  inspector  12  督导员 record an inspection, problems with a ≈200 KB photo (the phone page's API), and re-inspect
                 rectified problems: sign off (销号) or return (20 %) (bench/people_week.py)
  rectifier  16  village secretaries rectify a problem: start, submit the measures with a ≈200 KB photo
  meeting    10  town administrators hold the dispatch meeting: create, attendance, minutes, held, a decision
  watcher    15  leaders watch the town and county boards, the big screen page and its data (API, token)
  exporter    2  the county administrator exports: the county board (background job, polled until done), the
                 problem ledger, a town's review packs (background job, polled), the creation ledger

Think time is --wait (default 2–10 s: people read what they opened; deadline day's 0.5–2 s is a rush). It prints per
request kind: count, errors, p50/p95/p99, the server CPU per request (gunicorn hooks), throughput, the CPU of
gunicorn, of the background worker, of PostgreSQL and of the load client, the machine's, and the reference workload
(bench/reference.py) before and after.

    pip install -e ".[bench]"
    python bench/week.py --users 20 --duration 30          # a short run while developing
    python bench/week.py --users 300 --duration 120        # the target: 0 errors, p95 < 1 s for every kind

The database is postgresql://postgres@127.0.0.1:5432/fivestar_week (created if missing, FLUSHED and rebuilt on each
run). With DATABASE_URL set it uses that one instead, and wants --yes.
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

from deadline_day_data import build, prepare  # noqa: E402
from load_harness import add_load_arguments, database_url, ensure_database, run_load, setup_django, timed  # noqa: E402
from reference import load_average, reference  # noqa: E402
from week_data import county_divisions, prepare_week  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/fivestar_week"
WORK_DIR = Path(tempfile.gettempdir()) / "fivestar-week"
KINDS = ["village", "reviewer", "leader", "inspector", "rectifier", "meeting", "watcher", "exporter"]
DEFAULT_WEIGHTS = "30,10,5,12,16,10,15,2"


def week_plan(rnd, args, ref: float) -> dict:
    """The deadline-day plan of the county's pool (every town), with the week's part and the options added."""
    with timed("prepare the pool (accounts, evidence, states)", ref):
        plan = prepare(rnd, args.users, args.duration + args.warmup, submitted_share=0.3, target=args.villages)
    plan["week"] = prepare_week(rnd, plan, ref, problems_per_village=args.problems)
    weights = [int(w) for w in args.weights.split(",")]
    if len(weights) != len(KINDS):
        raise SystemExit(f"--weights 需要 {len(KINDS)} 个数：{', '.join(KINDS)}")
    plan.update(wait=[float(x) for x in args.wait.split(",")], saves_per_village=args.saves, photo_share=args.photo_share,
                return_share=0.2, weights=dict(zip(KINDS, weights)), village_when_done=True,
                review_pack_kinds=args.review_packs.split(","))
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_load_arguments(parser, users=20, duration=30, wait="2,10")
    parser.add_argument("--villages", type=int, default=400, help="branches in the county (default 400, in towns of about 20)")
    parser.add_argument("--problems", type=int, default=20, help="supervision problems per village over the past year (default 20)")
    parser.add_argument("--saves", type=int, default=5, help="answers each village saves before submitting (default 5)")
    parser.add_argument("--photo-share", type=float, default=0.25, help="share of saves followed by a photo upload (default 0.25)")
    parser.add_argument("--review-packs", default="docx,pdf", help="formats of the review-pack exports, taken in turn (default docx,pdf)")
    parser.add_argument("--weights", default=DEFAULT_WEIGHTS, help=f"people of each kind, in proportion: {', '.join(KINDS)} "
                                                                  f"(default {DEFAULT_WEIGHTS}; 0 leaves a kind out)")
    args = parser.parse_args()
    if args.reuse:
        raise SystemExit("本基准测试每次重建县的数据（--reuse 不适用）。")
    url, _explicit = database_url(DEFAULT_DATABASE_URL, args, "DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")

    ref0 = reference()
    print(f"a week in a county: {args.users} users for {args.duration}s; {os.cpu_count()} CPUs; reference workload {ref0:.3f}s; "
          f"load average {load_average()}", flush=True)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    ensure_database(url)
    setup_django(url, WORK_DIR / "media")
    rnd = build(args.villages, ref0, divisions=county_divisions)
    plan = week_plan(rnd, args, ref0)
    week = plan["week"]
    print(f"  county: {plan['pool']['villages']:,} villages in {plan['pool']['towns']} towns ({plan['pool']['submitted']} already submitted); "
          f"{len(week['to_rectify'])} problems waiting for a village, {len(week['to_check'])} for re-inspection", flush=True)
    print("  people: " + ", ".join(f"{k} {w}" for k, w in plan["weights"].items()) + f" (in proportion); think time {args.wait} s", flush=True)
    run_load(url, plan, WORK_DIR, args, "week_users.py", with_worker=True)


if __name__ == "__main__":
    main()
