"""Reading a CloudFormation/SAM template: a YAML loader for the short intrinsic tags, and a
resolver for the intrinsics the local deployment needs (Ref, GetAtt, Sub, If with the template's
conditions, Split, Join)."""

import re
from pathlib import Path
from typing import Any

import yaml


class CfnLoader(yaml.SafeLoader):
    pass


def _construct_intrinsic(loader: CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _construct_intrinsic)


def load_template(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass
    return document


class UnresolvableIntrinsic(Exception):
    pass


_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")


class Resolver:
    def __init__(
        self,
        refs: dict[str, str],
        attributes: dict[tuple[str, str], str],
        conditions: dict[str, Any] | None = None,
    ) -> None:
        self.refs = refs
        self.attributes = attributes
        self.conditions = conditions or {}  # the template's Conditions, for Fn::If

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self._ref(value["Ref"])
        if set(value) == {"Fn::GetAtt"}:
            resource, attribute = value["Fn::GetAtt"]
            return self._attribute(resource, attribute)
        if set(value) == {"Fn::Sub"}:
            return self._sub(value["Fn::Sub"])
        if set(value) == {"Fn::If"}:
            name, when_true, when_false = value["Fn::If"]
            return self.resolve(when_true if self.condition(name) else when_false)
        if set(value) == {"Fn::Split"}:
            delimiter, text = value["Fn::Split"]
            return str(self.resolve(text)).split(delimiter)
        if set(value) == {"Fn::Join"}:
            delimiter, parts = value["Fn::Join"]
            return delimiter.join(str(part) for part in self.resolve(parts))
        return {k: self.resolve(v) for k, v in value.items()}

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise UnresolvableIntrinsic(f"Condition {name}")
        return self._truth(self.conditions[name])

    def _truth(self, expression: Any) -> bool:
        (function, arguments), *_ = expression.items()
        if function in ("Condition", "Fn::Condition"):  # the short form !Condition loads as Fn::Condition
            return self.condition(arguments)
        if function == "Fn::Equals":
            left, right = (self.resolve(argument) for argument in arguments)
            return str(left) == str(right)
        if function == "Fn::Not":
            return not self._truth(arguments[0])
        if function == "Fn::And":
            return all(self._truth(argument) for argument in arguments)
        if function == "Fn::Or":
            return any(self._truth(argument) for argument in arguments)
        raise UnresolvableIntrinsic(f"condition function {function}")

    def _ref(self, name: str) -> str:
        if name not in self.refs:
            raise UnresolvableIntrinsic(f"!Ref {name}")
        return self.refs[name]

    def _attribute(self, resource: str, attribute: str) -> str:
        if (resource, attribute) not in self.attributes:
            raise UnresolvableIntrinsic(f"!GetAtt {resource}.{attribute}")
        return self.attributes[(resource, attribute)]

    def _sub(self, spec: str | list[Any]) -> str:
        template, variables = (spec, {}) if isinstance(spec, str) else (spec[0], self.resolve(spec[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                return self._attribute(resource, attribute)
            return self._ref(name)

        return _SUB_VARIABLE.sub(replace, template)
