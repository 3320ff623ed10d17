"""`make deploy` and samconfig.toml agree: read the recipe with `make -n` (nothing runs)."""

import os
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

from local.cfn import load_template

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(**variables: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SAM_ENV", "DEPLOY_GUIDED", "MAKEFLAGS", "MAKELEVEL"}}
    arguments = [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "deploy", *arguments],  # noqa: S607 - make from PATH, as the README runs it
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if re.search(r"\bsam (build|deploy)\b", line)]


def _samconfig() -> dict:
    with (ROOT / "samconfig.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_sam_build_runs_with_python_3_13_first_on_path():
    # When the deploy recipe is printed
    build = _dry_run()[0]
    # Then sam build runs with a directory holding python3.13 first on PATH
    match = re.match(r'PATH="([^"]*):\$PATH" \S*/sam build --config-env default$', build)
    assert match, build
    assert (Path(match.group(1)) / "python3.13").exists()


def test_the_default_environment_deploys_with_samconfig_without_questions():
    # Given samconfig.toml holds deploy parameters for the default environment
    assert _samconfig()["default"]["deploy"]["parameters"]
    # When make deploy is printed
    deploy = _dry_run()[1]
    # Then sam deploy reads that environment and asks nothing
    assert shlex.split(deploy)[1:] == ["deploy", "--config-env", "default"]


def test_deploy_guided_asks_the_questions():
    assert _dry_run(DEPLOY_GUIDED="1")[1].endswith("deploy --config-env default --guided")


def test_an_environment_without_deploy_parameters_is_guided_the_first_time():
    # Given an environment samconfig.toml has never saved
    assert "staging" not in _samconfig()
    # When make deploy is printed for it, then build and deploy use it and deploy asks
    build, deploy = _dry_run(SAM_ENV="staging")
    assert build.endswith("sam build --config-env staging")
    assert deploy.endswith("sam deploy --config-env staging --guided")


def test_samconfig_overrides_only_template_parameters_and_holds_no_secret():
    # Given the template's parameters and samconfig's overrides
    parameters = load_template(ROOT / "template.yaml")["Parameters"]
    deploy = _samconfig()["default"]["deploy"]["parameters"]
    overrides = dict(item.split("=", 1) for item in shlex.split(deploy["parameter_overrides"]))
    # Then every override names a template parameter, allowed values are respected,
    # and no NoEcho parameter (the cursor signing key) is written into the repository
    for name, value in overrides.items():
        assert name in parameters, name
        assert value in parameters[name].get("AllowedValues", [value]), (name, value)
        assert not parameters[name].get("NoEcho"), name
    # And the capabilities cover the IAM resources and the language-extensions transform
    assert set(deploy["capabilities"].split()) == {"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"}
    assert _samconfig()["default"]["global"]["parameters"]["stack_name"]


def test_the_first_deployment_needs_no_bedrock_model():
    deploy = _samconfig()["default"]["deploy"]["parameters"]
    overrides = dict(item.split("=", 1) for item in shlex.split(deploy["parameter_overrides"]))
    assert overrides["EmbeddingProvider"] == "none"
    assert overrides["AnswerProvider"] == "extractive"
