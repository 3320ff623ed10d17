"""openapi.yaml, template.yaml, functions/, events/ and statemachines/ agree with each other."""

import re

import yaml

from kb.http.routes import ROUTES
from local.template import read_template
from scripts.generate_openapi import build_openapi, function_modules
from tests.helpers import ROOT


def test_openapi_yaml_is_what_the_routes_generate():
    # Given the committed contract
    committed = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    # Then it equals what the code generates (regenerate with `make openapi`)
    assert committed == build_openapi(), "openapi.yaml drifted from the routes: run `make openapi`"


def test_every_function_directory_is_a_template_function_and_has_a_sample_event():
    template = read_template(ROOT)
    code_dirs = {spec.code_dir.resolve() for spec in template.functions.values()}
    for directory in (ROOT / "functions").iterdir():
        assert directory.resolve() in code_dirs, f"{directory.name} is not in template.yaml"
        assert (ROOT / "events" / f"{directory.name}.json").exists(), f"events/{directory.name}.json is missing"


def test_each_http_function_serves_exactly_the_route_the_template_gives_it():
    template = read_template(ROOT)
    modules = function_modules()
    for spec in template.functions.values():
        module = modules[spec.code_dir.name]
        served = {
            (method, "/api" + route.path)
            for route in getattr(getattr(module, "router", None), "routes", [])
            for method in route.methods
        }
        routed = {(route.method, route.path) for route in spec.routes}
        if spec.handler == "run.sh":  # the streaming function URL serves the answering routes
            assert set(module.app.openapi()["paths"]) == {"/v1/query", "/v1/chats", "/v1/chats/{chatId}/messages"}
            assert not routed, spec.logical_id
            continue
        if not hasattr(module, "router") and hasattr(module, "app"):  # the catch-all: an app with no routes
            assert routed == {("ANY", "/{proxy+}")}, spec.logical_id
            continue
        if hasattr(module, "ROUTES"):  # the console's static files: a plain handler, outside /api
            assert routed == module.ROUTES, spec.logical_id
            continue
        assert served == routed, spec.logical_id


def test_the_catch_alls_route_table_is_the_templates():
    # Given every HTTP route of the API (under /api) in template.yaml
    routed: dict[str, set[str]] = {}
    for spec in read_template(ROOT).functions.values():
        for route in spec.routes:
            if route.path.startswith("/api/"):
                routed.setdefault(route.path.removeprefix("/api"), set()).add(route.method)
    # Then the table the catch-all answers 405 from has exactly those
    assert {path: set(methods) for path, methods in ROUTES.items()} == routed


def test_state_machine_substitutions_match_the_placeholders_in_the_asl():
    template = read_template(ROOT)
    for machine in template.state_machines.values():
        placeholders = set(re.findall(r"\$\{(\w+)\}", machine.definition_path.read_text()))
        assert placeholders == set(machine.substitutions), machine.logical_id
