"""Benchmark of the rating pages in a real browser on a throttled phone.

Builds a throwaway demo (SQLite in a temporary FIVESTAR_VAR_DIR), serves it with gunicorn on 127.0.0.1 (a free
port), and opens each rating page in Debian's Chromium through Playwright, as a 390×844 phone on "fast 3G"
(1.6 Mbps down, 750 kbps up, 150 ms round trip) with the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate),
the browser cache empty. For each page it prints the bytes transferred (KB, as sent over the wire), the
number of DOM elements and the time to usable: from navigation until the load event and the network has been
quiet for 500 ms (the quiet 500 ms are not counted). A fixed reference workload is timed in the same run, so a
number from a busy or slower machine can be compared.

    .venv/bin/python bench/pages.py [--no-throttle] [--keep]

Pages: the village self-assessment (xixinzhuang, the demo's 210-rule framework), the town review list (qingzu
and dudao), the town reviewer's page of the town's assessment with the most evidence (qingzu; as it opens, and
with its most documented star opened), the round page (qingzu) and the public notice page (no login). Targets
for the self-assessment and the review page: under 300 KB and 3 s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reference import reference  # noqa: E402  (the same workload in every benchmark; bench/ is on sys.path)

PHONE = {"width": 390, "height": 844}
FAST_3G = {"offline": False, "latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8, "uploadThroughput": 750 * 1024 / 8}
CPU_SLOWDOWN = 4
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "fivestar-demo"


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def measure(browser, base_url: str, path: str, username: str | None = None, password: str = PASSWORD,
            throttle: bool = True) -> dict:
    """One cold visit of `path` as a phone (signed in as `username` first, unthrottled): transferred KB, DOM
    elements, seconds until usable (load event + 500 ms without network, the 500 ms not counted)."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(180_000)  # a throttled cold visit on a busy 2-core machine (CI) can pass 30 s
        if username:
            sign_in(page, base_url, username, password)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # a first visit: every byte comes over the wire
        if throttle:
            cdp.send("Network.emulateNetworkConditions", FAST_3G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        sizes: dict[str, float] = {}
        documents: set[str] = set()
        cdp.on("Network.responseReceived", lambda e: documents.add(e["requestId"]) if e.get("type") == "Document" else None)
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e.get("encodedDataLength", 0)))
        started = time.perf_counter()
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page.goto(base_url + path, wait_until="load")
        at_load, settled = time.perf_counter() - started, True
        try:
            page.wait_for_load_state("networkidle", timeout=60_000)  # returns after 500 ms without network
            seconds = max(time.perf_counter() - started - 0.5, 0)
        except PlaywrightTimeout:  # a saturated machine: the time to the load event, marked as not settled
            seconds, settled = at_load, False
        elements = page.evaluate("document.getElementsByTagName('*').length")
        if throttle:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        return {"path": path, "user": username or "（公众）", "kb": sum(sizes.values()) / 1024, "elements": elements,
                "document_kb": sum(v for k, v in sizes.items() if k in documents) / 1024,
                "seconds": seconds, "settled": settled, "requests": len(sizes)}
    finally:
        context.close()


def report(row: dict, ref: float) -> str:
    return (f"  {row['label']:<22} {row['user']:<12} {row['kb']:7.0f} KB (page {row['document_kb']:4.0f} KB) {row['requests']:4d} req {row['elements']:6,d} elements "
            f"{row['seconds']:6.2f} s = {row['seconds'] / ref:4.1f} × reference" + ("" if row.get("settled", True) else "（60 s 内网络未静止：到 load 事件为止）"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server did not start: {url}")


def demo_pages(env: dict) -> list[tuple[str, str, str | None]]:
    """(label, path, user) of each page, looked up in the demo database (in a child: its own settings)."""
    code = r"""
import django; django.setup()
from django.contrib.auth import get_user_model
from fivestar.rating.models import Round
from fivestar.rating.selectors_village import my_assessments
a = my_assessments(get_user_model().objects.get(username="xixinzhuang")).first()
town = a.org_unit.parent
public = Round.objects.filter(scope=town, phase__in=["notice", "recognised"]).order_by("-period_start").first()  # 庆祖镇's, whose town code the URL names
print(f"村级自评|/rating/assessments/{a.pk}/|xixinzhuang")
print(f"镇级初审列表|/rating/rounds/{a.round_id}/towns/{town.code}/|qingzu")
print(f"镇级初审列表|/rating/rounds/{a.round_id}/towns/{town.code}/|dudao")
from fivestar.rating.models import Assessment
# The town reviewer's page of the town's assessment with the most evidence (the demo's heaviest review page).
heaviest = max(Assessment.objects.filter(round_id=a.round_id, town=town).only("id", "evidence", "framework"),
               key=lambda x: sum(len(ids) for ids in x.evidence.values()))
print(f"镇级审核申报|/rating/assessments/{heaviest.pk}/review/|qingzu")
rules = heaviest.framework.compiled().rules_by_code
per_star = {}
for code, ids in heaviest.evidence.items():
    if code in rules:
        per_star[rules[code].star_code] = per_star.get(rules[code].star_code, 0) + len(ids)
if per_star:  # the same page with its most documented star opened (its thumbnails load as they are scrolled to)
    print(f"审核申报（展开一星）|/rating/assessments/{heaviest.pk}/review/?star={max(per_star, key=per_star.get)}|qingzu")
print(f"评星周期|/rating/rounds/{a.round_id}/|qingzu")
if public:
    print(f"公示|/public/{public.public_token}/towns/{town.code}/|")
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    out = done.stdout
    return [(label, path, user or None) for label, path, user in (line.split("|") for line in out.strip().splitlines())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-throttle", action="store_true", help="no network or CPU throttling")
    parser.add_argument("--keep", action="store_true", help="keep the temporary demo directory")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fivestar-pages-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fivestar.settings.dev", "FIVESTAR_VAR_DIR": tmp, "FIVESTAR_DEMO_NO_SERVE": "1"}
    env.pop("DATABASE_URL", None)
    print(f"building the demo in {tmp} …", flush=True)
    subprocess.run([sys.executable, "-m", "fivestar.cli", "demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    pages = demo_pages(env)
    port = free_port()
    # Served as deployed (`fivestar serve`: production settings, collected and compressed static files), over
    # plain http on 127.0.0.1 (Chromium keeps Secure cookies for a loopback address).
    serve_env = {**env, "DJANGO_SETTINGS_MODULE": "fivestar.settings.prod", "SECRET_KEY": hashlib.sha256(tmp.encode()).hexdigest(),
                 "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0", "PORT": str(port), "WEB_CONCURRENCY": "2"}
    server = subprocess.Popen([sys.executable, "-m", "fivestar.cli", "serve"], env=serve_env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url + "/login/", timeout=180)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            measure(browser, base_url, "/login/", throttle=False)  # warm the server (templates, framework cache)
            ref = reference()
            mode = "no throttling" if args.no_throttle else f"fast 3G + {CPU_SLOWDOWN}× CPU slowdown"
            print(f"{os.cpu_count()} CPUs; phone {PHONE['width']}×{PHONE['height']}, {mode}; reference workload {ref:.2f}s", flush=True)
            for label, path, user in pages:
                row = measure(browser, base_url, path, user, throttle=not args.no_throttle)
                row["label"] = label
                print(report(row, ref), flush=True)
            browser.close()
        print(f"reference workload (again) {reference():.2f}s; targets for 村级自评 and 镇级审核申报: < 300 KB and < 3 s")
    finally:
        server.terminate()
        server.wait()
        if not args.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
