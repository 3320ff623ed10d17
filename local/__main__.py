"""`make run`: start the local stack and serve until interrupted."""

import argparse
import os
import signal
import threading
from pathlib import Path

from local.stack import ROOT, LocalStack


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("KB_LOCAL_PORT", "3000")))
    parser.add_argument(
        "--stream-port",
        type=int,
        default=int(os.environ["KB_LOCAL_STREAM_PORT"]) if os.environ.get("KB_LOCAL_STREAM_PORT") else None,
        help="the streaming function URL's port (default: --port + 1, any free port with --port 0)",
    )
    parser.add_argument("--state-dir", type=Path, default=ROOT / ".local", help="where admin.key and stack.json go")
    parser.add_argument(
        "--parameter", action="append", default=[], metavar="NAME=VALUE", help="template parameter override"
    )
    parser.add_argument(
        "--test-controls",
        action="store_true",
        help="let end-to-end tests shift a source's clock, hold its builds and fail their storage",
    )
    parser.add_argument(
        "--stub-bedrock-ms",
        type=float,
        default=None,
        metavar="MS",
        help="answer Bedrock calls with a stub of this fixed latency (benchmarks; with EmbeddingProvider=bedrock)",
    )
    args = parser.parse_args()
    overrides = dict(item.split("=", 1) for item in args.parameter)
    stack = LocalStack(
        gateway_port=args.port,
        stream_port=args.stream_port,
        admin_key=os.environ.get("LOCAL_ADMIN_KEY") or None,
        parameter_overrides=overrides,
        test_controls=args.test_controls,
        stub_bedrock_ms=args.stub_bedrock_ms,
    )
    info = stack.start()
    args.state_dir.mkdir(parents=True, exist_ok=True)
    key_file = args.state_dir / "admin.key"
    key_file.write_text(info.admin_key + "\n")
    key_file.chmod(0o600)
    (args.state_dir / "stack.json").write_text(info.to_json())
    print(f"Knowledge Base API on {info.api_url}", flush=True)
    print(f"Streamed answers (function URL) on {info.stream_url}", flush=True)
    print(f"  AWS endpoint (moto): {info.moto_endpoint}", flush=True)
    print(f"  local tenant: {info.tenant_id}", flush=True)
    print(f"  admin key (also in {key_file}): {info.admin_key}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    stack.stop()


if __name__ == "__main__":
    main()
