"""Waiting on an execution reads its record, and asks Step Functions at most once."""

from typing import Any

from kb.workflows import Workflows


class CountingSfn:
    def __init__(self, status: str) -> None:
        self.status = status
        self.describes = 0

    def describe_execution(self, executionArn: str) -> dict[str, Any]:
        self.describes += 1
        return {"status": self.status, "error": "StalePlan", "cause": "changed"}


def test_a_settled_record_ends_the_wait_without_asking_step_functions():
    # Given an execution whose record settles on the third read
    sfn, reads = CountingSfn("RUNNING"), iter([False, False, True])
    # When we wait for it
    waited = Workflows(sfn).wait("arn:execution", 30, lambda: next(reads))
    # Then the record said so and DescribeExecution was never called
    assert waited.settled and not waited.running and sfn.describes == 0


def test_a_deadline_asks_step_functions_once_and_reports_a_running_execution():
    # Given an execution that never writes its record and still runs
    sfn = CountingSfn("RUNNING")
    # When the wait's deadline passes at once
    waited = Workflows(sfn).wait("arn:execution", 0, lambda: False)
    # Then it is reported running, after exactly one DescribeExecution
    assert waited.running and sfn.describes == 1


def test_an_execution_that_ended_without_its_record_is_described():
    # Given an execution that was aborted before its recorder ran
    sfn = CountingSfn("ABORTED")
    # When the wait's deadline passes
    waited = Workflows(sfn).wait("arn:execution", 0, lambda: False)
    # Then the caller gets the description to record the failure from
    assert not waited.settled and waited.description is not None and waited.description["status"] == "ABORTED"
