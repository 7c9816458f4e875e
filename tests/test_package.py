"""The package surface: light to import, one version, the console script declared."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points, version

import frameloom

HEAVY = ("fastapi", "starlette", "uvicorn", "skia", "cv2", "numpy", "PIL", "torch", "diffusers", "pydantic_settings")


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_import_frameloom_is_light() -> None:
    assert not _imported_after("import frameloom") & set(HEAVY)


def test_domain_imports_nothing_heavy() -> None:
    loaded = _imported_after("import frameloom.domain.images, frameloom.domain.sizes, frameloom.domain.errors")
    assert not loaded & set(HEAVY)


def test_engines_do_not_import_the_web_stack() -> None:
    loaded = _imported_after("import frameloom.engines.registry, frameloom.render.images")
    assert not loaded & {"fastapi", "starlette", "uvicorn", "torch"}


def test_installed_version_matches_the_package() -> None:
    assert version("frameloom") == frameloom.__version__


def test_console_script_points_at_the_cli() -> None:
    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "frameloom"]
    assert script.value == "frameloom.cli.main:main"
