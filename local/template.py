"""The parts of template.yaml the local runtime deploys, with SAM's Globals applied."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.cfn import load_template


@dataclass(frozen=True)
class Route:
    method: str
    path: str


@dataclass
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler: str
    runtime: str
    timeout: int
    memory_size: int
    environment: dict[str, Any]
    layer_ids: list[str]
    routes: list[Route] = field(default_factory=list)
    queue_events: list[dict[str, Any]] = field(default_factory=list)
    # SAM's AutoPublishAlias: every invoker (gateway, queues, state machines) calls this alias.
    alias: str | None = None


@dataclass
class StateMachineSpec:
    logical_id: str
    definition_path: Path
    substitutions: dict[str, Any]


@dataclass
class Template:
    root: Path
    document: dict[str, Any]
    parameters: dict[str, str]
    functions: dict[str, FunctionSpec]
    state_machines: dict[str, StateMachineSpec]
    layers: dict[str, Path]

    def resources_of(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            name: resource.get("Properties", {})
            for name, resource in self.document["Resources"].items()
            if resource["Type"] == resource_type
        }


def read_template(root: Path, overrides: dict[str, str] | None = None) -> Template:
    document = load_template(root / "template.yaml")
    parameters = {name: str(spec.get("Default", "")) for name, spec in document.get("Parameters", {}).items()}
    parameters.update(overrides or {})
    _check_bounds(document.get("Parameters", {}), overrides or {})
    resources = document["Resources"]
    globals_ = document.get("Globals", {}).get("Function", {})
    functions: dict[str, FunctionSpec] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::Function":
            functions[logical_id] = _function(root, logical_id, globals_, resource["Properties"])
    state_machines = {
        logical_id: StateMachineSpec(
            logical_id,
            root / resource["Properties"]["DefinitionUri"],
            resource["Properties"].get("DefinitionSubstitutions", {}),
        )
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::StateMachine"
    }
    layers = {
        logical_id: root / resource["Properties"]["ContentUri"]
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::LayerVersion"
    }
    return Template(root, document, parameters, functions, state_machines, layers)


def _function(root: Path, logical_id: str, globals_: dict[str, Any], props: dict[str, Any]) -> FunctionSpec:
    """SAM's Globals rules: maps merge (function wins), lists concatenate, scalars override."""
    environment = {
        **globals_.get("Environment", {}).get("Variables", {}),
        **props.get("Environment", {}).get("Variables", {}),
    }
    layer_refs = [*globals_.get("Layers", []), *props.get("Layers", [])]
    spec = FunctionSpec(
        logical_id=logical_id,
        code_dir=root / props["CodeUri"],
        handler=props.get("Handler", globals_.get("Handler", "app.handler")),
        runtime=props.get("Runtime", globals_.get("Runtime", "python3.13")),
        timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
        memory_size=int(props.get("MemorySize", globals_.get("MemorySize", 128))),
        environment=environment,
        layer_ids=[ref["Ref"] for ref in layer_refs if isinstance(ref, dict) and "Ref" in ref],
        alias=props.get("AutoPublishAlias", globals_.get("AutoPublishAlias")),
    )
    for event in props.get("Events", {}).values():
        if event["Type"] == "HttpApi":
            spec.routes.append(Route(event["Properties"]["Method"].upper(), event["Properties"]["Path"]))
        elif event["Type"] == "SQS":
            spec.queue_events.append(event["Properties"])
    return spec


def _check_bounds(specs: dict[str, Any], overrides: dict[str, str]) -> None:
    """A Number parameter outside its MinValue/MaxValue is refused, as CloudFormation refuses it at
    deploy (rather than a function failing at run time on a setting it cannot accept)."""
    for name, value in overrides.items():
        spec = specs.get(name, {})
        if spec.get("Type") != "Number":
            continue
        number = float(value)
        if ("MinValue" in spec and number < float(spec["MinValue"])) or (
            "MaxValue" in spec and number > float(spec["MaxValue"])
        ):
            bounds = f"{spec.get('MinValue', '-inf')}..{spec.get('MaxValue', 'inf')}"
            raise ValueError(f"Parameter {name}={value} is outside its bounds {bounds} (template.yaml)")
