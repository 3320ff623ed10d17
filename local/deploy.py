"""Create the resources of template.yaml in moto's server, through the AWS APIs (boto3), with the
physical names and intrinsic values a CloudFormation stack would give them."""

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from local.cfn import Resolver
from local.template import FunctionSpec, Template

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
_ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


_QUEUE_ATTRIBUTES = {"VisibilityTimeout", "DelaySeconds", "MessageRetentionPeriod"}

# What the local stack creates in moto, and what it leaves out on purpose (with the reason). A type
# in neither fails the deployment: a new kind of resource in template.yaml is a decision made here.
DEPLOYED_TYPES = frozenset(
    {
        "AWS::DynamoDB::Table",
        "AWS::S3::Bucket",
        "AWS::SQS::Queue",
        "AWS::Logs::LogGroup",
        "AWS::Serverless::Function",
        "AWS::Serverless::StateMachine",
    }
)
SKIPPED_TYPES = {
    "AWS::Serverless::HttpApi": "the local gateway (local/gateway.py) serves the functions' routes",
    "AWS::Serverless::LayerVersion": "the workers import the layer's package from layers/kb itself",
    "AWS::IAM::ManagedPolicy": "moto enforces no IAM here: every function runs under one local role",
    "AWS::S3::BucketPolicy": "TLS-only policy: the local stack speaks plain HTTP on loopback",
    "AWS::SQS::QueuePolicy": "TLS-only policy: the local stack speaks plain HTTP on loopback",
    "AWS::SNS::Topic": "the alarms' topic: the local stack raises no alarms",
    "AWS::CloudWatch::Alarm": "no CloudWatch metrics locally: Powertools writes its metrics to stdout",
    "AWS::CloudWatch::Dashboard": "no CloudWatch metrics locally: Powertools writes its metrics to stdout",
}
# Function event sources: HttpApi routes are served by the gateway, SQS queues polled by
# local.sqs_poller; these are left out on purpose.
SERVED_EVENT_TYPES = frozenset({"HttpApi", "SQS"})
SKIPPED_EVENT_TYPES = {
    "Schedule": "no scheduler locally: invoke the function with make invoke FN=<id> EVENT=events/<sample>.json",
}


class UnsupportedResource(Exception):
    pass


def check_resource_types(template: Template) -> None:
    for logical_id, resource in template.document["Resources"].items():
        if resource["Type"] not in DEPLOYED_TYPES and resource["Type"] not in SKIPPED_TYPES:
            raise UnsupportedResource(
                f"{logical_id} is a {resource['Type']}: deploy it in local/deploy.py or add it to SKIPPED_TYPES"
            )
        for name, event in resource.get("Properties", {}).get("Events", {}).items():
            if event["Type"] not in SERVED_EVENT_TYPES and event["Type"] not in SKIPPED_EVENT_TYPES:
                raise UnsupportedResource(
                    f"{logical_id}'s event {name} is a {event['Type']}: serve it locally or add it to SKIPPED_EVENT_TYPES"
                )


@dataclass(frozen=True)
class QueueSource:
    function_name: str
    queue_url: str
    queue_arn: str
    batch_size: int


@dataclass
class Deployment:
    endpoint: str
    stack_name: str
    resolver: Resolver
    function_names: dict[str, str] = field(default_factory=dict)  # logical id -> physical name
    # logical id -> what invokers call: `name:alias` when SAM would publish an alias, else the name
    invoke_targets: dict[str, str] = field(default_factory=dict)
    functions_by_name: dict[str, FunctionSpec] = field(default_factory=dict)
    queue_sources: list[QueueSource] = field(default_factory=list)

    def physical(self, logical_id: str) -> str:
        return self.resolver.refs[logical_id]

    def physical_if_any(self, logical_id: str) -> str | None:
        """A resource the stack reports only when the template has it (an older template, such as a
        benchmark's baseline commit, may lack the files resources)."""
        return self.resolver.refs.get(logical_id)


