"""The fault suite (`make faults`): the production shape under faults, with figures.

A private PostgreSQL (initdb in a temporary folder, port 8281) and a private Redis (port 8282)
are started for the run and removed after it, so the machine's shared servers are never
touched. gunicorn (2 workers x 2 threads, DEBUG off, psycopg pool, abuse limits
in Redis) on port 8280 is driven by 6 client threads: public pages, /healthz and follow
requests (writes: each answered follow request is a task row in the database). Faults:

- PostgreSQL restarts under load (pg_ctl restart -m fast);
- Redis refuses connections (stopped), then accepts and never answers (a silent listener);
- a gunicorn worker is killed (SIGKILL) mid-request;
- the mail server refuses, then hangs, during send_digests: the next run sends every digest;
- the disk for uploads is full (a 512 KB tmpfs, mounted for the run; root is needed, as in CI):
  the upload is refused with ENOSPC, and nothing is half-written.

Each row: requests sent, failed, slowest, data lost (acknowledged writes missing afterwards,
digests never delivered, attachments whose file is missing or half-written). Data lost must be
0 in every row, and a PostgreSQL restart may cost at most one failed request per worker.
The table goes to docs/reliability.md. Loopback only; every loop is bounded in time.
"""

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_PORT, PG_PORT, REDIS_PORT = 8280, 8281, 8282
SMTP_REFUSING, SMTP_HANGING, SMTP_SINK = 8284, 8285, 8286
os.environ["PG_BASE"] = f"postgres://postgres@127.0.0.1:{PG_PORT}"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import GUNICORN, PY, manage, prepare, production_env, wait_for  # noqa: E402

WORKERS = 2
THREADS = 6
DATABASE = "lokaal_faults"
TRAJECT = "strategie-halle"
REPORT = ROOT / "docs" / "reliability.md"


@dataclass
class Row:
    fault: str
    sent: int = 0
    failed: int = 0
    slowest: float = 0.0
    lost: int = 0
    note: str = ""
    limit_failed: int | None = None
    failures: list = field(default_factory=list)
    durations: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and (self.limit_failed is None or self.failed <= self.limit_failed)


# Private servers.


def _pg_bin(name: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda p: int(p.name))
    return str(versions[-1] / "bin" / name)


