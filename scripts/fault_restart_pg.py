"""What a PostgreSQL restart costs under load (docs/performance.md, "Faults").

WARNING: this restarts the machine's SHARED PostgreSQL server for a few seconds. Other test
runs against it may fail during those seconds. Run it rarely, never in a loop.

gunicorn (2 workers x 2 threads, psycopg pool, page cache off so every request needs the
database) on port 8108 is driven by 8 client threads hitting /healthz (a query) and
/besturen/ (a full page). After 4 s PostgreSQL is restarted; the clients go on for 16 s.
Target: at most one failed request per worker, then every request succeeds within 10 s.
"""

import http.client
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import ensure_database, gunicorn, prepare, production_env

PORT = 8108
WORKERS = 2
THREADS = 8
DATABASE = "lokaal_prod_fault"


def client(stop: threading.Event, results: list, paths: list[str]) -> None:
    n = 0
    while not stop.is_set():
        path = paths[n % len(paths)]
        n += 1
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
        except OSError as exc:
            status = type(exc).__name__
        results.append((started, time.monotonic(), path, status))


def restart_postgres() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True
    )


def main() -> int:
    env = production_env(
        DATABASE, PAGE_CACHE="false", GUNICORN_THREADS="2", DATABASE_POOL_TIMEOUT="15"
    )
    ensure_database(DATABASE)
    prepare(env)
    results: list = []
    stop = threading.Event()
    with gunicorn(env, PORT, workers=WORKERS):
        threads = [
            threading.Thread(target=client, args=(stop, results, ["/healthz", "/besturen/"]))
            for _ in range(THREADS)
        ]
        t0 = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(4)
        print("Restarting the shared PostgreSQL server now ...", flush=True)
        restart_at = time.monotonic()
        restart_postgres()
        restarted_at = time.monotonic()
        time.sleep(16)
        stop.set()
        for thread in threads:
            thread.join()
    failures = [r for r in results if r[3] != 200]
    before = [r for r in results if r[1] < restart_at]
    last_failure = max((r[1] for r in failures), default=restart_at)
    after_recovery = [r for r in results if r[0] > last_failure]
    slowest = max((r[1] - r[0] for r in results if r[0] >= restart_at), default=0)
    print(f"requests: {len(results)} ({len(before)} before the restart), failed: {len(failures)}")
    print(f"pg_ctlcluster restart took {restarted_at - restart_at:.1f} s")
    for started, ended, path, status in failures:
        print(f"  failed {path} at +{started - t0:.1f}s ({ended - started:.1f}s): {status}")
    recovery = last_failure - restart_at if failures else 0.0
    if failures:
        print(f"last failure {recovery:.1f} s after the restart began")
        print(f"requests after the last failure: {len(after_recovery)}, all succeeded")
    else:
        print("no request failed")
    print(f"slowest request {slowest:.1f} s")
    ok = len(failures) <= WORKERS and recovery <= 10
    print("fault (PostgreSQL restart):", "OK" if ok else "FAILED", f"(workers: {WORKERS})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
