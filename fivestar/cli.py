"""`fivestar`: the one entry point. `demo`, `serve` and `worker` are ours; anything else is a
Django management command (`fivestar migrate`, `fivestar createsuperuser`, `fivestar import-divisions`)."""

import os
import signal
import subprocess
import sys
import time

USAGE = """用法: fivestar <命令> [参数]

  demo              迁移数据库、加载演示数据并启动服务（默认 http://127.0.0.1:8000，PORT 环境变量可改）
  serve             以 gunicorn 运行（生产环境，读取 DATABASE_URL、SECRET_KEY、ALLOWED_HOSTS 等环境变量）；
                    静态文件已是最新时直接启动，否则先收集和压缩
  collectstatic     收集和压缩静态文件（每个版本一次：make install 或升级后运行；已是最新时跳过，--force 强制）
  worker            运行后台任务进程（导入、导出、重算）；启动时及运行中自动继续已停滞的任务
  resume-jobs       继续已停滞的后台任务（评星周期开启、行政区划导入、责任书、导出、会议简报、挂图统计刷新、督导每日处理）
  resume-round ID   继续开启某个已停滞的评星周期（--here 在本进程中直接完成）
  rebuild-round-stats [ID ...]  按申报重算评星周期各级统计数（--check 只核对不保存）
  rebuild-problem-stats  按督导问题重算各级、片区、督导组的问题统计数（--check 只核对不保存）
  supervision-daily [--date YYYY-MM-DD]  督导问题截止提醒、逾期标记与逐级升级（每日运行，可重复运行）
  rebuild-ledger-stats  按创建台账任务重算各年度各级、片区的任务统计数（--check 只核对不保存）
  planning-daily [--date YYYY-MM-DD]  创建台账截止提醒与逾期标记、月度承诺与业绩提醒（每日运行，可重复运行）
  meetings-daily [--date YYYY-MM-DD]  为今天和明天召开的周调度会、月总结会在后台生成会议简报（可重复运行）
  backup [--output PATH]  备份数据库和文件到一个 zip 归档（含校验清单；系统运行时也可进行）
  restore PATH      从备份归档恢复到空实例（SQLite 与 PostgreSQL 之间均可）
  import-divisions  导入行政区划 CSV（fivestar import-divisions DIR [--under CODE]）
  其余命令          交给 Django 管理命令，如 fivestar migrate、fivestar createsuperuser
"""


WORKER_RETRY_SECONDS = 2


def _django(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fivestar", *argv])


def _gunicorn(port: str, workers: str) -> subprocess.Popen:
    bind = f"{os.environ.get('HOST', '127.0.0.1')}:{port}"
    cmd = [sys.executable, "-m", "gunicorn", "fivestar.wsgi:application", "--bind", bind, "--workers", workers,
           "--threads", os.environ.get("GUNICORN_THREADS", "4"), "--timeout", "120", "--access-logfile", "-",
           # gunicorn's 2 s default closes idle connections just as a client or proxy reuses them (connection resets
           # under load in bench/deadline_day.py); a proxy's upstream keep-alive is usually about a minute.
           "--keep-alive", os.environ.get("GUNICORN_KEEPALIVE", "75")]
    return subprocess.Popen(cmd, env=os.environ.copy())


def _worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "fivestar.cli", "worker"], env=os.environ.copy())


def _supervise(procs: list[subprocess.Popen], restart: dict | None = None) -> None:
    """Wait on the web server (procs[0]); a process in `restart` ({index: start function}) that dies is
    started again (the worker: a killed worker's jobs are then resumed by the new one)."""
    restart = restart or {}
    stopping = []

    def stop(*_):
        stopping.append(True)
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and procs[0].poll() is None:
            for index, start in restart.items():
                if procs[index].poll() is not None and not stopping:
                    print(f"后台任务进程已退出（代码 {procs[index].returncode}），正在重新启动…", file=sys.stderr, flush=True)
                    time.sleep(1)
                    procs[index] = start()
            time.sleep(1)
    finally:
        stop()
        for p in procs:
            p.wait()


def demo(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fivestar.settings.dev")
    print("正在迁移数据库…", flush=True)
    _django(["migrate", "--noinput", "-v", "0"])
    print("数据库迁移完成。", flush=True)
    _django(["load_demo", *argv])
    if os.environ.get("FIVESTAR_DEMO_NO_SERVE") == "1":
        return
    port = os.environ.get("PORT", "8000")
    print(f"\n五星支部创建管理平台已启动：http://127.0.0.1:{port}/  （Ctrl+C 停止）\n", flush=True)
    _supervise([_gunicorn(port, os.environ.get("WEB_CONCURRENCY", "2")), _worker()], restart={1: _worker})


def collectstatic(argv: list[str]) -> None:
    """Collect and compress the static files for the production settings, unless already current."""
    import django

    if not os.environ.get("SECRET_KEY"):
        # Collecting signs nothing: `make install` on a machine without the production key may collect.
        os.environ.setdefault("FIVESTAR_ALLOW_DEV_KEY", "1")
    django.setup()
    from fivestar.core.static_release import collect

    collect(force="--force" in argv, say=lambda line: print(line, flush=True))


def _static_before_serving() -> None:
    """Static files are collected once per release; serve collects only when the stamp says they are stale."""
    import django

    django.setup()
    from fivestar.core.static_release import collect

    collect(say=lambda line: print(line, flush=True))


def serve(argv: list[str]) -> None:
    _static_before_serving()
    procs = [_gunicorn(os.environ.get("PORT", "8000"), os.environ.get("WEB_CONCURRENCY", "4"))]
    if "--with-worker" in argv:
        procs.append(_worker())
    _supervise(procs, restart={1: _worker} if len(procs) > 1 else None)


def worker(argv: list[str]) -> None:
    """django-tasks-db's worker, after resuming stalled jobs and with a thread that keeps doing so.

    No autoreload unless asked (`--reload`): a reloader parent outlives a killed child and the reverse."""
    import django

    django.setup()
    from fivestar.core.jobs import start_watchdog

    start_watchdog()
    if "--reload" not in argv and "--no-reload" not in argv:
        argv = ["--no-reload", *argv]
    from django.db import connections

    from fivestar.core.db_unavailable import is_database_error

    while True:
        try:
            _django(["db_worker", *argv])
            return
        except Exception as error:
            # django-tasks-db's loop stops at the first error of the database itself (a PostgreSQL restart): wait and
            # poll again. The job that was running is resumed by the watchdog once its heartbeat is stale.
            if not is_database_error(error):
                raise
            print(f"数据库暂时不可用（{type(error).__name__}），{WORKER_RETRY_SECONDS} 秒后重试…", file=sys.stderr, flush=True)
            try:
                connections.close_all()
            except Exception:  # noqa: BLE001 — a connection already dead may fail to close: it is dropped all the same
                pass
            time.sleep(WORKER_RETRY_SECONDS)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return
    command, rest = argv[0], argv[1:]
    production = command in ("serve", "collectstatic")  # the others default to the local (demo) settings
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"fivestar.settings.{'prod' if production else 'dev'}")
    if command == "demo":
        demo(rest)
    elif command == "serve":
        serve(rest)
    elif command == "worker":
        worker(rest)
    elif command == "collectstatic":
        collectstatic(rest)
    else:
        _django([command.replace("-", "_") if command.startswith(("import-", "resume-", "rebuild-", "supervision-", "planning-")) else command, *rest])


if __name__ == "__main__":
    main()
