"""Cold-start import time of every handler, from the layer as `sam build` builds it and Lambda
loads it, against a bare `import fastapi, mangum, boto3` measured in the same run.

The template's layer is aarch64 (arm64 functions) and its native modules do not load on an
x86_64 machine, so the benchmark builds the same layer with the same Makefile for this machine's
architecture (`make build-KbLayer ARCH=x86_64`, in a scratch copy as `sam build` does). Each
sample is a fresh interpreter that sees what a Lambda environment sees: the function's directory,
then the layer's python/ (/opt/python), then a runtime directory holding boto3 (the runtime's own),
no site-packages, LAMBDA_TASK_ROOT set (the X-Ray SDK samples locally in Lambda) and -B, so the
measurement caches no bytecode of its own. The figure is the CPU time of the import (wall time
on this shared 2-core machine mostly measures the other processes); every row's samples are
interleaved with the baseline's.

With --before REF, the handlers of that commit are measured too, from their layer built the way
`sam build`'s python3.13 method built it then (pip install, no bytecode), against the same baseline.

    .venv/bin/python bench/import_time.py [--before REF] [--repeats N]   (part of `make bench`)
"""

import argparse
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import fastapi, mangum, boto3"
TARGET_RATIO = 1.15
PROBE = (
    "import sys, time; sys.path[:0] = {paths!r}; "
    "c, w = time.process_time(), time.perf_counter(); {statement}; "
    "print((time.process_time() - c) * 1000, (time.perf_counter() - w) * 1000)"
)


def pinned(name: str) -> str:
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.lower().startswith(f"{name}=="):
            return line.strip()
    raise SystemExit(f"{name} is not pinned in constraints.txt")


def run(command: list[str], cwd: Path | None = None) -> None:
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def build_layer(source: Path, work: Path, arch: str) -> Path:
    """Our layer with its own Makefile, in a scratch copy of its directory (as sam build does)."""
    scratch = work / "scratch"
    shutil.copytree(source, scratch)
    run(
        [
            shutil.which("make") or "make",
            "-s",
            "build-KbLayer",
            f"ARTIFACTS_DIR={work / 'out'}",
            f"ARCH={arch}",
            f"PYTHON={sys.executable}",
        ],
        scratch,
    )
    return work / "out" / "python"


def build_old_layer(ref: str, work: Path, arch: str) -> tuple[Path, Path]:
    """The layer and functions of `ref`, the layer as sam build's python3.13 method made it: the
    requirements pip-installed and the package copied, no bytecode."""
    git = shutil.which("git") or "git"
    archive = subprocess.run([git, "archive", ref, "layers/kb", "functions"], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(work / "tree", filter="data")
    layer = work / "tree" / "layers" / "kb"
    target = work / "out" / "python"
    platforms = [f"--platform=manylinux2014_{arch}", f"--platform=manylinux_2_28_{arch}"]
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-compile",
            "--target",
            str(target),
            *platforms,
            "--implementation=cp",
            "--python-version=3.13",
            "--only-binary=:all:",
            "-r",
            str(layer / "requirements.txt"),
        ]
    )
    shutil.copytree(layer / "kb", target / "kb")
    return target, work / "tree" / "functions"


def build_runtime(work: Path) -> Path:
    """boto3 as Lambda's runtime provides it (compiled, outside the layer)."""
    target = work / "runtime"
    packages = [pinned("boto3"), pinned("botocore"), pinned("s3transfer")]
    run([sys.executable, "-m", "pip", "install", "-q", "--no-compile", "--no-deps", "--target", str(target), *packages])
    run([sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(target)])
    return target


