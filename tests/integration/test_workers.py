"""The local Lambda execution model: a process per function, another when it is busy."""

import json
from concurrent.futures import ThreadPoolExecutor

from tests.helpers import sample_event


def test_a_busy_function_gets_a_second_worker_instead_of_a_queue(stack):
    # Given a source with an item (runs wait on a state machine, so they overlap)
    admin = stack.info.admin_key
    payload, _ = stack.invoke("CreateSourceFunction", sample_event("create_source", ADMIN_KEY=admin))
    source_id = json.loads(payload["body"])["source"]["id"]
    stack.invoke(
        "UpsertItemFunction",
        sample_event("upsert_item", ADMIN_KEY=admin, SOURCE_ID=source_id, IDEMPOTENCY_KEY="workers"),
    )
    event = sample_event("start_run", ADMIN_KEY=admin, SOURCE_ID=source_id)
    name = stack.info.function_names["StartRunFunction"]
    # When three runs start at once
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: stack.invoke("StartRunFunction", event), range(3)))
    # Then all succeed and the function has more than one warm worker
    assert [r[0]["statusCode"] for r in results] == [201, 201, 201]
    assert stack.runtime.worker_count(name) >= 2


def test_each_worker_has_the_environment_the_template_gives_its_function(stack):
    # The run function has RUN_STATE_MACHINE_ARN; the apply function does not: os.environ is per process.
    from local.deploy import client

    lambda_client = client("lambda", stack.info.moto_endpoint)
    start_run = lambda_client.get_function_configuration(FunctionName=stack.info.function_names["StartRunFunction"])
    apply_run = lambda_client.get_function_configuration(FunctionName=stack.info.function_names["ApplyRunFunction"])
    assert "RUN_STATE_MACHINE_ARN" in start_run["Environment"]["Variables"]
    assert "RUN_STATE_MACHINE_ARN" not in apply_run["Environment"]["Variables"]
    assert start_run["Environment"]["Variables"]["TABLE_NAME"] == stack.deployment.physical("KbTable")
