"""template.yaml's operations promises, read from the template: least-privilege IAM, log retention
everywhere, TLS-only resource policies, and alarms wired to the optional topic."""

import json
from pathlib import Path
from typing import Any

from local.cfn import load_template

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = load_template(ROOT / "template.yaml")
RESOURCES: dict[str, Any] = DOCUMENT["Resources"]
FUNCTIONS = {name: r["Properties"] for name, r in RESOURCES.items() if r["Type"] == "AWS::Serverless::Function"}
# The only functions that write in batches (snapshot pages, the change log, snapshot cleanup).
STAGING = {
    "UpsertItemFunction",
    "BatchItemsFunction",
    "DeleteItemFunction",
    "AddSnapshotItemsFunction",
    "CommitSnapshotFunction",
    "AbortSnapshotFunction",
    # Bulk imports stage slices, send them into snapshots and drop their seen-id markers.
    "StartImportFunction",
    "CancelImportFunction",
    "ReadImportSliceFunction",
    "FinishImportFunction",
}


def _of_type(kind: str) -> dict[str, Any]:
    return {name: r for name, r in RESOURCES.items() if r["Type"] == kind}


def _policies(function: str) -> list[Any]:
    return FUNCTIONS[function].get("Policies", [])


def test_no_policy_grants_scan_and_no_sam_crud_template_is_left():
    # SAM's DynamoDB policy templates grant Scan and BatchWriteItem: none is used
    text = json.dumps({"functions": FUNCTIONS, "policies": _of_type("AWS::IAM::ManagedPolicy")})
    assert "dynamodb:Scan" not in text
    for template in ("DynamoDBCrudPolicy", "DynamoDBReadPolicy", "DynamoDBWritePolicy", "S3CrudPolicy"):
        assert template not in json.dumps(RESOURCES), template


def test_only_staging_functions_may_batch_write():
    holders = {name for name in FUNCTIONS if {"Ref": "BatchWritePolicy"} in _policies(name)}
    assert holders == STAGING
    # and no inline statement grants it elsewhere
    for name in FUNCTIONS:
        inline = [p for p in _policies(name) if isinstance(p, dict) and "Statement" in p]
        assert "BatchWriteItem" not in json.dumps(inline), name


def test_the_shared_read_and_rate_limit_statements_exist_once():
    # Given every function that reads the table through the shared policy
    readers = [name for name in FUNCTIONS if {"Ref": "TableReadPolicy"} in _policies(name)]
    # Then no function repeats the rate limiter's statement inline
    assert len(readers) > 30
    for name in FUNCTIONS:
        inline = json.dumps([p for p in _policies(name) if isinstance(p, dict)])
        assert '"RATE#*"' not in inline, name


def test_every_function_and_service_logs_to_a_group_with_the_retention():
    groups = _of_type("AWS::Logs::LogGroup")
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    for name, props in FUNCTIONS.items():
        assert props["LoggingConfig"]["LogGroup"]["Ref"] in groups, name
    api = RESOURCES["HttpApi"]["Properties"]["AccessLogSettings"]["DestinationArn"]
    assert api["Fn::GetAtt"][0] in groups
    for machine in ("RunStateMachine", "ApplyStateMachine", "ImportStateMachine"):
        logging = RESOURCES[machine]["Properties"]["Logging"]
        assert logging["IncludeExecutionData"] is False
        assert logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0] in groups


def test_buckets_and_queues_refuse_plain_http():
    buckets = [RESOURCES[f"{name}Policy"]["Properties"] for name in ("GenerationsBucket", "UploadsBucket")]
    assert [b["Bucket"] for b in buckets] == [{"Ref": "GenerationsBucket"}, {"Ref": "UploadsBucket"}]
    # A queue has one policy: the files queues' own also lets S3 send the uploads bucket's notifications.
    queue_policies = [RESOURCES[name]["Properties"] for name in ("QueuesTlsPolicy", "FilesQueuePolicy")]
    covered = [q["Ref"] for policy in queue_policies for q in policy["Queues"]]
    assert sorted(covered) == sorted(_of_type("AWS::SQS::Queue"))
    for policy in (*buckets, *queue_policies):
        statement = policy["PolicyDocument"]["Statement"][0]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(RESOURCES["QueuesTlsPolicy"]["Properties"]["PolicyDocument"]["Statement"]) == 1


def test_tables_are_protected_unless_the_parameter_turns_it_off():
    assert DOCUMENT["Parameters"]["TableDeletionProtection"]["Default"] == "true"
    for table in _of_type("AWS::DynamoDB::Table").values():
        assert table["Properties"]["DeletionProtectionEnabled"] == {"Fn::If": ["ProtectTables", True, False]}


def test_every_alarm_notifies_the_given_topic_or_the_created_one_or_nothing():
    expected = {
        "Fn::If": [
            "HasAlarmTopicArn",
            [{"Ref": "AlarmTopicArn"}],
            {"Fn::If": ["CreateAlarmTopic", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]},
        ]
    }
    alarms = _of_type("AWS::CloudWatch::Alarm")
    assert {"WebhookDeadLetterAlarm", "Api5xxRateAlarm", "ApplyStateMachineFailedAlarm"} <= set(alarms)
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == expected
        assert alarm["Properties"]["TreatMissingData"] == "notBreaching"
