"""Benchmark: the programme at 20x its size on gunicorn + PostgreSQL + Redis, driven by wrk.

    make bench                 # 20x data, 10 s per page
    BENCH_SCALE=small make bench   (or make bench-ci): 3x data, 3 s per page

wrk runs in its own process on loopback with 32 connections against the minimal Django view
(/healthz/ping, no database) and each heavy public page. A shared virtual machine's speed
changes by a factor of two or more within seconds (CPU steal), so every page is measured in
rounds that alternate with the minimal view, and each round's ratio is page / the minimal view
just before it. The table gives the median over the rounds of each figure, and the worst round's
ratio. BENCH_PAGES (comma-separated paths) replaces the page list; a page that does not answer
200 is skipped with a note.

Then a change under load: wrk on the home page while another process saves a trajectory every
two seconds, as a coach at work does; every save makes the next request render the page afresh.

Exit status 1 when any request failed.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import ROOT, ensure_database, gunicorn, prepare, production_env

SMALL = os.environ.get("BENCH_SCALE", "") == "small"
SCALE = 3 if SMALL else int(os.environ.get("BENCH_SCALE") or 20)
# Seconds per measured round, and rounds per page (each round also measures the minimal view).
DURATION = int(os.environ.get("BENCH_DURATION") or (3 if SMALL else 4))
ROUNDS = int(os.environ.get("BENCH_ROUNDS") or (1 if SMALL else 3))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS") or 32)
# Seconds of unmeasured load before each page's first round.
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
from tests.url_catalogue import project_routes
pages = [("home", reverse("portaal:home"))]
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


def wrk(url: str, seconds: int = 0) -> dict:
    return parse_wrk(url, wrk_command(url, seconds or DURATION))


def cpu_steal() -> tuple[int, int]:
    """(steal, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return fields[7], sum(fields[:8])


def measure(base: str, path: str) -> dict:
    """ROUNDS alternating runs of the minimal view and the page, after an unmeasured warm-up
    that gives every worker its connections, pool and page copies (as a server that has been
    up for a while has)."""
    wrk_command(base + path, WARMUP)
    steal_before = cpu_steal()
    rounds = []
    for _ in range(ROUNDS):
        minimal = wrk(base + "/healthz/ping")
        page = wrk(base + path)
        rounds.append({"minimal": minimal, "page": page, "ratio": page["rps"] / minimal["rps"]})
    steal_after = cpu_steal()
    steal = (steal_after[0] - steal_before[0]) / max(1, steal_after[1] - steal_before[1])
    return {
        "rounds": rounds,
        "minimal_rps": median(r["minimal"]["rps"] for r in rounds),
        "rps": median(r["page"]["rps"] for r in rounds),
        "ratio": median(r["ratio"] for r in rounds),
        "worst_ratio": min(r["ratio"] for r in rounds),
        "p50": median(r["page"]["p50"] for r in rounds),
        "p99": median(r["page"]["p99"] for r in rounds),
        "spread": median(r["page"]["p99"] / r["page"]["p50"] for r in rounds),
        "minimal_spread": median(r["minimal"]["p99"] / r["minimal"]["p50"] for r in rounds),
        "errors": sum(r["page"]["errors"] + r["minimal"]["errors"] for r in rounds),
        "steal": steal,
    }


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
        "max": _ms(re.search(r"^\s*Latency\s+\S+\s+\S+\s+(\S+)", out, re.M).group(1)),
        "errors": 0,
    }
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["errors"] += sum(int(x) for x in m.groups())
    return result


CHANGER = """
import sys, time, django
django.setup()
from trajecten.models import Traject
traject = Traject.objects.get(slug="strategie-halle")
end = time.monotonic() + float(sys.argv[1])
saves = 0
while time.monotonic() < end:
    traject.save()  # what a coach's edit does: signals bump the content version
    saves += 1
    time.sleep(2)
print(saves)
"""


def change_under_load(env: dict, base: str) -> dict:
    """wrk on the home page while a trajectory is saved every two seconds."""
    seconds = DURATION * ROUNDS
    changer = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "-c", CHANGER, str(seconds)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "lokaal.settings"},
        stdout=subprocess.PIPE,
        text=True,
    )
    result = wrk(base + "/", seconds)
    result["saves"] = int(changer.communicate(timeout=60)[0].strip() or 0)
    return result


def main() -> int:
    env = production_env(DATABASE)
    print(f"Preparing {DATABASE}: programme x{SCALE} ...", flush=True)
    ensure_database(DATABASE)
    prepare(env, scale=SCALE)
    pages = heavy_pages(env)
    base = f"http://127.0.0.1:{PORT}"
    notes = []
    load_before = os.getloadavg()
    with gunicorn(env, PORT):
        for label, path in pages:
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    response.read()
            except OSError as exc:
                notes.append(f"skipped {label} ({path}): {exc}")
        pages = [p for p in pages if not any(n.startswith(f"skipped {p[0]} ") for n in notes)]
        rows = []
        for label, path in pages:
            print(f"  {label} ...", flush=True)
            rows.append((label, path, measure(base, path)))
        changing = change_under_load(env, base)
    workers = env.get("GUNICORN_WORKERS") or env.get("WEB_CONCURRENCY") or "2*cores+1"
    print(f"load average before/after: {load_before} / {os.getloadavg()}")
    print(
        f"\nwrk -t2 -c{CONNECTIONS}, {ROUNDS} x {DURATION} s per page alternating with the "
        f"minimal view, data x{SCALE}, gunicorn workers={workers}, {os.cpu_count()} cores\n"
    )
    header = (
        f"{'page':24} {'req/s':>7} {'min/s':>7} {'ratio':>6} {'worst':>6} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'p99/p50':>7} {'(min)':>5} {'steal':>5} {'errors':>6}"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for label, _path, r in rows:
        failed += r["errors"]
        flags = []
        if r["ratio"] < 0.6:
            flags.append("ratio<0.6")
        if r["spread"] > 3:
            flags.append("p99>3xp50")
        print(
            f"{label[:24]:24} {r['rps']:7.0f} {r['minimal_rps']:7.0f} {r['ratio']:6.2f} "
            f"{r['worst_ratio']:6.2f} {r['p50']:7.1f} {r['p99']:7.1f} {r['spread']:7.1f} "
            f"{r['minimal_spread']:5.1f} {r['steal']:5.0%} {r['errors']:6d} {' '.join(flags)}"
        )
    failed += changing["errors"]
    print(
        f"\nhome while a trajectory is saved every 2 s ({changing['saves']} saves in "
        f"{DURATION * ROUNDS} s): {changing['rps']:.0f} req/s, p50 {changing['p50']:.1f} ms, "
        f"p99 {changing['p99']:.1f} ms, max {changing['max']:.0f} ms, "
        f"{changing['errors']} errors"
    )
    for note in notes:
        print("note:", note)
    out = ROOT / "artifacts" / f"bench{'-small' if SMALL else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rows": rows, "changing": changing, "notes": notes}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
