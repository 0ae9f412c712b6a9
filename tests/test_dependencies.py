"""Every dependency in pyproject.toml is pinned in uv.lock, so `make install` gets what it says."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCK = tomllib.loads((ROOT / "uv.lock").read_text())


def _declared() -> dict[str, list[Requirement]]:
    groups = {"project": PYPROJECT["project"]["dependencies"], **PYPROJECT["dependency-groups"]}
    return {group: [Requirement(line) for line in lines] for group, lines in groups.items()}


def _root() -> dict:
    name = PYPROJECT["project"]["name"]
    return next(package for package in LOCK["package"] if package["name"] == name)


def test_the_lock_was_made_from_these_requirements():
    """uv records the requirements it locked; they must be the ones pyproject.toml states now."""
    metadata = _root()["metadata"]
    locked = {"project": metadata["requires-dist"], **metadata.get("requires-dev", {})}
    for group, requirements in _declared().items():
        assert sorted(
            (canonicalize_name(r.name), str(r.specifier), sorted(r.extras)) for r in requirements
        ) == sorted(
            (
                canonicalize_name(entry["name"]),
                entry.get("specifier", ""),
                sorted(entry.get("extras", [])),
            )
            for entry in locked[group]
        ), group


def test_every_dependency_has_one_pinned_version_that_meets_its_requirement():
    versions: dict[str, list[str]] = {}
    for package in LOCK["package"]:
        versions.setdefault(canonicalize_name(package["name"]), []).append(package["version"])
    for group, requirements in _declared().items():
        for requirement in requirements:
            pinned = versions.get(canonicalize_name(requirement.name))
            assert pinned, f"{requirement.name} ({group}) is not in uv.lock"
            assert all(requirement.specifier.contains(v, prereleases=True) for v in pinned), (
                f"{requirement.name} ({group}): uv.lock has {pinned}, pyproject wants "
                f"{requirement.specifier}"
            )
