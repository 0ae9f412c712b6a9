"""Mixed load with writes: zero errors and zero lost writes (docs/performance.md, "Load").

    python scripts/load_mixed.py --seconds 60 --connections 64   (make load)
    python scripts/load_mixed.py --seconds 15 --connections 16   (make load-ci)

gunicorn on port 8109 (PostgreSQL, Redis, page cache on) with the programme at 3x. All but
four connections read public pages anonymously; four are coaches of one trajectory, logged in
through the account pages, who keep adding a running initiative to it through the coach
workspace's results form (about ten writes a second in all, bounded by a short pause). Every
write must answer with its redirect, every read 200, and afterwards the database must hold
exactly the rows whose writes were answered. Loopback only.
"""

import argparse
import http.client
import http.cookies
import re
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import ensure_database, gunicorn, manage, prepare, production_env

PORT = 8109
ready: list[str] = []  # writers that have logged in
DATABASE = "lokaal_prod_load"
WRITERS = 4
TRAJECT = "strategie-halle"
# The coach workspace's form for a new running initiative of that trajectory.
FORM = f"/coach/trajecten/{TRAJECT}/resultaten/initiatieven/nieuw/"


def request(method, path, *, body=None, cookies=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    all_headers = dict(headers or {})
    if cookies:
        all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        body = urllib.parse.urlencode(body)
        all_headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read().decode(errors="replace")
    jar = http.cookies.SimpleCookie()
    for value in response.headers.get_all("Set-Cookie") or []:
        jar.load(value)
    conn.close()
    return response.status, {k: m.value for k, m in jar.items()}, data


def token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def reader(go, stop, stats, pages):
    go.wait()
    n = 0
    while not stop.is_set():
        path = pages[n % len(pages)]
        n += 1
        try:
            status, _, _ = request("GET", path)
        except OSError as exc:
            status = type(exc).__name__
        stats.append(("read", path, status))


def writer(go, stop, stats, written, username, password, run):
    try:
        _write(go, stop, stats, written, username, password, run)
    except Exception as exc:  # a writer that dies must count as an error, not vanish
        stats.append(("writer", username, repr(exc)))
        go.wait()


def _write(go, stop, stats, written, username, password, run):
    cookies = {}
    status, set_cookies, html = request("GET", "/account/login/")
    cookies.update(set_cookies)
    status, set_cookies, _ = request(
        "POST",
        "/account/login/",
        body={"username": username, "password": password, "csrfmiddlewaretoken": token(html)},
        cookies=cookies,
    )
    cookies.update(set_cookies)
    if status != 302:
        stats.append(("login", username, status))
        go.wait()
        return
    _, set_cookies, html = request("GET", FORM, cookies=cookies)
    cookies.update(set_cookies)
    csrf = token(html)
    ready.append(username)
    go.wait()  # logging in (slow password hashing) is not part of the measured period
    n = 0
    while not stop.is_set():
        n += 1
        naam = f"{run}-{username}-{n}"
        try:
            status, set_cookies, _ = request(
                "POST",
                FORM,
                body={
                    "csrfmiddlewaretoken": csrf,
                    "naam": naam,
                    "actiedomein": "",
                    "eigenaar": "Belasting",
                    "status": "lopend",
                },
                cookies=cookies,
            )
            cookies.update(set_cookies)
        except OSError as exc:
            status = type(exc).__name__
        stats.append(("write", naam, status))
        if status == 302:
            written.append(naam)
        time.sleep(0.3)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if not 1 <= args.seconds <= 600 or not WRITERS < args.connections <= 256:
        sys.exit("--seconds 1..600 and --connections 5..256")

    env = production_env(DATABASE, GUNICORN_THREADS="4")
    ensure_database(DATABASE)
    prepare(env, scale=3)
    run = f"belasting-{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    create_users = "\n".join(
        [
            "from django.contrib.auth.models import Group, User",
            "from trajecten.models import Traject",
            "coaches, _ = Group.objects.get_or_create(name='Coaches')",
            f"traject = Traject.objects.get(slug='{TRAJECT}')",
            f"for i in range({WRITERS}):",
            f"    user = User.objects.create_user(f'{run}-{{i}}', 'l@example.org', '{password}')",
            "    user.groups.add(coaches)",
            "    traject.coaches.add(user)",
        ]
    )
    manage(env, "shell", "-c", create_users)
    pages = ["/", "/trajecten/", "/besturen/", f"/trajecten/{TRAJECT}/", "/besturen/halle/"]
    stats: list = []
    written: list = []
    stop, go = threading.Event(), threading.Event()
    with gunicorn(env, PORT, workers=3):
        for page in pages:
            request("GET", page)  # render once, as a running site would have
        threads = [
            threading.Thread(target=reader, args=(go, stop, stats, pages[i % 5 :] + pages[: i % 5]))
            for i in range(args.connections - WRITERS)
        ] + [
            threading.Thread(
                target=writer,
                args=(go, stop, stats, written, f"{run}-{i}", password, run),
            )
            for i in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(ready) < WRITERS and time.monotonic() < deadline:
            time.sleep(0.2)
        started = time.monotonic()
        go.set()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    stored = manage(
        env,
        "shell",
        "-c",
        "from trajecten.models import LopendInitiatief as L;"
        f"rows = L.objects.filter(naam__startswith='{run}-').values_list('naam', flat=True);"
        "print('\\n'.join(rows))",
    ).split()
    stored = [s for s in stored if s.startswith(run)]
    reads = [s for s in stats if s[0] == "read"]
    writes = [s for s in stats if s[0] == "write"]
    errors = [
        s for s in stats if (s[0] == "read" and s[2] != 200) or (s[0] != "read" and s[2] != 302)
    ]
    lost = sorted(set(written) - set(stored))
    unexpected = sorted(set(stored) - set(written))
    print(
        f"{args.seconds} s, {args.connections} connections: {len(reads)} reads "
        f"({len(reads) / elapsed:.0f}/s), {len(writes)} writes ({len(writes) / elapsed:.1f}/s)"
    )
    print(f"errors: {len(errors)}; writes answered: {len(written)}, rows stored: {len(stored)}")
    print(f"lost writes: {len(lost)}; rows without an answered write: {len(unexpected)}")
    for error in errors[:10]:
        print("  error:", error)
    ok = not errors and not lost and not unexpected and written
    print("mixed load:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
