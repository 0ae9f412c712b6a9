"""No URL changes by accident: every path pattern the site answers, against a committed list.

When a change adds, removes or renames a URL on purpose, write the list again with
    .venv/bin/python -m tests.test_url_paths > tests/url_paths.txt
and commit it with the change, so the review sees which addresses changed.
"""

from pathlib import Path

SNAPSHOT = Path(__file__).with_name("url_paths.txt")


def _lines(entries, prefix: str = "/"):
    for entry in entries:
        pattern = prefix + str(entry.pattern)
        if pattern == "/admin/":
            # The admin's pages follow the registered models; only its entry is pinned here.
            yield pattern
        elif hasattr(entry, "url_patterns"):
            yield from _lines(entry.url_patterns, pattern)
        else:
            yield pattern


def url_paths() -> list[str]:
    """Every path pattern, sorted; the admin below its index left out."""
    from django.urls import get_resolver

    return sorted(set(_lines(get_resolver().url_patterns)))


def test_url_patterns_match_the_committed_list():
    current = url_paths()
    committed = SNAPSHOT.read_text().splitlines()
    added = sorted(set(current) - set(committed))
    removed = sorted(set(committed) - set(current))
    assert not added and not removed, (
        "The site's URL patterns changed.\n"
        f"New: {added}\nGone: {removed}\n"
        "If this is deliberate, write the list again with\n"
        "    .venv/bin/python -m tests.test_url_paths > tests/url_paths.txt\n"
        "and commit it with the change."
    )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lokaal.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "url-list")
    django.setup()
    print("\n".join(url_paths()))
