"""The pre-commit hooks: local (nothing downloaded), and each one does what it says."""

import os
import shlex
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".pre-commit-config.yaml"


def _hooks() -> dict[str, dict]:
    config = yaml.safe_load(CONFIG.read_text())
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def _command(hook: dict) -> list[str]:
    return shlex.split(hook["entry"]) + hook.get("args", [])


def _run(command: list[str], *files: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(
        [*command, *files], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_the_config_is_valid():
    result = _run([str(ROOT / ".venv/bin/pre-commit"), "validate-config", str(CONFIG)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_hook_is_local_and_runs_a_tool_from_the_project_venv():
    config = yaml.safe_load(CONFIG.read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    for hook in _hooks().values():
        assert hook["language"] == "system"
        program = next(word for word in _command(hook) if word != "env" and "=" not in word)
        assert program.startswith(".venv/bin/"), hook["id"]
        assert (ROOT / program).exists(), program


def test_the_hooks_cover_ruff_and_the_migration_check():
    hooks = _hooks()
    assert {"ruff-check", "ruff-format", "migrations"} <= hooks.keys()
    assert "makemigrations --check --dry-run" in hooks["migrations"]["entry"]
    assert hooks["migrations"]["pass_filenames"] is False


def test_the_migration_hook_passes_on_this_tree():
    result = _run(_command(_hooks()["migrations"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_the_ruff_hooks_refuse_a_bad_file(tmp_path):
    bad = tmp_path / "slecht.py"
    bad.write_text("import os\nx=[1,\n2]\n")
    check = _run([*_command(_hooks()["ruff-check"]), "--no-fix"], str(bad))
    assert check.returncode == 1 and "F401" in check.stdout
    fmt = _run(_command(_hooks()["ruff-format"]), str(bad))
    assert fmt.returncode == 0
    assert bad.read_text() == "import os\n\nx = [1, 2]\n"


def test_the_ruff_hooks_pass_on_this_tree():
    for hook_id in ("ruff-check", "ruff-format"):
        command = _command(_hooks()[hook_id])
        result = _run([*command, "--no-fix" if hook_id == "ruff-check" else "--check", "."])
        assert result.returncode == 0, hook_id + result.stdout
