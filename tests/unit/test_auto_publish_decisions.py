"""The scheduling decisions of auto publishing (kb.autopublish.scheduler), without any AWS."""

import pytest

from kb.autopublish.scheduler import GiveUp, Retry, after_failure, classify, should_schedule
from kb.errors import (
    ApplyInProgress,
    BuildFailed,
    LeaseLost,
    MassDeletion,
    NotApplyEligible,
    RunExpired,
    SourceInactive,
    StaleBase,
    StalePlan,
)
from kb.ids import iso_now
from kb.sources.models import Publishing, Source


def _source(mode: str = "auto", status: str = "active") -> Source:
    return Source.model_validate(
        {
            "id": "src_1",
            "tenantId": "ten_1",
            "name": "s",
            "graceDays": 7,
            "createdAt": iso_now(),
            "status": status,
            "publishing": {"mode": mode, "delaySeconds": 5},
        }
    )


def test_only_an_active_auto_publishing_source_schedules():
    assert should_schedule(_source("auto"))
    assert not should_schedule(_source("manual"))
    assert not should_schedule(_source("auto", status="archived"))


def test_a_source_without_the_setting_publishes_manually():
    # Given a source stored before publishing modes existed
    source = Source.model_validate({"id": "s", "tenantId": "t", "name": "n", "graceDays": 1, "createdAt": iso_now()})
    # Then it is manual, as before
    assert source.publishing == Publishing(mode="manual", delay_seconds=60)
    assert not should_schedule(source)


@pytest.mark.parametrize(
    "error", [StaleBase("x"), StalePlan("x"), ApplyInProgress("x"), LeaseLost("x"), NotApplyEligible("x")]
)
def test_races_with_other_writers_or_applies_are_tried_again_uncounted(error):
    assert classify(error) == "race"


@pytest.mark.parametrize("error", [BuildFailed("x"), OSError("boom"), RuntimeError("bug")])
def test_a_failed_build_or_infrastructure_is_retried_with_backoff(error):
    assert classify(error) == "retry"


@pytest.mark.parametrize("error", [MassDeletion("x"), RunExpired("x")])
def test_a_refusal_that_needs_a_human_is_reported_at_once(error):
    assert classify(error) == "human"


def test_an_archived_source_stops_silently():
    assert classify(SourceInactive("x")) == "stop"


def test_the_backoff_doubles_from_the_base_until_the_attempts_run_out():
    # Given a base of 30 s and 4 attempts
    decisions = [after_failure(n, 4, 30) for n in range(1, 5)]
    # Then the failed attempts 1-3 wait 30, 60, 120 s, and the 4th gives up
    assert decisions == [Retry(30), Retry(60), Retry(120), GiveUp(4)]


def test_the_backoff_never_waits_longer_than_an_sqs_delay_allows():
    assert after_failure(9, 20, 30) == Retry(900)


def test_a_publish_delay_is_between_0_and_900_seconds():
    assert Publishing(mode="auto", delay_seconds=0).delay_seconds == 0
    for bad in (-1, 901):
        with pytest.raises(ValueError):
            Publishing(mode="auto", delay_seconds=bad)
