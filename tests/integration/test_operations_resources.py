"""What template.yaml's operations resources become in moto: each function's log group, with the
stack's retention."""

from local.deploy import client
from local.stack import LocalStack


def test_every_function_logs_to_a_log_group_that_exists_and_expires(stack: LocalStack):
    # Given the deployed stack
    deployment = stack.deployment
    assert deployment is not None
    logs = client("logs", deployment.endpoint)
    # When its log groups are listed
    groups = {
        group["logGroupName"]: group.get("retentionInDays")
        for page in logs.get_paginator("describe_log_groups").paginate()
        for group in page["logGroups"]
    }
    # Then the log group each function's LoggingConfig names exists and expires (30 days by default)
    resources = stack.template.document["Resources"]
    for logical_id in stack.template.functions:
        group_id = resources[logical_id]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert groups.get(deployment.physical(group_id)) == 30, logical_id
