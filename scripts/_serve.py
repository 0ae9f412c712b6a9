"""Shared helpers for the scripts: a production-like environment, a database, gunicorn, nginx."""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_BASE = os.environ.get("PG_BASE", "postgres://postgres@127.0.0.1:5432")


def production_env(database: str, **extra) -> dict:
    """DEBUG off, a random key, PostgreSQL and Redis: as `make serve` runs, on loopback."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "PUBLIC_CACHE"))
    }
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_SECURE="false",  # plain HTTP on loopback; the proxy does TLS in production
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{PG_BASE}/{database}",
        DATABASE_POOL_SIZE=env.get("DATABASE_POOL_SIZE", "4"),
        REDIS_URL=env.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
        CACHE_KEY_PREFIX=f"bench-{database}",
        DJANGO_LOG_LEVEL=os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
    )
    env.update(extra)
    return env


def ensure_database(name: str, *, fresh: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare(env: dict, *, scale: int = 1) -> None:
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_programma")
    manage(env, "load_demo")
    if scale > 1:
        manage(env, "load_bulk", "--schaal", str(scale))
    manage(env, "collectstatic", "--no-input", "-v0")


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"{url} did not answer within {timeout} s")


@contextmanager
def gunicorn(
    env: dict,
    port: int,
    *,
    workers: int | None = None,
    log=None,
    app: str = "lokaal.wsgi",
    probe: str = "/healthz",
):
    """gunicorn with gunicorn.conf.py on 127.0.0.1:`port`. `app` "bare.wsgi" is the benchmark's
    bare Django project (scripts/bare/), with the same settings and virtualenv."""
    run_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers:
        run_env["GUNICORN_WORKERS"] = str(workers)
    process = subprocess.Popen(
        [
            GUNICORN,
            "-c",
            "gunicorn.conf.py",
            *(["--pythonpath", "scripts"] if app.startswith("bare.") else []),
            app,
        ],
        cwd=ROOT,
        env=run_env,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # A busy machine may take a while to open every worker's database pool.
        wait_for(f"http://127.0.0.1:{port}{probe}", timeout=120)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def nginx_binary() -> str:
    """nginx from $NGINX, the PATH or /usr/sbin (`make nginx-deps` installs Debian's)."""
    for candidate in (os.environ.get("NGINX"), shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    sys.exit("nginx not found: run `make nginx-deps` (or set NGINX to its path)")


@contextmanager
def nginx(port: int, upstreams: list[int], *, host: str = "127.0.0.1"):
    """nginx on 127.0.0.1:`port` with deploy/nginx.conf in front of gunicorn on `upstreams`,
    in a private folder (configuration, cache, logs) that is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="lokaal-nginx-"))
    folder.chmod(0o755)
    cache = folder / "cache"
    cache.mkdir()
    cache.chmod(0o777)  # nginx's workers may run as another user
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    for name, value in {
        "@CACHE_DIR@": str(cache),
        "@UPSTREAMS@": " ".join(f"server 127.0.0.1:{p};" for p in upstreams),
        "@LISTEN@": f"127.0.0.1:{port}",
        "@HOST@": host,
    }.items():
        site = site.replace(name, value)
    (folder / "lokaal.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"""worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;      # as Debian's nginx.conf, which production includes deploy/nginx.conf from
    tcp_nopush on;
{temp}
    include {folder / "lokaal.conf"};
}}
"""
    )
    binary = nginx_binary()
    command = [
        binary,
        "-p",
        str(folder),
        "-e",
        str(folder / "error.log"),
        "-c",
        str(folder / "nginx.conf"),
    ]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"nginx refused the configuration:\n{check.stderr}")
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield process
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
