"""Text folding for forgiving search: case, accents, hyphens and spaces do not matter.

`fold("Sint-Niklaas")`, `fold("sint niklaas")` and `fold("SINT NIKLAAS")` are all "sintniklaas";
`fold("Repaircafé")` is "repaircafe". The database folds the same way: PostgreSQL with `unaccent`,
SQLite with a function of ours registered on each connection. The `fold` lookup
(`Bestuur.objects.filter(naam__fold="sint niklaas")`) asks: does the folded field contain the
folded value? `fold_html` does the same for stored HTML, on its visible text only, so a tag
or an entity never matches.
"""

import html
import re
import unicodedata

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Func, Lookup

_NOT_FOLDED = re.compile(r"[^a-z0-9]+")
_TAG = re.compile(r"<[^>]*>")


def fold_char(char: str) -> str:
    """One character folded: lower case, without accents; '' for anything but a-z and 0-9."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return _NOT_FOLDED.sub("", base.lower())


def fold(text: str | None) -> str:
    if not text:
        return ""
    base = unicodedata.normalize("NFKD", text)
    return _NOT_FOLDED.sub("", "".join(c for c in base if not unicodedata.combining(c)).lower())


def plain(text: str | None) -> str:
    """Visible text of stored HTML, with whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", text or ""))).strip()


def fold_html(text: str | None) -> str:
    return fold(plain(text))


class Fold(Func):
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="lc_fold", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "regexp_replace(lower(unaccent(%(expressions)s)), '[^a-z0-9]+', '', 'g')"
        return self.as_sql(compiler, connection, template=template, **extra)


# The entities nh3 writes; any other is left to fold away as letters (rare in our text).
_PG_PLAIN = (
    "replace(replace(replace(replace(replace("
    "regexp_replace(%(expressions)s, '<[^>]*>', ' ', 'g'),"
    " '&amp;', '&'), '&lt;', '<'), '&gt;', '>'), '&quot;', '\"'), '&#39;', '''')"
)


class FoldHtml(Func):
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="lc_fold_html", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = f"regexp_replace(lower(unaccent({_PG_PLAIN})), '[^a-z0-9]+', '', 'g')"
        return self.as_sql(compiler, connection, template=template, **extra)


class PlainHtml(Func):
    """Visible text of stored HTML in the database (PostgreSQL only: for the text search)."""

    output_field = models.TextField()
    template = _PG_PLAIN


class _FoldContains(Lookup):
    folder = Fold

    def as_sql(self, compiler, connection):
        needle = fold(str(self.rhs))
        if not needle:  # nothing left to look for ("&", "-"): no restriction
            return "1 = 1", []
        lhs_sql, lhs_params = compiler.compile(self.folder(self.lhs))
        return f"{lhs_sql} LIKE %s", [*lhs_params, f"%{needle}%"]


@models.CharField.register_lookup
@models.TextField.register_lookup
class FoldContains(_FoldContains):
    lookup_name = "fold"


@models.TextField.register_lookup
class FoldHtmlContains(_FoldContains):
    lookup_name = "fold_html"
    folder = FoldHtml


def _register_sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("lc_fold", 1, fold, deterministic=True)
        connection.connection.create_function("lc_fold_html", 1, fold_html, deterministic=True)


def connect() -> None:
    connection_created.connect(_register_sqlite_functions, dispatch_uid="portaal.folding")