def client(service: str, endpoint: str, config: Config | None = None) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts any credentials
        config=config,
    )


def _names(template: Template, stack: str) -> Resolver:
    """Every Ref and GetAtt value, decided before anything is created (functions and state
    machines refer to each other, as CloudFormation resolves them)."""
    refs: dict[str, str] = {
        **template.parameters,
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::Partition": "aws",
        "AWS::StackName": stack,
        "AWS::URLSuffix": "amazonaws.com",
    }
    attributes: dict[tuple[str, str], str] = {}
    for logical_id, resource in template.document["Resources"].items():
        kind, name = resource["Type"], name_of(stack, logical_id)
        if kind == "AWS::Serverless::Function":
            refs[logical_id] = name
            attributes[(logical_id, "Arn")] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
            alias = template.functions[logical_id].alias
            if alias:  # SAM's `!Ref Function.Alias`: the alias ARN
                refs[f"{logical_id}.Alias"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}:{alias}"
        elif kind == "AWS::DynamoDB::Table":
            refs[logical_id] = name
            attributes[(logical_id, "Arn")] = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
        elif kind == "AWS::S3::Bucket":
            refs[logical_id] = name.lower()
            attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name.lower()}"
        elif kind == "AWS::SQS::Queue":
            refs[logical_id] = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"
            attributes[(logical_id, "Arn")] = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
            attributes[(logical_id, "QueueName")] = name
        elif kind == "AWS::Serverless::StateMachine":
            arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}"
            refs[logical_id] = arn
            attributes[(logical_id, "Arn")] = arn
            attributes[(logical_id, "Name")] = name
        elif kind == "AWS::Serverless::LayerVersion":
            refs[logical_id] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{name}:1"
        else:
            refs[logical_id] = name
    resolver = Resolver(refs, attributes)
    for logical_id, props in template.resources_of("AWS::S3::Bucket").items():
        if "BucketName" in props:  # a name of its own (!Sub of pseudo parameters only)
            refs[logical_id] = str(resolver.resolve(props["BucketName"]))
            attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{refs[logical_id]}"
    for logical_id, props in template.resources_of("AWS::Logs::LogGroup").items():
        group = str(resolver.resolve(props.get("LogGroupName", name_of(stack, logical_id))))
        refs[logical_id] = group
        attributes[(logical_id, "Arn")] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*"
    return resolver


def name_of(stack: str, logical_id: str) -> str:
    return f"{stack}-{logical_id}"[:64]


