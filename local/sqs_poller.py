"""Lambda's SQS event source, as AWS runs it: poll the queue, invoke the function with a batch,
delete what succeeded, and leave the records named in batchItemFailures for another receive
(after the visibility timeout; the queue's redrive policy dead-letters repeat offenders)."""

import json
import threading
from typing import Any

from botocore.config import Config

from local.deploy import REGION, QueueSource, client

# Lambda polls a queue with several pollers at once (five to start with), each invoking on its own,
# so one slow batch does not hold up the next. Two cores do not need more.
POLLERS_PER_QUEUE = 3


class QueuePoller:
    def __init__(self, endpoint: str, source: QueueSource, pollers: int = POLLERS_PER_QUEUE) -> None:
        self.source = source
        # boto3 clients are thread-safe; one pool connection per poller.
        pool = Config(max_pool_connections=pollers)
        self.sqs = client("sqs", endpoint, pool)
        self.lambda_client = client(
            "lambda", endpoint, Config(read_timeout=900, retries={"max_attempts": 0}, max_pool_connections=pollers)
        )
        self._stopped = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"poll:{source.function_name}:{i}", daemon=True)
            for i in range(pollers)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except Exception:  # noqa: BLE001 - a poller outlives one bad poll, as Lambda's does
                self._stopped.wait(1)

    def poll_once(self, wait_seconds: int = 0) -> int:
        reply = self.sqs.receive_message(
            QueueUrl=self.source.queue_url,
            MaxNumberOfMessages=self.source.batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = reply.get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        result = self.lambda_client.invoke(FunctionName=self.source.function_name, Payload=json.dumps(event).encode())
        payload: Any = json.loads(result["Payload"].read() or b"{}")
        if result.get("FunctionError"):
            return len(messages)  # the whole batch becomes visible again
        failed = {f["itemIdentifier"] for f in (payload or {}).get("batchItemFailures", [])}
        done = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
            for i, m in enumerate(messages)
            if m["MessageId"] not in failed
        ]
        if done:
            self.sqs.delete_message_batch(QueueUrl=self.source.queue_url, Entries=done)
        return len(messages)

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.source.queue_arn,
            "awsRegion": REGION,
        }
