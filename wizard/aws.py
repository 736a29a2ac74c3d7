"""The one AWS seam: every boto3 client the tool uses is made here, from one session.

The standard credential chain decides who the caller is (environment, profile, SSO, instance
role); the tool never asks for access keys. boto3 itself honours AWS_PROFILE and
AWS_ENDPOINT_URL; `--profile` and `--endpoint-url` override them.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from wizard import __version__

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecr_public import ECRPublicClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_sts import STSClient

# ECR Public's API exists in us-east-1 only, whatever region the private registry is in.
ECR_PUBLIC_REGION = "us-east-1"
# The endpoint prefix botocore's endpoint data uses for ECR's API.
ECR_ENDPOINT_PREFIX = "api.ecr"


@cache
def data_loader() -> Any:
    """One botocore data loader per process: region validation and every session share the
    parsed endpoint data and service models instead of reading them again."""
    import botocore.loaders

    return botocore.loaders.create_loader()


@cache
def ecr_regions() -> frozenset[str]:
    """Regions botocore knows for ECR, across partitions (local data, no network)."""
    from botocore.regions import EndpointResolver

    resolver = EndpointResolver(data_loader().load_data("endpoints"))
    regions: set[str] = set()
    for partition in resolver.get_available_partitions():
        regions.update(resolver.get_available_endpoints(ECR_ENDPOINT_PREFIX, partition))
    return frozenset(regions)


def available_profiles() -> list[str]:
    """The profile names of the AWS config and credentials files, as botocore reads them
    (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE honoured). Names only: no key is read
    into the tool, and none is ever asked for."""
    import botocore.session

    return sorted(str(name) for name in botocore.session.Session().available_profiles)


@dataclass(frozen=True)
class Identity:
    account_id: str
    arn: str
    partition: str


class Aws:
    """Clients for one (profile, region, endpoint), made once each and shared by threads.

    `retry_mode` is botocore's: "standard" retries throttling and transient errors with
    exponential backoff; "adaptive" also rate-limits the client once AWS throttles it, which
    suits runs that send many calls at once (many repositories in one run).
    """

    def __init__(
        self,
        *,
        profile: str = "",
        region: str = "",
        endpoint_url: str = "",
        retry_mode: str = "standard",
        max_pool_connections: int = 10,
    ) -> None:
        # Deferred: importing boto3 costs more than the rest of start-up together.
        import boto3
        import botocore.session
        from botocore.config import Config

        core = botocore.session.Session()
        core.register_component("data_loader", data_loader())
        self.session = boto3.session.Session(
            botocore_session=core, profile_name=profile or None, region_name=region or None
        )
        self.endpoint_url = endpoint_url or None
        attempts = int(os.environ.get("AWS_MAX_ATTEMPTS", "4"))
        self._config = Config(
            retries={"mode": retry_mode, "max_attempts": attempts},  # type: ignore[arg-type]
            user_agent_extra=f"ecr-oidc-wizard/{__version__}",
            # Threads share one client per service; each needs its own connection.
            max_pool_connections=max_pool_connections,
        )
        self._clients: dict[str, Any] = {}
        self._identity: Identity | None = None
        self._lock = threading.Lock()
        self._identity_lock = threading.Lock()

    @property
    def region(self) -> str:
        return self.session.region_name or ""

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                region = ECR_PUBLIC_REGION if service == "ecr-public" else self.region
                self._clients[service] = self.session.client(
                    service,  # type: ignore[call-overload]
                    region_name=region or None,
                    endpoint_url=self.endpoint_url,
                    config=self._config,
                )
            return self._clients[service]

    @property
    def ecr(self) -> ECRClient:
        client: ECRClient = self.client("ecr")
        return client

    @property
    def ecr_public(self) -> ECRPublicClient:
        client: ECRPublicClient = self.client("ecr-public")
        return client

    @property
    def iam(self) -> IAMClient:
        client: IAMClient = self.client("iam")
        return client

    @property
    def sts(self) -> STSClient:
        client: STSClient = self.client("sts")
        return client

    @property
    def cloudformation(self) -> CloudFormationClient:
        client: CloudFormationClient = self.client("cloudformation")
        return client

    @property
    def organizations(self) -> OrganizationsClient:
        client: OrganizationsClient = self.client("organizations")
        return client

    @property
    def known_identity(self) -> Identity | None:
        """The identity if already looked up; never calls AWS."""
        return self._identity

    def identity(self) -> Identity:
        """Who the caller is, asked of STS once per run (threads of one run share the answer)."""
        with self._identity_lock:
            return self._lookup_identity()

    def _lookup_identity(self) -> Identity:
        if self._identity is None:
            answer = self.sts.get_caller_identity()
            arn = answer["Arn"]
            self._identity = Identity(
                account_id=answer["Account"], arn=arn, partition=arn.split(":")[1]
            )
        return self._identity


def default_region(profile: str = "") -> str:
    """The region the standard chain would pick (AWS_REGION, AWS_DEFAULT_REGION, the profile's
    `region`), without any call and without importing botocore: start-up waits for this."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(name):
            return os.environ[name]
    import configparser

    parser = configparser.RawConfigParser()
    path = os.environ.get("AWS_CONFIG_FILE") or os.path.join("~", ".aws", "config")
    try:
        parser.read(os.path.expanduser(path), encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return ""  # an unreadable config is reported by the call that needs it
    name = profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or ""
    sections = [f"profile {name}"] if name and name != "default" else ["default", "profile default"]
    for section in sections:
        if parser.has_option(section, "region"):
            return parser.get(section, "region").strip()
    return ""
