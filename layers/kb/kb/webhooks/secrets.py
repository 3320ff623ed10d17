"""Webhook signing secrets, as SSM SecureString parameters: the table holds only their names.
Reads go through Powertools Parameters (cached for a few minutes per warm sandbox); only the
sender reads, so the provider is imported and built on the first read."""

import base64
import secrets
from functools import cached_property
from typing import Any

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class SecretStore:
    def __init__(self, ssm: Any, prefix: str) -> None:
        self.ssm = ssm
        self.prefix = prefix.rstrip("/")

    @cached_property
    def provider(self) -> Any:
        from aws_lambda_powertools.utilities import parameters

        return parameters.SSMProvider(boto3_client=self.ssm)

    def put(self, webhook_id: str, version: str, secret: str) -> str:
        name = f"{self.prefix}/{webhook_id}/{version}"
        self.ssm.put_parameter(Name=name, Value=secret, Type="SecureString", Overwrite=False)
        return name

    def get(self, name: str) -> str:
        value = self.provider.get(name, decrypt=True, max_age=300)
        return str(value)

    def delete(self, *names: str | None) -> None:
        for name in names:
            if name:
                self.ssm.delete_parameter(Name=name)
