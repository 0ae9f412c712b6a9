"""Prove the portal keeps no state in its processes (docs/deploy.md, "Scaling out").

Starts two gunicorn instances on two ports with ONE PostgreSQL database and ONE Redis, and
nginx with deploy/nginx.conf (the public page cache) in front of both:
1. an anonymous visitor's page is kept by nginx (X-Cache-Status: HIT on the second request);
2. a programme manager logs in through instance A; the same session cookie works on B, and
   nginx never serves the manager a kept page;
3. a change saved through A (a bestuur's description) shows on B's very next response, and
   through nginx within PUBLIC_CACHE_SECONDS;
4. logging out through B ends the session on A too.
Exit status 0 when all hold. Ports 8106 and 8107, nginx on 8108; database lokaal_prod_two.
"""

import http.cookiejar
import re
import sys
import time
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import ensure_database, gunicorn, manage, nginx, prepare, production_env

A, B = "http://127.0.0.1:8106", "http://127.0.0.1:8107"
PROXY = "http://127.0.0.1:8108"
VALIDITY = 15  # PUBLIC_CACHE_SECONDS
DATABASE = "lokaal_prod_two"
SLUG = "strategie-halle"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(jar=None):
    handlers = [NoRedirect()]
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def fetch(op, url, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with op.open(url, data=body, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class FormFields(HTMLParser):
    """The values a browser would submit for the forms on a page (enough for admin forms)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def check(ok: bool, what: str) -> bool:
    print(("PASS " if ok else "FAIL ") + what)
    return ok


def main() -> int:
    env = production_env(DATABASE, GUNICORN_WORKERS="2", PUBLIC_CACHE_SECONDS=str(VALIDITY))
    ensure_database(DATABASE, fresh=True)
    prepare(env)
    password = uuid.uuid4().hex
    bestuur_id, bestuur_slug = manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from trajecten.models import Traject;"
        f"User.objects.create_superuser('beheerder', 'b@example.org', '{password}');"
        f"b = Traject.objects.get(slug='{SLUG}').besturen.first(); print(b.pk, b.slug)",
    ).split()[-2:]
    results = []
    log_path = Path(__file__).resolve().parents[1] / "artifacts" / "two_instances.log"
    log_path.parent.mkdir(exist_ok=True)
    with (
        open(log_path, "w") as log,
        gunicorn({**env, "DJANGO_LOG_LEVEL": "INFO"}, 8106, log=log),
        gunicorn({**env, "DJANGO_LOG_LEVEL": "INFO"}, 8107, log=log),
        nginx(8108, [8106, 8107]),
    ):
        anonymous = opener()
        page = f"/besturen/{bestuur_slug}/"
        fetch(anonymous, PROXY + page)
        _, headers, _ = fetch(anonymous, PROXY + page)
        results.append(
            check(headers.get("X-Cache-Status") == "HIT", "nginx serves the public page kept")
        )
        status, headers, _ = fetch(anonymous, PROXY + page + "?utm_source=x")
        results.append(
            check(
                status == 301 and headers.get("Location") == page,
                f"an unknown query parameter is redirected away (status {status})",
            )
        )

        jar = http.cookiejar.CookieJar()
        manager = opener(jar)
        _, _, html = fetch(manager, A + "/admin/login/")
        status, headers, _ = fetch(
            manager,
            A + "/admin/login/?next=/admin/",
            {
                "username": "beheerder",
                "password": password,
                "csrfmiddlewaretoken": csrf_token(html),
            },
        )
        results.append(check(status == 302, f"login through A (status {status})"))
        status, _, html = fetch(manager, B + "/admin/")
        results.append(check(status == 200 and "beheerder" in html, "the session works on B"))
        fetch(manager, PROXY + page)
        _, headers, _ = fetch(manager, PROXY + page)
        results.append(
            check(
                headers.get("X-Cache-Status") == "BYPASS",
                "nginx never serves the logged-in manager a kept page",
            )
        )

        titel = f"Beschrijving gewijzigd via A {uuid.uuid4().hex[:8]}"
        change = f"{A}/admin/besturen/bestuur/{bestuur_id}/change/"
        _, _, html = fetch(manager, change)
        fields = {**form_fields(html), "beschrijving": titel, "_save": "Opslaan"}
        status, _, _ = fetch(manager, change, fields)
        results.append(check(status == 302, f"change published through A (status {status})"))
        status, headers, html = fetch(anonymous, B + page)
        results.append(
            check(status == 200 and titel in html, "B shows it on the very next request")
        )
        saved = time.monotonic()
        while True:
            status, headers, html = fetch(anonymous, PROXY + page)
            waited = time.monotonic() - saved
            if titel in html or waited > VALIDITY + 2:
                break
            time.sleep(0.5)
        results.append(
            check(
                status == 200 and titel in html,
                f"nginx shows it within its validity of {VALIDITY} s (after {waited:.1f} s)",
            )
        )

        _, _, html = fetch(manager, B + "/admin/")
        fetch(manager, B + "/admin/logout/", {"csrfmiddlewaretoken": csrf_token(html)})
        status, headers, _ = fetch(manager, A + "/admin/")
        results.append(
            check(status == 302 and "login" in headers.get("Location", ""), "logout via B ends A")
        )
    print("two instances:", "OK" if all(results) else "FAILED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
