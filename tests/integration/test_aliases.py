"""SAM's AutoPublishAlias, deployed locally as in AWS: invokers call the alias, not $LATEST."""

import json

from local.deploy import client
from tests.helpers import sample_event


def test_every_function_has_a_published_version_behind_its_live_alias(stack):
    # Given the deployed template (AutoPublishAlias: live in Globals)
    lambda_client = client("lambda", stack.info.moto_endpoint)
    for name in stack.info.function_names.values():
        # When its aliases are listed
        aliases = lambda_client.list_aliases(FunctionName=name)["Aliases"]
        # Then `live` points at a published version
        assert [(a["Name"], a["FunctionVersion"]) for a in aliases] == [("live", "1")]


def test_the_state_machines_invoke_the_aliases(stack):
    # Given the deployed state machines
    sfn = client("stepfunctions", stack.info.moto_endpoint)
    for machine in sfn.list_state_machines()["stateMachines"]:
        definition = json.loads(sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"])
        # When the Lambda tasks are read
        targets = [
            state["Parameters"]["FunctionName"]
            for state in definition["States"].values()
            if state.get("Resource") == "arn:aws:states:::lambda:invoke"
        ]
        # Then each one names a function's live alias
        assert targets
        assert all(target.endswith(":live") for target in targets), targets


def test_the_queues_and_the_gateway_call_the_alias(stack):
    # The SQS pollers (the gateway compiles its routes from the same invoke targets)
    assert stack.deployment is not None
    assert stack.deployment.queue_sources
    assert all(source.function_name.endswith(":live") for source in stack.deployment.queue_sources)
    assert all(target.endswith(":live") for target in stack.deployment.invoke_targets.values())


def test_invoking_the_alias_runs_the_real_handler(stack):
    # Given the health function's alias
    target = f"{stack.info.function_names['HealthFunction']}:live"
    event = sample_event("health")
    # When it is invoked through the Lambda API
    reply = client("lambda", stack.info.moto_endpoint).invoke(FunctionName=target, Payload=json.dumps(event).encode())
    # Then the handler answers (moto dispatched the version to the same worker pool)
    assert "FunctionError" not in reply
    assert json.loads(reply["Payload"].read())["statusCode"] == 200