class PrivatePostgres:
    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "pg"
        self.log = folder / "pg.log"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def _ctl(self, *args: str) -> None:
        options = f"-p {PG_PORT} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            _pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, *args
        )

    def start(self) -> None:
        shutil.chown(self.folder, "postgres")
        self._as_postgres(
            _pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"
        )
        self._ctl("-w", "start")
        self._as_postgres(
            _pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DATABASE
        )

    def restart(self) -> None:
        self._ctl("-m", "fast", "-w", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("-m", "immediate", "-w", "stop")


class PrivateRedis:
    def __init__(self):
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=1),
            ):
                return
            time.sleep(0.1)
        raise SystemExit("the private Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class SilentListener:
    """Accepts connections on a port and never answers (a hung Redis or mail server)."""

    def __init__(self, port: int):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(128)
        self.held: list = []
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.stopping = True
        for conn in self.held:
            conn.close()
        self.sock.close()


class SmtpSink:
    """A minimal SMTP server that accepts every message and remembers its recipients."""

    def __init__(self, port: int):
        self.recipients: list[str] = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        reader = conn.makefile("rb")
        conn.sendall(b"220 sink\r\n")
        in_data = False
        for raw in reader:
            line = raw.decode(errors="replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    conn.sendall(b"250 ok\r\n")
                continue
            verb = line[:4].upper()
            if verb == "RCPT":
                self.recipients.append(line.split(":", 1)[1].strip(" <>"))
            if verb == "DATA":
                in_data = True
                conn.sendall(b"354 go\r\n")
            elif verb == "QUIT":
                conn.sendall(b"221 bye\r\n")
                break
            else:
                conn.sendall(b"250 ok\r\n")
        conn.close()

    def close(self):
        self.sock.close()


@contextlib.contextmanager
def gunicorn(env: dict):
    """gunicorn on APP_PORT; start-up may take a while on a busy machine."""
    process = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "lokaal.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{APP_PORT}", "GUNICORN_WORKERS": str(WORKERS)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{APP_PORT}/healthz", timeout=180)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


# Load.


def _request(method, path, *, body=None, cookies=None, timeout=15):
    conn = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=timeout)
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        body = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode(errors="replace")
        return response.status, response.headers, data
    finally:
        conn.close()


def _csrf() -> tuple[dict, str]:
    status, headers, html = _request("GET", f"/volgen/trajecten/{TRAJECT}/")
    assert status == 200, status
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return {"csrftoken": cookie}, token


def run_load(row: Row, seconds: float, fault_at: float, fault, recover=None) -> list[str]:
    """Drive the app for `seconds`, inject `fault` after `fault_at`; return acknowledged writes."""
    stop = threading.Event()
    lock = threading.Lock()
    acknowledged: list[str] = []
    results: list = []
    tag = uuid.uuid4().hex[:8]

    def client(n: int) -> None:
        cookies, token = _csrf()
        paths = ["/healthz", "/besturen/", f"/trajecten/{TRAJECT}/", "write"]
        i = 0
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            started = time.monotonic()
            email = f"fout-{tag}-{n}-{i}@example.org"
            try:
                if path == "write":
                    status, _, _ = _request(
                        "POST",
                        f"/volgen/trajecten/{TRAJECT}/",
                        body={"email": email, "csrfmiddlewaretoken": token},
                        cookies=cookies,
                    )
                    good = status == 302
                else:
                    status, _, _ = _request("GET", path)
                    good = status == 200
            except OSError as exc:
                status, good = type(exc).__name__, False
            took = time.monotonic() - started
            with lock:
                results.append((path, status, good, took))
                if good and path == "write":
                    acknowledged.append(email)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(fault_at)
    fault()
    time.sleep(seconds - fault_at)
    if recover:
        recover()
        time.sleep(1.5)  # requests after the recovery must succeed too
    stop.set()
    for thread in threads:
        thread.join(timeout=40)
    row.sent = len(results)
    row.failures = [(p, s) for p, s, good, _ in results if not good]
    row.failed = len(row.failures)
    row.slowest = max((t for *_, t in results), default=0.0)
    row.durations = [t for *_, t in results]
    return acknowledged


def lost_writes(env: dict, acknowledged: list[str]) -> int:
    """Acknowledged follow requests whose task row is not in the database."""
    if not acknowledged:
        return 0
    code = (
        "import json,sys; from django_tasks_db.models import DBTaskResult as T; "
        "wanted=set(json.load(sys.stdin)); "
        "found={r['kwargs']['email'] for r in T.objects.values_list('args_kwargs', flat=True)}; "
        "print(len(wanted-found))"
    )
    result = subprocess.run(
        [PY, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        input=json.dumps(acknowledged),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # The parent pid is the second field after the ")" that closes the command name.
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
    return pids


# Scenarios.


def fault_postgres_restart(env, pg) -> Row:
    row = Row("PostgreSQL restarts under load", limit_failed=WORKERS)
    acked = run_load(row, 10, 3, pg.restart)
    row.lost = lost_writes(env, acked)
    row.note = f"at most {WORKERS} failed (one per worker)"
    return row


# With Redis down or silent, a request may wait for one cache timeout (200 ms), not more.
SLOW_WITH_REDIS_DOWN = 1.0


def fault_redis_refusing(env, redis) -> Row:
    row = Row("Redis refuses connections")
    acked = run_load(row, 6, 2, redis.stop, redis.start)
    row.lost = lost_writes(env, acked)
    slow = sum(1 for d in row.durations if d > SLOW_WITH_REDIS_DOWN)
    row.note = (
        "pages served without the cache; limits let requests through; one 200 ms timeout per "
        f"5 s per process (circuit breaker); {slow} requests over "
        f"{SLOW_WITH_REDIS_DOWN:g} s"
    )
    return row


def fault_redis_silent(env, redis) -> Row:
    row = Row("Redis accepts and never answers")
    silent = {}

    def hang():
        redis.stop()
        silent["listener"] = SilentListener(REDIS_PORT)

    def recover():
        silent["listener"].close()
        redis.start()

    acked = run_load(row, 6, 2, hang, recover)
    row.lost = lost_writes(env, acked)
    slow = sum(1 for d in row.durations if d > SLOW_WITH_REDIS_DOWN)
    row.note = (
        "200 ms socket timeouts and a 5 s circuit breaker (lokaal/cache.py): a silent Redis costs "
        f"one timeout per interval per process; {slow} requests over "
        f"{SLOW_WITH_REDIS_DOWN:g} s"
    )
    return row


def fault_worker_killed(env, master) -> Row:
    row = Row("gunicorn worker killed mid-request")

    def kill():
        os.kill(worker_pids(master.pid)[0], signal.SIGKILL)

    acked = run_load(row, 6, 2, kill)
    row.lost = lost_writes(env, acked)
    row.note = "gunicorn starts a new worker; only its requests in flight fail"
    return row


DIGEST_SETUP = """
from datetime import datetime, UTC
from trajecten.models import Traject
from volgen.models import Volger
Volger.objects.filter(email__startswith="digest-").delete()
trajecten = list(Traject.objects.all())
for n in range(5):
    v = Volger.objects.create(
        email=f"digest-{n}@example.org", bevestigd_op=datetime(2020, 1, 1, tzinfo=UTC)
    )
    v.trajecten.set(trajecten)
print(len(trajecten))
"""
DIGEST_RUN = """
import json, time
from volgen import services
started = time.monotonic()
run = services.digests_send()
print(json.dumps({"sent": run.sent, "failed": run.failed, "seconds": time.monotonic() - started}))
"""


def _digests(env, port: int) -> dict:
    run_env = {
        **env,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "2",
    }
    out = manage(run_env, "shell", "-c", DIGEST_RUN)
    return json.loads(out.strip().splitlines()[-1])


def fault_smtp(env) -> Row:
    row = Row("SMTP refuses, then hangs, during send_digests")
    manage(env, "shell", "-c", DIGEST_SETUP)
    refused = _digests(env, SMTP_REFUSING)
    silent = SilentListener(SMTP_HANGING)
    try:
        hung = _digests(env, SMTP_HANGING)
    finally:
        silent.close()
    sink = SmtpSink(SMTP_SINK)
    try:
        retried = _digests(env, SMTP_SINK)
    finally:
        sink.close()
    due = refused["failed"] + refused["sent"]
    row.sent = refused["failed"] + hung["failed"] + retried["sent"] + retried["failed"]
    row.failed = refused["failed"] + hung["failed"] + retried["failed"]
    row.slowest = max(refused["seconds"], hung["seconds"]) / max(1, due)
    delivered = {r for r in sink.recipients if r.startswith("digest-")}
    row.lost = 5 - len(delivered)
    row.note = (
        f"{due} digests due; refused run {refused['seconds']:.1f} s, hung run "
        f"{hung['seconds']:.1f} s; next run sent {retried['sent']}"
    )
    return row


UPLOAD_RUN = """
import errno, json, os, time
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from workshops.models import Bijlage, Workshop
from workshops.services import bijlage_add
from workshops.uploads import CheckedUpload, UploadNotStored
user, _ = User.objects.get_or_create(username="schijf-vol")
workshop = Workshop.objects.first()
size = 150 * 1024
ok = failed = 0
errors = set()
slowest = 0.0
for n in range(8):
    data = b"%PDF-1.4\\n" + os.urandom(size)
    upload = SimpleUploadedFile(f"verslag-{n}.pdf", data, content_type="application/pdf")
    checked = CheckedUpload(bestandsnaam=f"verslag-{n}.pdf", mime_type="application/pdf",
                            grootte=len(data), is_afbeelding=False)
    started = time.monotonic()
    try:
        bijlage_add(
            moment=workshop, upload=upload, checked=checked, titel="", is_publiek=False, by=user
        )
        ok += 1
    except (OSError, UploadNotStored) as exc:
        # A full disk reaches the form as UploadNotStored (Dutch), caused by the ENOSPC.
        cause = exc.__cause__ if isinstance(exc, UploadNotStored) else exc
        failed += 1
        errors.add(errno.errorcode.get(cause.errno, str(cause.errno)))
    slowest = max(slowest, time.monotonic() - started)
rows = list(Bijlage.objects.filter(geupload_door=user))
broken = sum(
    1 for b in rows
    if not b.bestand.storage.exists(b.bestand.name) or b.bestand.size != b.grootte
)
known = {os.path.basename(b.bestand.name) for b in rows}
stray = [p for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file() and p.name not in known]
print(json.dumps({"ok": ok, "failed": failed, "rows": len(rows), "broken": broken,
                  "slowest": slowest, "stray": len(stray), "errors": sorted(errors)}))
"""


def fault_disk_full(env, folder: Path) -> Row:
    row = Row("Disk for uploads full")
    media = folder / "media"
    media.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(media)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        run_env = {**env, "DJANGO_MEDIA_ROOT": str(media)}
        out = manage(run_env, "shell", "-c", UPLOAD_RUN)
        result = json.loads(out.strip().splitlines()[-1])
    finally:
        if mounted:
            subprocess.run(["umount", str(media)], check=False)
    row.sent = result["ok"] + result["failed"]
    row.failed = result["failed"]
    row.slowest = result["slowest"]
    row.lost = result["broken"] + result["stray"] + (result["ok"] - result["rows"])
    row.note = (
        f"{'512 KB tmpfs' if mounted else 'no mount possible'}: {result['ok']} stored, "
        f"{result['failed']} refused ({', '.join(result['errors']) or '-'}), "
        f"{result['stray']} half-written files left"
    )
    if result["failed"] == 0:
        row.lost += 1  # the disk never filled: the fault was not exercised
    return row


def write_report(rows: list[Row], seconds: float) -> None:
    lines = [
        "# Reliability: the fault suite",
        "",
        "`make faults` (`scripts/faults.py`, also run by `.ci/run`) starts the production shape "
        "with its own PostgreSQL and Redis (gunicorn, 2 workers x 2 threads, DEBUG off, psycopg "
        "pool, abuse limits in Redis with 200 ms timeouts and a circuit breaker), drives it "
        "with 6 client threads (public pages, `/healthz`, and follow requests, each of which is "
        "a write) and injects one fault at a time. *Data lost* counts acknowledged writes "
        "missing afterwards, digests never delivered, and attachments missing or half-written; "
        "it must be 0 in every row. A "
        "PostgreSQL restart may cost at most one failed request per worker.",
        "",
        "This table is written by the last run of `make faults` "
        f"(whole run {seconds:.0f} s on this project's 2-core machine).",
        "",
        "| fault | requests sent | failed | slowest (s) | data lost | verdict | notes |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        verdict = "ok" if row.ok else "FAILED"
        lines.append(
            f"| {row.fault} | {row.sent} | {row.failed} | {row.slowest:.1f} | {row.lost} | "
            f"{verdict} | {row.note} |"
        )
    lines += [
        "",
        "For the SMTP row, the requests are mail deliveries tried (refused, hung, then the next "
        "run), and *slowest* is the time one digest waited on a mail server that did not answer "
        "(EMAIL_TIMEOUT, 2 s in the suite). For the disk row they are uploads through the "
        "attachment service; a full disk refuses the upload with ENOSPC, the transaction leaves "
        "no row, and the storage (lokaal/storage.py) leaves no partial file.",
        "",
    ]
    REPORT.write_text("\n".join(lines))


def main() -> int:
    t0 = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="lokaal-faults-"))
    pg = PrivatePostgres(folder)
    redis = PrivateRedis()
    rows: list[Row] = []
    try:
        pg.start()
        redis.start()
        env = production_env(
            DATABASE,
            REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
            CACHE_KEY_PREFIX="faults",
            GUNICORN_THREADS="2",
            DATABASE_POOL_TIMEOUT="15",
            LIMIT_FOLLOW_PER_ADDRESS="100000/h",
            LIMIT_FOLLOW_PER_MAILBOX="100000/h",
            DJANGO_MEDIA_ROOT=str(folder / "media-app"),
        )
        prepare(env)
        print(f"set-up took {time.monotonic() - t0:.0f} s", flush=True)
        with gunicorn(env) as master:
            for scenario in (
                lambda: fault_postgres_restart(env, pg),
                lambda: fault_redis_refusing(env, redis),
                lambda: fault_redis_silent(env, redis),
                lambda: fault_worker_killed(env, master),
            ):
                row = scenario()
                rows.append(row)
                print(
                    f"{row.fault}: sent {row.sent}, failed {row.failed}, "
                    f"slowest {row.slowest:.1f} s, lost {row.lost}",
                    flush=True,
                )
                for path, status in row.failures[:10]:
                    print(f"  failed {path}: {status}")
        for row in (fault_smtp(env), fault_disk_full(env, folder)):
            rows.append(row)
            print(
                f"{row.fault}: sent {row.sent}, failed {row.failed}, "
                f"slowest {row.slowest:.1f} s, lost {row.lost} ({row.note})",
                flush=True,
            )
    finally:
        redis.stop()
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)
    write_report(rows, time.monotonic() - t0)
    print(f"faults: whole run {time.monotonic() - t0:.0f} s; table in {REPORT.relative_to(ROOT)}")
    ok = all(row.ok for row in rows)
    print("fault suite:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
