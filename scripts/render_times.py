"""Render times of the public pages, in-process, without the page cache: a median per page.

    DATABASE_URL=postgres://.../lokaal_x DJANGO_SECRET_KEY=x .venv/bin/python \
        scripts/render_times.py [--prepare 20] [--runs 20] [--profile PATH] [PATH ...]

`--prepare N` first loads the programme, the demo content and N times the trajectories
(`programma.bulk`) into the configured database, as `make bench` does. Each page is requested
through Django's test client (the whole middleware stack, no network, no gunicorn) a few
times to warm up, then `--runs` times; the table gives the median and the fastest render in
milliseconds, the median CPU time of this process (the database's own time not included), the
response size and the query count. `--profile PATH` runs pyinstrument
(install it into the virtualenv by hand; it is not a dependency) on one page instead.

A shared machine's speed varies by a factor of two within seconds: compare medians from one
run, and repeat a run before trusting a difference below 20 %.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lokaal.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE", "false")  # plain HTTP, as `make bench` on loopback


def default_pages() -> list[tuple[str, str]]:
    from django.db.models import Count
    from django.urls import reverse

    from besturen.models import Bestuur
    from trajecten.models import Ronde, Traject

    pages = [("home", reverse("portaal:home"))]
    traject = (
        Traject.objects.filter(slug="strategie-halle").first()
        or Traject.objects.order_by("pk").first()
    )
    if traject is not None:
        pages.append(("traject", traject.get_absolute_url()))
    bestuur = Bestuur.objects.annotate(n=Count("deelnames")).order_by("-n", "pk").first()
    if bestuur is not None:
        pages.append(("bestuur", bestuur.get_absolute_url()))
    ronde = Ronde.objects.first()
    if ronde is not None:
        pages.append(("ronde", ronde.get_absolute_url()))
    for label, name in [
        ("vergelijk", "portaal:vergelijk"),
        ("trajecten", "trajecten:list"),
        ("besturen", "besturen:list"),
        ("kaart", "portaal:kaart"),
        ("kalender", "volgen:kalender"),
        ("atom", "volgen:programma_atom"),
        ("rss", "volgen:programma_rss"),
        ("ics", "volgen:kalender_ics"),
    ]:
        pages.append((label, reverse(name)))
    pages.append(("zoeken", reverse("portaal:zoeken") + "?q=circulair"))
    return pages


def prepare(scale: int) -> None:
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_programma")
    call_command("load_demo")
    if scale > 1:
        call_command("load_bulk", "--schaal", str(scale))


def time_page(client, path: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get(path)
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return {
        "status": response.status_code,
        "median": median(times),
        "min": min(times),
        "cpu": median(cpu),
        "bytes": len(response.content),
        "queries": len(queries),
    }


def profile(client, path: str, runs: int) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("pyinstrument is not installed: .venv/bin/uv pip install pyinstrument")
    client.get(path)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(runs):
        client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", help="pages to time (default: the heavy ones)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--prepare", type=int, metavar="SCALE", default=0)
    parser.add_argument("--profile", metavar="PATH")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    if args.prepare:
        prepare(args.prepare)
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", "--no-input", verbosity=0)  # DEBUG off needs the manifest
    client = Client()
    if args.profile:
        profile(client, args.profile, args.runs)
        return 0
    pages = [(p, p) for p in args.paths] or default_pages()
    print(
        f"{'page':12} {'path':44} {'status':>6} {'median ms':>9} {'min ms':>7} {'cpu ms':>7} "
        f"{'kB':>6} {'q':>3}"
    )
    for label, path in pages:
        r = time_page(client, path, args.runs)
        print(
            f"{label[:12]:12} {path[:44]:44} {r['status']:6d} {r['median']:9.1f} "
            f"{r['min']:7.1f} {r['cpu']:7.1f} {r['bytes'] / 1024:6.0f} {r['queries']:3d}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
