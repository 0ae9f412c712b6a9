"""`.env.example` documents exactly the variables `lokaal/settings.py` reads, so it cannot drift."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "lokaal" / "settings.py"
EXAMPLE = ROOT / ".env.example"

# The settings' own readers (`_bool("X", ...)`) and django-environ's (`env("X")`, `env.str("X")`).
READERS = {"_bool", "_str", "_int", "env"}


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def _is_os_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def variables_read(source: str) -> set[str]:
    """Every environment variable the source reads by name.

    Counted: `_bool/_str/_int("X")`, `env("X")`, `env.<cast>("X")`, `os.environ["X"]`,
    `os.environ.get("X")` and `os.getenv("X")`. Membership tests (`"X" in os.environ`) are not:
    the settings use one only to notice the test runner.
    """
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            reads = (
                (isinstance(func, ast.Name) and func.id in READERS)
                or (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "env"
                    and func.attr not in {"read_env", "db_url_config", "cache_url_config"}
                )
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "get"
                    and _is_os_environ(func.value)
                )
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "getenv"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "os"
                )
            )
            if reads and (name := _first_string(node)):
                names.add(name)
        elif (
            isinstance(node, ast.Subscript)
            and _is_os_environ(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def variables_documented(text: str) -> dict[str, str]:
    """Each `NAME=value` line of `.env.example`, with the comment above it (or above its group)."""
    documented, comment = {}, []
    for line in text.splitlines():
        if line.startswith("#"):
            comment.append(line)
        elif match := re.match(r"([A-Z][A-Z0-9_]*)=", line):
            documented[match.group(1)] = "\n".join(comment)
        else:
            comment = []
    return documented


def test_the_parser_finds_each_way_of_reading():
    source = """
DEBUG = _bool("A", False)
KEY = _str("B", "")
N = _int("C", 1, minimum=0)
HOSTS = env.list("D", default=[])
PREFIX = env.str("E", default="x")
RAW = env("F")
X = os.environ["G"]
Y = os.environ.get("H")
Z = os.getenv("I")
TESTING = "NOT_A_SETTING" in os.environ
DB = env.db_url_config(URL)
"""
    assert variables_read(source) == set("ABCDEFGHI")


def test_every_variable_the_settings_read_is_in_env_example():
    read = variables_read(SETTINGS.read_text())
    documented = variables_documented(EXAMPLE.read_text())
    assert sorted(read - documented.keys()) == []


def test_env_example_lists_no_variable_the_settings_do_not_read():
    read = variables_read(SETTINGS.read_text())
    documented = variables_documented(EXAMPLE.read_text())
    assert sorted(documented.keys() - read) == []


def test_each_variable_in_env_example_is_explained():
    documented = variables_documented(EXAMPLE.read_text())
    assert [name for name, comment in documented.items() if not comment] == []