def deploy(template: Template, endpoint: str, stack: str = "kb-local") -> Deployment:
    check_resource_types(template)
    resolver = _names(template, stack)
    deployment = Deployment(endpoint=endpoint, stack_name=stack, resolver=resolver)
    for logical_id, props in template.resources_of("AWS::DynamoDB::Table").items():
        create_table(client("dynamodb", endpoint), resolver.refs[logical_id], props)
    sqs = client("sqs", endpoint)
    for logical_id, props in template.resources_of("AWS::SQS::Queue").items():
        attributes = {
            k: str(v)
            for k, v in resolver.resolve(props).items()
            if k in {"VisibilityTimeout", "DelaySeconds", "MessageRetentionPeriod"}
        }
        sqs.create_queue(QueueName=resolver.attributes[(logical_id, "QueueName")], Attributes=attributes)
    s3 = client("s3", endpoint)
    for logical_id, props in template.resources_of("AWS::S3::Bucket").items():
        s3.create_bucket(Bucket=resolver.refs[logical_id])
        notifications = resolver.resolve(props.get("NotificationConfiguration", {}))
        if notifications:  # after the queues: moto delivers ObjectCreated events to SQS as S3 does
            s3.put_bucket_notification_configuration(
                Bucket=resolver.refs[logical_id], NotificationConfiguration=notification_configuration(notifications)
            )
    logs = client("logs", endpoint)
    for logical_id, props in template.resources_of("AWS::Logs::LogGroup").items():
        resolved = resolver.resolve(props)
        logs.create_log_group(logGroupName=resolver.refs[logical_id])
        if "RetentionInDays" in resolved:
            logs.put_retention_policy(
                logGroupName=resolver.refs[logical_id], retentionInDays=int(resolved["RetentionInDays"])
            )
    role_arn = client("iam", endpoint).create_role(
        RoleName=f"{stack}-execution", AssumeRolePolicyDocument=json.dumps(_ASSUME_LAMBDA)
    )["Role"]["Arn"]
    lambda_client = client("lambda", endpoint)
    for logical_id, spec in template.functions.items():
        name = resolver.refs[logical_id]
        environment = {k: str(v) for k, v in resolver.resolve(spec.environment).items()}
        lambda_client.create_function(
            FunctionName=name,
            Runtime=spec.runtime,
            Role=role_arn,
            Handler=spec.handler,
            Code={"ZipFile": _placeholder_zip(spec)},
            Timeout=spec.timeout,
            MemorySize=spec.memory_size,
            Environment={"Variables": environment},
        )
        deployment.function_names[logical_id] = name
        deployment.invoke_targets[logical_id] = _publish_alias(lambda_client, name, spec.alias)
        deployment.functions_by_name[name] = spec
        # SQS event sources are polled by local.sqs_poller (moto's own mapping fires once per
        # SendMessage, ignores delays and ReportBatchItemFailures), so none is created here.
        for queue_event in spec.queue_events:
            queue_arn = resolver.resolve(queue_event["Queue"])
            queue_name = queue_arn.rsplit(":", 1)[-1]
            deployment.queue_sources.append(
                QueueSource(
                    function_name=deployment.invoke_targets[logical_id],
                    queue_url=f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{queue_name}",
                    queue_arn=queue_arn,
                    batch_size=int(queue_event.get("BatchSize", 10)),
                )
            )
    sfn = client("stepfunctions", endpoint)
    for logical_id, machine in template.state_machines.items():
        definition = machine.definition_path.read_text()
        for key, value in resolver.resolve(machine.substitutions).items():
            definition = definition.replace("${" + key + "}", str(value))
        sfn.create_state_machine(
            name=resolver.attributes[(logical_id, "Name")], definition=definition, roleArn=role_arn
        )
    return deployment


def notification_configuration(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's NotificationConfiguration (queues only) as PutBucketNotificationConfiguration takes it."""
    unsupported = set(cfn) - {"QueueConfigurations"}
    if unsupported:
        raise UnsupportedResource(f"bucket notifications to {sorted(unsupported)} are not deployed locally")
    queues = []
    for entry in cfn["QueueConfigurations"]:
        queue: dict[str, Any] = {"QueueArn": entry["Queue"], "Events": [entry["Event"]]}
        rules = entry.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        if rules:
            queue["Filter"] = {"Key": {"FilterRules": rules}}
        queues.append(queue)
    return {"QueueConfigurations": queues}


def _publish_alias(lambda_client: Any, name: str, alias: str | None) -> str:
    """What SAM's AutoPublishAlias creates: a published version and the alias pointing at it."""
    if not alias:
        return name
    version = lambda_client.publish_version(FunctionName=name)["Version"]
    lambda_client.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)
    return f"{name}:{alias}"


def create_table(dynamodb: Any, name: str, props: dict[str, Any]) -> None:
    args: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    for optional in ("GlobalSecondaryIndexes", "StreamSpecification"):
        if optional in props:
            args[optional] = props[optional]
    dynamodb.create_table(**args)
    ttl = props.get("TimeToLiveSpecification")
    if ttl:
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)


def _placeholder_zip(spec: FunctionSpec) -> bytes:
    """moto needs a code package; the code that runs is spec.code_dir, dispatched by the seam."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("LOCAL.txt", f"code runs from {spec.code_dir}\n")
    return buffer.getvalue()
