"""Benchmark of what a browser loads, run on demand; prints numbers, asserts nothing.

Serves the app (`flask run`, a fresh demo SQLite database set up by `flask sanarip setup --demo`, or `--url` of a
running server), logs in as the admin in Chromium (Debian's /usr/bin/chromium through Playwright) and prints:
- the top bar's height at 1400 px and 1024 px wide;
- for the first chart page (cold cache) and the same page again (warm cache): bytes transferred over the wire
  (compressed sizes, as the browser's network layer counts them), plotly.js's share of them, and the load time
  (navigation start to the load event), unthrottled and on an emulated 20 Mbit/s link with 40 ms latency
  (a district office's connection, where plotly.js's size decides the wait).

    .venv/bin/python bench/page_load.py [--url http://127.0.0.1:8080 --user admin --password …] [--repeat 3]
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"
ADMIN = ("admin", "BenchAdmin12345")
CHART_PAGE = "/householdcharts/"
LINK = {"offline": False, "latency": 40, "downloadThroughput": 20e6 / 8, "uploadThroughput": 5e6 / 8}


def serve():
    """A demo instance in a temporary folder; returns (url, process, folder)."""
    tmp = tempfile.mkdtemp(prefix="sanarip-bench-load-")
    env = dict(os.environ, SANARIP_INSTANCE=tmp, DATABASE_URL=f"sqlite:///{tmp}/bench.db", ADMIN_USERNAME=ADMIN[0],
               ADMIN_PASSWORD=ADMIN[1], DEMO_PASSWORD="BenchDemo12345", LOGIN_RATE_LIMIT="1000 per minute",
               FLASK_DEBUG="0")
    flask = [sys.executable, "-m", "flask", "--app", "run"]
    subprocess.run(flask + ["sanarip", "setup", "--demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(flask + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/login/", timeout=2)
            return url, proc, tmp
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def log_in(page, user, password):
    page.goto("/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("form[name=login] input[type=submit]").click()


def load(page, cdp, path):
    """(bytes on the wire, plotly.js bytes on the wire, ms to the load event) of one navigation."""
    sizes, urls = {}, {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(path, wait_until="load")
    page.wait_for_timeout(300)  # late loadingFinished events
    ms = page.evaluate("() => { const t = performance.getEntriesByType('navigation')[0];"
                       " return t.loadEventEnd - t.startTime; }")
    total = sum(sizes.values())
    plotly = sum(n for rid, n in sizes.items() if "plotly" in urls.get(rid, ""))
    return total, plotly, ms


def topbar_height(browser, url, user, password, width):
    context = browser.new_context(base_url=url, viewport={"width": width, "height": 900}, locale="ky-KG")
    page = context.new_page()
    page.goto("/lang/ky")
    log_in(page, user, password)
    height = page.evaluate("() => document.querySelector('header').getBoundingClientRect().height")
    context.close()
    return height


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--user", default=ADMIN[0])
    parser.add_argument("--password", default=ADMIN[1])
    parser.add_argument("--page", default=CHART_PAGE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    proc = tmp = None
    url = args.url
    if not url:
        url, proc, tmp = serve()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for width in (1400, 1024):
                print(f"top bar height at {width} px: {topbar_height(browser, url, args.user, args.password, width):.0f} px")
            for label, link in (("unthrottled", None), ("20 Mbit/s, 40 ms", LINK)):
                cold, warm = [], []
                for _ in range(args.repeat):
                    context = browser.new_context(base_url=url, viewport={"width": 1400, "height": 900})
                    page = context.new_page()
                    log_in(page, args.user, args.password)
                    cdp = context.new_cdp_session(page)
                    cdp.send("Network.enable")
                    if link:
                        cdp.send("Network.emulateNetworkConditions", link)
                    cold.append(load(page, cdp, args.page))
                    warm.append(load(page, cdp, args.page))
                    context.close()
                for name, runs in (("first visit", cold), ("second visit", warm)):
                    total = statistics.median(r[0] for r in runs)
                    plotly = statistics.median(r[1] for r in runs)
                    ms = statistics.median(r[2] for r in runs)
                    print(f"{args.page} {label}, {name}: {total / 1024:.0f} KiB transferred "
                          f"(plotly.js {plotly / 1024:.0f} KiB), load {ms:.0f} ms (median of {len(runs)})")
            browser.close()
    finally:
        if proc:
            proc.terminate()
            proc.wait()
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
