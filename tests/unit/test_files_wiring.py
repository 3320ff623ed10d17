"""The file pipeline's wiring that needs no AWS: the bucket's notification as the local deployer
applies it, upload keys as S3 events spell them, and S3's form-POST policy as the local stack
enforces it."""

import base64
import json

from kb.files.uploads import UploadKey
from local.cfn import load_template
from local.deploy import notification_configuration
from local.emulator_fixes import _post_policy_refusal
from tests.helpers import ROOT


def test_the_uploads_buckets_notification_becomes_the_s3_api_shape():
    # Given the template's notification, its queue resolved
    cfn = load_template(ROOT / "template.yaml")["Resources"]["UploadsBucket"]["Properties"]["NotificationConfiguration"]
    cfn["QueueConfigurations"][0]["Queue"] = "arn:aws:sqs:us-east-1:123456789012:files"
    # Then the deployer asks S3 for ObjectCreated events under files/ onto that queue
    assert notification_configuration(cfn) == {
        "QueueConfigurations": [
            {
                "QueueArn": "arn:aws:sqs:us-east-1:123456789012:files",
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "files/"}]}},
            }
        ]
    }


def test_an_upload_key_reads_back_from_an_s3_event_and_nothing_else_does():
    key = UploadKey("ten_1", "src_2", "file_3")
    assert UploadKey.parse(str(key)) == key
    assert UploadKey.parse("files%2Ften_1%2Fsrc_2%2Ffile_3") == key  # as moto's server encodes it
    assert UploadKey.parse("tenants/ten_1/sources/src_2/x") is None
    assert UploadKey.parse("files/ten_1/src_2") is None


def _form(conditions: list, expiration: str = "2999-01-01T00:00:00Z", key: str = "files/a") -> dict:
    policy = base64.b64encode(json.dumps({"expiration": expiration, "conditions": conditions}).encode()).decode()
    return {"policy": [policy], "key": [key]}


def test_a_form_post_outside_its_content_length_range_is_refused_as_s3_does():
    exact = [{"key": "files/a"}, ["content-length-range", 10, 10]]
    assert _post_policy_refusal(_form(exact), b"a" * 10) is None
    assert _post_policy_refusal(_form(exact), b"a" * 11)[:2] == (400, "EntityTooLarge")  # type: ignore[index]
    assert _post_policy_refusal(_form(exact), b"a" * 9)[:2] == (400, "EntityTooSmall")  # type: ignore[index]


def test_an_expired_policy_or_another_key_is_refused():
    assert _post_policy_refusal(_form([], expiration="2001-01-01T00:00:00Z"), b"")[:2] == (403, "AccessDenied")  # type: ignore[index]
    assert _post_policy_refusal(_form([{"key": "files/b"}]), b"")[:2] == (403, "AccessDenied")  # type: ignore[index]
    assert _post_policy_refusal({"key": ["files/a"]}, b"") is None  # no policy: not a presigned POST
