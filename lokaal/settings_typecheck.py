"""The settings mypy's Django plugin loads (see `[tool.django-stubs]` in pyproject.toml).

`lokaal.settings` itself, with a placeholder key so that `mypy` runs without an environment;
nothing serves requests with these settings.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "typecheck-only-not-secret")

from lokaal.settings import *  # noqa: F403
