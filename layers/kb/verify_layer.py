"""Fails the layer build unless what Lambda will load is what we meant to ship:

- every .py has its CPython 3.13 bytecode next to it, compiled as *unchecked* hash-based .pyc
  (PEP 552 flags = 0b01), so no import compiles or checks a source on the read-only /opt;
- every native extension is an ELF file for the platform's machine (aarch64 for arm64).

    python verify_layer.py <artifacts>/python aarch64
"""

import importlib.util
import sys
from pathlib import Path

ELF_MACHINES = {"aarch64": 183, "x86_64": 62}
UNCHECKED_HASH = 0b01  # hash-based, check_source off


def problems(root: Path, machine: str) -> list[str]:
    found: list[str] = []
    magic = importlib.util.MAGIC_NUMBER
    for source in root.rglob("*.py"):
        compiled = Path(importlib.util.cache_from_source(str(source)))
        if not compiled.exists():
            found.append(f"no bytecode: {source.relative_to(root)}")
            continue
        header = compiled.read_bytes()[:8]
        if header[:4] != magic or int.from_bytes(header[4:8], "little") != UNCHECKED_HASH:
            found.append(f"not unchecked-hash 3.13 bytecode: {compiled.relative_to(root)}")
    expected = ELF_MACHINES[machine]
    extensions = list(root.rglob("*.so"))
    if not extensions:
        found.append("no native extension at all (pydantic-core has one): wrong wheels?")
    for extension in extensions:
        header = extension.read_bytes()[:20]
        if header[:4] != b"\x7fELF" or int.from_bytes(header[18:20], "little") != expected:
            found.append(f"not a {machine} ELF: {extension.relative_to(root)}")
    return found


def main() -> None:
    root, machine = Path(sys.argv[1]), sys.argv[2]
    found = problems(root, machine)
    for problem in found[:20]:
        print(problem, file=sys.stderr)
    if found:
        sys.exit(f"{len(found)} problem(s) in the layer built for {machine}")
    sources = sum(1 for _ in root.rglob("*.py"))
    print(f"layer ok: {sources} modules with unchecked-hash bytecode, native code for {machine}")


if __name__ == "__main__":
    main()
