"""Print openapi.yaml, generated from the routers of every function (`make openapi`).
A unit test compares the committed file with this output, so the contract cannot drift."""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "kb"))


def function_modules() -> dict[str, ModuleType]:
    """Each functions/<name>/app.py under a unique module name (they are all called app)."""
    modules = {}
    for path in sorted(ROOT.glob("functions/*/app.py")):
        spec = importlib.util.spec_from_file_location(f"function_{path.parent.name}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules[path.parent.name] = module
    return modules


def build_openapi() -> dict[str, Any]:
    from kb.http.app import build_app

    routers = [module.router for module in function_modules().values() if hasattr(module, "router")]
    document: dict[str, Any] = build_app(*routers).openapi()
    return document


def main() -> None:
    yaml.safe_dump(build_openapi(), sys.stdout, sort_keys=False, allow_unicode=True, width=120)


if __name__ == "__main__":
    main()