def sample(statement: str, code_dir: Path, layer: Path, runtime: Path) -> tuple[float, float]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LAMBDA_TASK_ROOT": str(code_dir),
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": code_dir.name,
        "TABLE_NAME": "t",
        "BUCKET_NAME": "b",
        "POWERTOOLS_SERVICE_NAME": "knowledge-base",
        "TZ": ":UTC",
    }
    probe = PROBE.format(paths=[str(code_dir), str(layer), str(runtime)], statement=statement)
    done = subprocess.run(
        [sys.executable, "-B", "-S", "-s", "-c", probe],
        cwd=code_dir,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, wall = done.stdout.split()
    return float(cpu), float(wall)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="also measure this commit's handlers, from its layer without bytecode")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    arch = platform.machine()
    with tempfile.TemporaryDirectory(prefix="kb-import-") as tmp:
        work = Path(tmp)
        layer = build_layer(ROOT / "layers" / "kb", work / "after", arch)
        runtime = build_runtime(work)
        functions = sorted(p.parent for p in (ROOT / "functions").glob("*/app.py"))
        old_layer, old_functions = build_old_layer(args.before, work / "before", arch) if args.before else (None, None)
        rows: dict[str, dict[str, list[tuple[float, float]]]] = {"baseline": {"now": []}}
        rows |= {f.name: {"now": [], "before": []} for f in functions}
        for _ in range(args.repeats):  # interleaved: load on the machine hits every row alike
            rows["baseline"]["now"].append(sample(BASELINE, functions[0], layer, runtime))
            for function in functions:
                rows[function.name]["now"].append(sample("import app", function, layer, runtime))
                if old_layer and old_functions and (old_functions / function.name / "app.py").exists():
                    old_dir = old_functions / function.name
                    rows[function.name]["before"].append(sample("import app", old_dir, old_layer, runtime))
    report(rows, args, arch)


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def report(rows: dict[str, dict[str, list[tuple[float, float]]]], args: argparse.Namespace, arch: str) -> None:
    base_cpu, base_wall = medians(rows["baseline"]["now"])
    before = f" --before {args.before}" if args.before else ""
    print("## Handler import time (cold start, before the first event)\n")
    print(
        f"Command: `.venv/bin/python bench/import_time.py{before} --repeats {args.repeats}` (part of `make bench`).\n"
    )
    print(f"The layer as layers/kb/Makefile builds it for `sam build`, here for {arch} (the template's is")
    print("aarch64: the same Makefile with `ARCH=x86_64`); each handler imported in a fresh interpreter as")
    print("Lambda loads it (function dir, layer, the runtime's boto3; no site-packages; LAMBDA_TASK_ROOT")
    print(f"set; -B). Medians of {args.repeats} interleaved samples of the import's CPU time (wall time in")
    print(f"brackets); ratios against `{BASELINE}` from the same layer in the same run.")
    if args.before:
        print(f'"Before" is commit {args.before}: its handlers, from its layer built as `sam build`\'s')
        print("python3.13 method built it (no bytecode), against the same baseline.")
    print()
    header = "| import | CPU ms (wall) | ratio |"
    rule = "|---|---:|---:|"
    if args.before:
        header += " before: CPU ms (wall) | before: ratio | after vs before |"
        rule += "---:|---:|---:|"
    print(header + "\n" + rule)
    print(f"| `{BASELINE}` | {base_cpu:.0f} ({base_wall:.0f}) | 1.00 |" + (" | | |" if args.before else ""))
    ratios, old_ratios = [], []
    for name, samples in rows.items():
        if name == "baseline":
            continue
        cpu, wall = medians(samples["now"])
        ratios.append(cpu / base_cpu)
        line = f"| functions/{name}/app.py | {cpu:.0f} ({wall:.0f}) | {cpu / base_cpu:.2f} |"
        if args.before and samples["before"]:
            old_cpu, old_wall = medians(samples["before"])
            old_ratios.append(old_cpu / base_cpu)
            line += f" {old_cpu:.0f} ({old_wall:.0f}) | {old_cpu / base_cpu:.2f} | {cpu / old_cpu:.2f} |"
        elif args.before:
            line += " | | |"
        print(line)
    met = sum(r <= TARGET_RATIO for r in ratios)
    print(f"\nMedian handler ratio: **{statistics.median(ratios):.2f}x** the bare import (target ≤ {TARGET_RATIO}x);")
    print(f"{met} of {len(ratios)} handlers at or under the target; the highest {max(ratios):.2f}x.", end="")
    if old_ratios:
        print(f" Before: median {statistics.median(old_ratios):.2f}x, highest {max(old_ratios):.2f}x.")
    else:
        print()


if __name__ == "__main__":
    main()
