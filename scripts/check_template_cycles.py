"""Fails when template.yaml, as SAM transforms it, has a dependency cycle among its resources.

cfn-lint and `sam validate --lint` check the SAM template itself; a cycle through the resources SAM
generates (a function's version and alias, its URL, the HTTP API's integrations) shows only when
CloudFormation creates the stack. Example: the console function's environment naming the stream
function's URL (the URL's CORS names the HTTP API, which routes to the console function). This
runs SAM's own translator offline and walks every Ref, GetAtt, Sub and DependsOn.

    .venv-sam/bin/python scripts/check_template_cycles.py   (part of `make lint`)
"""

import os
import re
import sys
from pathlib import Path
from typing import Any

from samcli.yamlhelper import yaml_parse  # type: ignore[import-not-found]
from samtranslator.translator.transform import transform  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parent.parent
_SUB = re.compile(r"\$\{([^}!]+)\}")


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def transformed(path: Path) -> dict[str, Any]:
    template = yaml_parse(path.read_text())
    template["Transform"] = "AWS::Serverless-2016-10-31"  # AWS::LanguageExtensions runs at deploy
    # The HTTP API's CORS is an Fn::If that LanguageExtensions resolves before SAM; it refers to
    # no resource, so it is left out here.
    template["Resources"]["HttpApi"]["Properties"].pop("CorsConfiguration", None)
    for resource in template["Resources"].values():  # the translator wants uploaded artifacts
        for key in ("CodeUri", "DefinitionUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = "s3://bucket/key"
    resources: dict[str, Any] = transform(template, {}, _NoManagedPolicies())["Resources"]
    return resources


def _references(value: Any, found: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _references(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item.split(".")[0])
            elif key == "Fn::GetAtt":
                found.add((item if isinstance(item, list) else item.split("."))[0])
            elif key == "Fn::Sub":
                text, variables = (item, {}) if isinstance(item, str) else item
                found.update(name.split(".")[0] for name in _SUB.findall(text))
                _references(variables, found)
            else:
                _references(item, found)


def dependencies(resources: dict[str, Any]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, resource in resources.items():
        found: set[str] = set()
        _references(resource, found)
        depends_on = resource.get("DependsOn", [])
        found.update([depends_on] if isinstance(depends_on, str) else depends_on)
        graph[name] = {other for other in found if other in resources and other != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle as the path that closes it, or None (iterative depth-first search)."""
    done: set[str] = set()
    for start in graph:
        if start in done:
            continue
        path, on_path, stack = [start], {start}, [iter(sorted(graph[start]))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                stack.pop()
            elif step in on_path:
                return [*path[path.index(step) :], step]
            elif step not in done:
                path.append(step)
                on_path.add(step)
                stack.append(iter(sorted(graph[step])))
    return None


def main() -> None:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # the translator names ARNs with a region
    resources = transformed(ROOT / "template.yaml")
    cycle = find_cycle(dependencies(resources))
    if cycle:
        sys.exit("template.yaml has a dependency cycle once SAM transforms it: " + " -> ".join(cycle))
    print(f"no dependency cycle among the {len(resources)} resources SAM generates")


if __name__ == "__main__":
    main()
