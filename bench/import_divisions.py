"""Benchmark of the administrative-division importer at province size.

Generates a Henan-sized set in the five-file CSV format (1 province, 17 cities, 158 counties,
2,450 towns, 52,378 village-level units) into a temporary directory, or reads `--dir`, then imports
it into a fresh database three times: the first import, an idempotent re-run (nothing changes),
and a re-run with 1% of the villages renamed.

    .venv/bin/python bench/import_divisions.py [--dir DIR] [--villages 52378]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fivestar_bench .venv/bin/python bench/import_divisions.py --yes

Without DATABASE_URL it uses a throwaway SQLite file in a temporary directory (never the developer's
database). With DATABASE_URL it migrates that database and FLUSHES ALL ITS DATA, hence `--yes`.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
VILLAGE_SUFFIXES = ["庄", "寨", "营", "屯", "集", "楼", "店", "岗", "湾", "洼", "堤", "桥", "庙", "坡", "口", "固", "村", "套", "园"]
PREFIXES = ["东", "西", "南", "北", "前", "后", "大", "小", "上", "下", "新", "老", "中", ""]
COMMUNITY_WORDS = ["幸福", "和平", "建设", "人民", "文化", "胜利", "光明", "朝阳", "锦绣", "阳光", "金桥", "滨河", "振兴", "康乐", "民主", "繁荣"]
TOWN_KINDS = ["镇", "镇", "镇", "乡", "街道"]
CITY_NAMES = ["郑州市", "开封市", "洛阳市", "平顶山市", "安阳市", "鹤壁市", "新乡市", "焦作市", "濮阳市",
              "许昌市", "漯河市", "三门峡市", "南阳市", "商丘市", "信阳市", "周口市", "驻马店市"]
CITY_CODES = ["4101", "4102", "4103", "4104", "4105", "4106", "4107", "4108", "4109",
              "4110", "4111", "4112", "4113", "4114", "4115", "4116", "4117"]


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` spread over `parts` buckets, each at least 1, unevenly like real counties."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    counts = [max(1, int(total * w / sum(weights))) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


HEADERS = {
    "provinces": ("code", "name"),
    "cities": ("code", "name", "provinceCode"),
    "areas": ("code", "name", "cityCode", "provinceCode"),
    "streets": ("code", "name", "areaCode", "provinceCode", "cityCode"),
    "villages": ("code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"),
}


def write_divisions(directory: Path, rows: dict[str, list]) -> None:
    """The five CSV files of the division dataset the importer reads, from rows per file name."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in rows.items():
        with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADERS[name])
            writer.writerows(data)


def generate(directory: Path, villages: int, counties: int = 158, towns: int = 2450, seed: int = 1) -> None:
    rng = random.Random(seed)
    rows = {name: [] for name in ("provinces", "cities", "areas", "streets", "villages")}
    rows["provinces"].append(("41", "河南省"))
    county_codes = []
    for city_code, city_name, n in zip(CITY_CODES, CITY_NAMES, split(counties, len(CITY_CODES), rng)):
        rows["cities"].append((city_code, city_name, "41"))
        for k in range(n):
            code = f"{city_code}{k + 1:02d}"
            county_codes.append(code)
            rows["areas"].append((code, f"{rng.choice(SURNAMES)}{rng.choice(['县', '县', '区'])}", city_code, "41"))
    town_codes = []
    for county, n in zip(county_codes, split(towns, len(county_codes), rng)):
        for k in range(n):
            kind = rng.choice(TOWN_KINDS)
            code = f"{county}{(1 if kind == '街道' else 100) + k:03d}"
            town_codes.append(code)
            rows["streets"].append((code, f"{rng.choice(SURNAMES)}{rng.choice(VILLAGE_SUFFIXES)}{kind}", county, "41", county[:4]))
    for town, n in zip(town_codes, split(villages, len(town_codes), rng)):
        used = set()
        for k in range(n):
            if rng.random() < 0.08:  # resident committees are numbered 001–199, village committees 200–399
                code, name = f"{town}{k + 1:03d}", f"{rng.choice(COMMUNITY_WORDS)}{rng.choice(PREFIXES)}社区居民委员会"
            else:
                code = f"{town}{200 + k:03d}"
                base = f"{rng.choice(PREFIXES)}{rng.choice(SURNAMES)}{rng.choice(VILLAGE_SUFFIXES)}"
                name = base + ("村委会" if base not in used else f"{k}村委会")
                used.add(base)
            rows["villages"].append((code, name, town, "41", town[:4], town[:6]))
    write_divisions(directory, rows)


def rename_some(directory: Path, fraction: float) -> int:
    path = directory / "villages.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    step = max(1, int(1 / fraction))
    changed = 0
    for row in rows[1::step]:
        row[1] = row[1].replace("村委会", "新村村委会", 1) if row[1].endswith("村委会") else "更名" + row[1]
        changed += 1
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return changed


def setup_django(var_dir: str | None) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "fivestar.settings.dev"
    if var_dir:
        os.environ["FIVESTAR_VAR_DIR"] = var_dir
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    if os.environ.get("DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def run(directory: Path, label: str) -> None:
    from fivestar.orgs.divisions import apply_import, plan_import
    from fivestar.orgs.models import OrgUnit

    t0 = time.perf_counter()
    plan = plan_import(directory)
    t1 = time.perf_counter()
    if not plan.ok:
        for e in plan.errors[:20]:
            print("  ", e)
        raise SystemExit(f"校验未通过：{plan.error_count} 个错误")
    result = apply_import(plan)
    t2 = time.perf_counter()
    rows, total = len(plan.rows), t2 - t0
    history = OrgUnit.history.count()
    t = result.totals
    print(f"{label:<28} {rows:>7,} rows  read+validate+diff {t1 - t0:5.2f}s  write {t2 - t1:5.2f}s  "
          f"total {total:5.2f}s  {rows / total:>9,.0f} rows/s  "
          f"(created {t['create']:,}, updated {t['update']:,}, unchanged {t['unchanged']:,}; history rows {history:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="import this directory instead of generating one")
    parser.add_argument("--villages", type=int, default=52378)
    parser.add_argument("--yes", action="store_true", help="allow flushing the database named by DATABASE_URL")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL") and not args.yes:
        raise SystemExit("DATABASE_URL 已设置：基准测试会迁移并清空（flush）该数据库的全部数据。确认请加 --yes。")
    with tempfile.TemporaryDirectory(prefix="fivestar-bench-") as tmp:
        directory = args.dir
        if directory is None:
            directory = Path(tmp) / "divisions"
            t = time.perf_counter()
            generate(directory, args.villages)
            print(f"generated {args.villages:,} villages into {directory} in {time.perf_counter() - t:.1f}s")
        database = setup_django(None if os.environ.get("DATABASE_URL") else str(Path(tmp) / "var"))
        print(f"database: {database}; {os.cpu_count()} CPUs")
        run(directory, "first import")
        run(directory, "re-run (idempotent)")
        if args.dir is None:
            renamed = rename_some(directory, 0.01)
            run(directory, f"re-run, {renamed:,} renamed")


if __name__ == "__main__":
    main()
