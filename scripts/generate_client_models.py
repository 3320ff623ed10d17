"""Generate the Python SDK's pydantic models (clients/python/kb_client/models.py) from openapi.yaml.

`make openapi` runs it after regenerating openapi.yaml, and tests/unit/test_client_models.py fails
when the committed file differs from what this script writes, so the SDK's types cannot drift from
the contract. Usage: generate_client_models.py [OUTPUT] (default: the SDK's models.py).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "openapi.yaml"
MODELS = ROOT / "clients" / "python" / "kb_client" / "models.py"
BIN = Path(sys.executable).parent
HEADER = "# Generated from openapi.yaml by scripts/generate_client_models.py (`make openapi`): do not edit."

# Responses allow fields the models do not know (a newer server must not break an older client);
# snake_case attributes with the API's camelCase as aliases, settable by either name.
OPTIONS = [
    "--input-file-type=openapi",
    "--output-model-type=pydantic_v2.BaseModel",
    "--target-python-version=3.13",
    "--use-standard-collections",
    "--use-union-operator",
    "--snake-case-field",
    "--allow-population-by-field-name",
    "--use-annotated",
    "--field-constraints",
    "--collapse-root-models",
    "--enum-field-as-literal=all",
    "--extra-fields=allow",
    "--use-schema-description",
    "--use-field-description",
    "--disable-timestamp",
    "--disable-warnings",
    "--use-double-quotes",
    "--formatters=builtin",
]


def generate(output: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "models.py"
        subprocess.run(  # noqa: S603 (our own tools, from this venv)
            [str(BIN / "datamodel-codegen"), "--input", str(OPENAPI), "--output", str(raw), *OPTIONS],
            check=True,
        )
        body = raw.read_text().split("\n", 2)[2]  # drop codegen's own header (it names the input path)
        raw.write_text(f"{HEADER}\n# ruff: noqa\n{body}")
        # Our formatter and line length, so the file reads like the rest of the repository.
        subprocess.run(  # noqa: S603
            [str(BIN / "ruff"), "format", "--quiet", "--config", str(ROOT / "pyproject.toml"), str(raw)], check=True
        )
        output.write_text(raw.read_text())


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else MODELS)
