"""Benchmark: the programme at 20x its size on gunicorn + PostgreSQL + Redis, driven by wrk.

    make bench                 # 20x data, 10 s per page
    BENCH_SCALE=small make bench   (or make bench-ci): 3x data, 3 s per page

wrk runs in its own process on loopback with 32 connections against the minimal Django view
(/healthz/ping, no database) and each heavy public page. The minimal view is measured first
and last; each page's throughput is given as a ratio to their mean. BENCH_PAGES (comma-
separated paths) replaces the page list. A page that does not answer 200 is skipped with a note.
Exit status 1 when any request failed.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import ROOT, ensure_database, gunicorn, prepare, production_env

SMALL = os.environ.get("BENCH_SCALE", "") == "small"
SCALE = 3 if SMALL else int(os.environ.get("BENCH_SCALE") or 20)
DURATION = int(os.environ.get("BENCH_DURATION") or (3 if SMALL else 10))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS") or 32)
# Seconds of unmeasured load before each measured run.
WARMUP = int(os.environ.get("BENCH_WARMUP") or (1 if SMALL else 3))
PORT = int(os.environ.get("BENCH_PORT") or 8105)
DATABASE = os.environ.get("BENCH_DATABASE") or f"lokaal_prod_bench{'_small' if SMALL else ''}"
# Names of argument-free URLs that are heavy public pages once they exist (after merges).
EXTRA_PAGE_NAMES = re.compile(r"(vergelijk|compare|feed|rss|atom|kaart|kalender)", re.I)


def heavy_pages(env: dict) -> list[tuple[str, str]]:
    if os.environ.get("BENCH_PAGES"):
        return [(p, p) for p in os.environ["BENCH_PAGES"].split(",") if p]
    script = (
        r"""
import json, re, django
django.setup()
from django.urls import reverse
from django.db.models import Count
from besturen.models import Bestuur
from trajecten.models import Traject
from tests.lokaal.url_catalogue import project_routes
pages = [("home", reverse("home"))]
t = Traject.objects.get(slug="strategie-halle")
pages.append(("traject", t.get_absolute_url()))
b = Bestuur.objects.annotate(n=Count("deelnames")).order_by("-n").first()
pages.append(("bestuur", b.get_absolute_url()))
for r in project_routes():
    if not r.params and re.search(PATTERN, r.name, re.I):
        pages.append((r.name, reverse(r.name)))
print(json.dumps(pages))
"""
    ).replace("PATTERN", repr(EXTRA_PAGE_NAMES.pattern))
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "lokaal.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [tuple(p) for p in json.loads(out.strip().splitlines()[-1])]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"unexpected latency {text!r} in wrk output")
    value, unit = match.groups()
    return float(value) * _UNITS[unit]


def wrk(url: str, *, warm_up: bool = True) -> dict:
    """One measured wrk run, after an unmeasured one that warms every worker's connections,
    pools and page copies (what a server that has been up for a while already has)."""
    if warm_up:
        wrk_command(url, WARMUP)
    out = wrk_command(url, DURATION)
    return parse_wrk(url, out)


def wrk_command(url: str, seconds: int) -> str:
    return subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def parse_wrk(url: str, out: str) -> dict:
    if "50%" not in out:
        raise SystemExit(f"wrk gave no latency figures for {url}:\n{out}")
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": 0,
    }
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["errors"] += sum(int(x) for x in m.groups())
    return result


def main() -> int:
    env = production_env(DATABASE)
    print(f"Preparing {DATABASE}: programme x{SCALE} ...", flush=True)
    ensure_database(DATABASE)
    prepare(env, scale=SCALE)
    pages = heavy_pages(env)
    base = f"http://127.0.0.1:{PORT}"
    rows, notes = [], []
    load_before = os.getloadavg()
    with gunicorn(env, PORT):
        for label, path in pages:
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    response.read()
            except OSError as exc:
                notes.append(f"skipped {label} ({path}): {exc}")
        pages = [p for p in pages if not any(n.startswith(f"skipped {p[0]} ") for n in notes)]
        first = wrk(base + "/healthz/ping")
        measured = [(label, path, wrk(base + path)) for label, path in pages]
        last = wrk(base + "/healthz/ping")
    minimal = {**first, "rps": (first["rps"] + last["rps"]) / 2}
    rows.append(("minimal view", "/healthz/ping", minimal))
    rows += measured
    workers = env.get("GUNICORN_WORKERS") or env.get("WEB_CONCURRENCY") or "2*cores+1"
    print(f"load average before/after: {load_before} / {os.getloadavg()}")
    print(
        f"\nwrk -t2 -c{CONNECTIONS} -d{DURATION}s, data x{SCALE}, gunicorn workers={workers}, "
        f"{os.cpu_count()} cores\n"
    )
    header = (
        f"{'page':28} {'req/s':>9} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'p99/p50':>7} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for label, _path, r in rows:
        ratio = r["rps"] / minimal["rps"]
        spread = r["p99"] / r["p50"] if r["p50"] else 0
        failed += r["errors"]
        flags = []
        if label != "minimal view" and ratio < 0.6:
            flags.append("ratio<0.6")
        if spread > 3:
            flags.append("p99>3xp50")
        print(
            f"{label[:28]:28} {r['rps']:9.0f} {ratio:6.2f} {r['p50']:8.2f} {r['p99']:8.2f} "
            f"{spread:7.1f} {r['errors']:6d} {' '.join(flags)}"
        )
    print(f"(minimal view first {first['rps']:.0f} req/s, last {last['rps']:.0f} req/s)")
    for note in notes:
        print("note:", note)
    out = ROOT / "artifacts" / f"bench{'-small' if SMALL else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "notes": notes}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
