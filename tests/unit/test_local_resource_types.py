"""The local deployer creates or deliberately skips every resource type of template.yaml."""

from pathlib import Path

import pytest

from local.deploy import (
    DEPLOYED_TYPES,
    SKIPPED_EVENT_TYPES,
    SKIPPED_TYPES,
    UnsupportedResource,
    _names,
    check_resource_types,
)
from local.template import read_template

ROOT = Path(__file__).resolve().parents[2]


def test_every_resource_type_of_the_template_is_deployed_or_skipped_with_a_reason():
    # Given the template
    template = read_template(ROOT)
    # When its resource types are checked, then none is unknown
    check_resource_types(template)
    # And every skip says why, and names a type the template really has (no stale entries)
    types = {resource["Type"] for resource in template.document["Resources"].values()}
    for kind, reason in SKIPPED_TYPES.items():
        assert kind in types, kind
        assert len(reason) > 20, kind
    assert not DEPLOYED_TYPES & set(SKIPPED_TYPES)


def test_an_unknown_resource_type_fails_the_local_deployment():
    # Given a template with a resource type the deployer has not decided on
    template = read_template(ROOT)
    template.document["Resources"]["Mystery"] = {"Type": "AWS::Kinesis::Stream", "Properties": {}}
    # When checked, then it is refused by name
    with pytest.raises(UnsupportedResource, match="Mystery is a AWS::Kinesis::Stream"):
        check_resource_types(template)


def test_the_schedule_event_is_skipped_with_a_reason_and_an_unknown_event_fails():
    # Given the template, whose storage sweep runs on a Schedule event
    template = read_template(ROOT)
    schedules = [
        logical_id
        for logical_id, resource in template.document["Resources"].items()
        for event in resource.get("Properties", {}).get("Events", {}).values()
        if event["Type"] == "Schedule"
    ]
    assert schedules == ["SweepStorageFunction"] and len(SKIPPED_EVENT_TYPES["Schedule"]) > 20
    # When a function gains an event source the deployer has not decided on, then it is refused by name
    events = template.document["Resources"]["SweepStorageFunction"]["Properties"]["Events"]
    events["Stream"] = {"Type": "Kinesis", "Properties": {}}
    with pytest.raises(UnsupportedResource, match="SweepStorageFunction's event Stream is a Kinesis"):
        check_resource_types(template)


def test_log_groups_resolve_to_their_names_and_arns():
    # Given the template's log groups, named after the stack
    template = read_template(ROOT)
    # When the deployer decides the names
    resolver = _names(template, "kb-local")
    # Then a function's log group is its LogGroupName and the API access log has an ARN
    assert resolver.refs["HealthFunctionLogGroup"] == "/aws/lambda/kb-local/HealthFunction"
    arn = resolver.attributes[("ApiAccessLogGroup", "Arn")]
    assert arn == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/kb-local/access:*"
