"""Infrastructure-as-code export: both formats hold the plan's documents, pass real checkers
(cfn-lint on every template, python-hcl2 on every configuration) and re-export byte for byte.

The documents are checked by filling the deploy-time references back in (parameter defaults,
account, partition, region) and comparing with what `wizard.policies` builds for `plan`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import hcl2
import pytest
import yaml
from cfnlint.api import ManualArgs, lint
from hcl2.utils import SerializationOptions

from tests.helpers import guide_settings
from wizard.export.cloudformation import render_cloudformation
from wizard.export.terraform import render_terraform
from wizard.policies import PolicyError, provider_arn, push_policy, trust_policy
from wizard.settings import Settings

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROVIDER = provider_arn("aws", ACCOUNT)

SETUPS: dict[str, Settings] = {
    "guide": guide_settings(),
    "any ref (the guide's wide choice)": guide_settings(any_ref=True, tag_mutability="MUTABLE"),
    "every repository of the owner": guide_settings(any_repo_of_owner=True),
    "branches, tags and environments": guide_settings(
        branches=["main", "release/*"], tags=["v*"], environments=["prod", "staging"]
    ),
    "pull requests": guide_settings(pull_requests=True, branches=["develop"]),
    "immutable subject and repository id": guide_settings(
        subject_format="immutable", owner_id="12345", repo_id="67890"
    ),
    "custom subject template": guide_settings(
        sub_claim_keys=["repository_owner_id", "repository_id", "context", "job_workflow_ref"],
        owner_id="12345",
        repo_id="67890",
    ),
    "literal references in names": guide_settings(
        environments=["${AWS::AccountId}", "%{if x}"], branches=["a$b{c"]
    ),
    "mutable with an exclusion, no scan, a thumbprint": guide_settings(
        tag_mutability="MUTABLE_WITH_EXCLUSION",
        mutability_exclusions=["v*", "release-*"],
        scan_on_push=False,
        thumbprints=["6938FD4D98BAB03FAADB97B34396831E3780AEA1"],
    ),
    "ECR Public": guide_settings(public=True),
    "other region": guide_settings(region="eu-west-3", ecr_repository="team/app"),
}
# Each WIDE note of the plan, by setup: a wildcard branch or tag pattern is WIDE too.
WIDE = {
    "any ref (the guide's wide choice)": 1,
    "every repository of the owner": 1,
    "branches, tags and environments": 2,
}


def planned(settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    where = {"partition": "aws", "account_id": ACCOUNT}
    return trust_policy(settings, **where), push_policy(settings, **where)


# --- filling references back in --------------------------------------------------------------


def fill(text: str, values: Mapping[str, str], escapes: Mapping[str, str]) -> str:
    """Replace each reference by its value and each escape by what it stands for, left to right
    (a literal `$${var.x}` must stay a literal)."""
    alternatives = "|".join(re.escape(e) for e in escapes)
    pattern = re.compile(rf"{alternatives}|\$\{{([^}}]+)\}}")

    def one(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return escapes[match.group(0)]
        return values[match.group(1)]

    return pattern.sub(one, text)


# --- CloudFormation ---------------------------------------------------------------------------


def cfn_values(template: dict[str, Any], region: str) -> dict[str, str]:
    values = {name: str(p.get("Default", "")) for name, p in template["Parameters"].items()}
    values |= {
        "AWS::Partition": "aws",
        "AWS::AccountId": ACCOUNT,
        "AWS::Region": region,
        "AWS::URLSuffix": "amazonaws.com",
    }
    return values


def cfn_resolve(node: Any, values: Mapping[str, str]) -> Any:
    """Fn::Sub, Ref to parameters and the provider's Fn::If as CloudFormation would, with the
    provider passed in as ExistingOidcProviderArn."""
    if isinstance(node, list):
        return [cfn_resolve(n, values) for n in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Fn::Sub"}:
        return fill(node["Fn::Sub"], values, {"${!": "${"})
    if set(node) == {"Fn::If"}:
        condition, _created, existing = node["Fn::If"]
        assert condition == "CreateOidcProvider"
        return cfn_resolve(existing, values)
    if set(node) == {"Ref"}:
        return values[node["Ref"]]
    return {k: cfn_resolve(v, values) for k, v in node.items()}


def cfn_errors(text: str) -> list[str]:
    found = lint(text, config=ManualArgs(regions=[REGION]))
    return [f"{m.rule.id} {m.message}" for m in found]


@pytest.mark.parametrize("name", list(SETUPS))
def test_cloudformation_passes_cfn_lint_and_holds_the_plan_s_documents(name: str) -> None:
    settings = SETUPS[name]
    text = render_cloudformation(settings)
    # No error, and no warning either: warnings are where templates go wrong next.
    assert cfn_errors(text) == []
    template = yaml.safe_load(text)
    values = cfn_values(template, settings.region) | {"ExistingOidcProviderArn": PROVIDER}
    resources = template["Resources"]
    trust, push = planned(settings)
    role = resources["GitHubActionsRole"]["Properties"]
    assert cfn_resolve(role["AssumeRolePolicyDocument"], values) == trust
    policy = resources["EcrPushPolicy"]
    assert policy["Type"] == "AWS::IAM::Policy"
    assert cfn_resolve(policy["Properties"]["PolicyDocument"], values) == push
    assert policy["Properties"]["Roles"] == [{"Ref": "GitHubActionsRole"}]
    assert cfn_resolve(role["RoleName"], values) == settings.role_name
    assert cfn_resolve(policy["Properties"]["PolicyName"], values) == settings.policy_name
    for resource in ("GitHubActionsRole", "EcrRepository", "GitHubOidcProvider"):
        assert {"Key": "created-by", "Value": "ecr-oidc-wizard"} in resources[resource][
            "Properties"
        ]["Tags"]
    assert set(template["Outputs"]) >= {"RoleArn", "OidcProviderArn"}


@pytest.mark.parametrize("name", [n for n in SETUPS if not SETUPS[n].public])
def test_cloudformation_repository_has_the_step_s_settings(name: str) -> None:
    settings = SETUPS[name]
    template = yaml.safe_load(render_cloudformation(settings))
    repository = template["Resources"]["EcrRepository"]
    assert repository["Type"] == "AWS::ECR::Repository"
    properties = repository["Properties"]
    assert properties["ImageTagMutability"] == settings.tag_mutability
    filters = properties.get("ImageTagMutabilityExclusionFilters", [])
    expected = settings.mutability_exclusions if "EXCLUSION" in settings.tag_mutability else []
    assert [f["ImageTagMutabilityExclusionFilterValue"] for f in filters] == expected
    assert all(f["ImageTagMutabilityExclusionFilterType"] == "WILDCARD" for f in filters)
    assert properties["ImageScanningConfiguration"] == {"ScanOnPush": settings.scan_on_push}
    assert template["Outputs"]["RepositoryUri"]["Value"] == {
        "Fn::GetAtt": ["EcrRepository", "RepositoryUri"]
    }


def test_cloudformation_provider_is_created_or_reused_by_a_condition() -> None:
    template = yaml.safe_load(render_cloudformation(guide_settings()))
    assert template["Conditions"]["CreateOidcProvider"] == {
        "Fn::Equals": [{"Ref": "ExistingOidcProviderArn"}, ""]
    }
    provider = template["Resources"]["GitHubOidcProvider"]
    assert provider["Condition"] == "CreateOidcProvider"
    assert provider["Properties"]["Url"] == "https://token.actions.githubusercontent.com"
    assert template["Parameters"]["ExistingOidcProviderArn"]["Default"] == ""
    reused = yaml.safe_load(render_cloudformation(guide_settings(), existing_provider_arn=PROVIDER))
    assert reused["Parameters"]["ExistingOidcProviderArn"]["Default"] == PROVIDER
    pattern = template["Parameters"]["ExistingOidcProviderArn"]["AllowedPattern"]
    assert re.fullmatch(pattern, PROVIDER) and re.fullmatch(pattern, "")
    assert not re.fullmatch(pattern, f"arn:aws:iam::{ACCOUNT}:oidc-provider/example.com")


def test_cloudformation_scope_and_repository_are_parameters() -> None:
    settings = SETUPS["branches, tags and environments"]
    template = yaml.safe_load(render_cloudformation(settings))
    parameters = template["Parameters"]
    assert parameters["GitHubOwner"]["Default"] == "UNGlobalPlatform"
    assert parameters["GitHubRepositoryName"]["Default"] == "images-datascience"
    assert parameters["EcrRepositoryName"]["Default"] == "onyxia-eostat"
    assert [parameters[f"Environment{i}"]["Default"] for i in (1, 2)] == ["prod", "staging"]
    # A wildcard stays literal: it decides StringLike over StringEquals.
    assert parameters["Branch1"]["Default"] == "main" and "Branch2" not in parameters
    values = cfn_values(template, REGION) | {
        "ExistingOidcProviderArn": PROVIDER,
        "GitHubOwner": "octo-org",
        "Branch1": "trunk",
    }
    trust = cfn_resolve(template["Resources"]["GitHubActionsRole"]["Properties"], values)
    subs = trust["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["StringLike"]
    assert "repo:octo-org/images-datascience:ref:refs/heads/trunk" in next(iter(subs.values()))


# --- Terraform --------------------------------------------------------------------------------


def tf_parse(text: str) -> dict[str, Any]:
    options = SerializationOptions(strip_string_quotes=True, with_comments=False)
    parsed: dict[str, Any] = hcl2.loads(text, serialization_options=options)
    return parsed


def tf_blocks(parsed: dict[str, Any], kind: str) -> dict[tuple[str, ...], dict[str, Any]]:
    """`resource "aws_iam_role" "x" {...}` as {("aws_iam_role", "x"): {...}}."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for entry in parsed.get(kind, []):
        for first, inner in entry.items():
            if kind in ("variable", "output"):
                out[(first.strip('"'),)] = inner
                continue
            for second, body in inner.items():
                out[(first.strip('"'), second.strip('"'))] = body
    return out


def tf_unquote(node: Any) -> Any:
    if isinstance(node, dict):
        return {k.strip('"'): tf_unquote(v) for k, v in node.items() if k != "__is_block__"}
    if isinstance(node, list):
        return [tf_unquote(v) for v in node]
    return node


def tf_values(parsed: dict[str, Any], region: str, provider: str) -> dict[str, str]:
    values = {
        f"var.{name[0]}": str(body["default"])
        for name, body in tf_blocks(parsed, "variable").items()
    }
    values = {k: fill(v, {}, {"$${": "${", "%%{": "%{"}) for k, v in values.items()}
    return values | {
        "data.aws_partition.current.partition": "aws",
        "data.aws_partition.current.dns_suffix": "amazonaws.com",
        "data.aws_caller_identity.current.account_id": ACCOUNT,
        "data.aws_region.current.region": region,
        provider: PROVIDER,
    }


def tf_resolve(node: Any, values: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: tf_resolve(v, values) for k, v in node.items()}
    if isinstance(node, list):
        return [tf_resolve(v, values) for v in node]
    if isinstance(node, str):
        return fill(node, values, {"$${": "${", "%%{": "%{"})
    return node


@pytest.mark.parametrize("existing", [False, True], ids=["new provider", "existing provider"])
@pytest.mark.parametrize("name", list(SETUPS))
def test_terraform_parses_and_holds_the_plan_s_documents(name: str, existing: bool) -> None:
    settings = SETUPS[name]
    parsed = tf_parse(render_terraform(settings, existing_provider=existing))
    provider = (
        "data.aws_iam_openid_connect_provider.github.arn"
        if existing
        else "aws_iam_openid_connect_provider.github.arn"
    )
    values = tf_values(parsed, settings.region, provider)
    local_values = tf_unquote(parsed["locals"][0])
    trust, push = planned(settings)
    assert tf_resolve(local_values["trust_policy"], values) == trust
    assert tf_resolve(local_values["push_policy"], values) == push
    resources = tf_blocks(parsed, "resource")
    role = resources[("aws_iam_role", "github_actions")]
    assert role["assume_role_policy"] == "${jsonencode(local.trust_policy)}"
    assert tf_resolve(role["name"], values) == settings.role_name
    # The wizard's tag, and that Terraform manages the role (destroy leaves it to Terraform).
    assert tf_unquote(role["tags"]) == {"created-by": "ecr-oidc-wizard", "managed-by": "terraform"}
    role_policy = resources[("aws_iam_role_policy", "ecr_push")]
    assert role_policy["policy"] == "${jsonencode(local.push_policy)}"
    assert role_policy["role"] == "${aws_iam_role.github_actions.id}"
    assert tf_resolve(role_policy["name"], values) == settings.policy_name
    data = tf_blocks(parsed, "data")
    if existing:
        assert ("aws_iam_openid_connect_provider", "github") not in resources
        assert data[("aws_iam_openid_connect_provider", "github")]["url"] == (
            "https://token.actions.githubusercontent.com"
        )
    else:
        created = resources[("aws_iam_openid_connect_provider", "github")]
        assert tf_resolve(created["client_id_list"], values) == ["sts.amazonaws.com"]
        assert created["thumbprint_list" if settings.thumbprints else "url"]
    assert set(tf_blocks(parsed, "output")) == {
        ("role_arn",),
        ("repository_uri",),
        ("oidc_provider_arn",),
    }


@pytest.mark.parametrize("name", [n for n in SETUPS if not SETUPS[n].public])
def test_terraform_repository_has_the_step_s_settings(name: str) -> None:
    settings = SETUPS[name]
    parsed = tf_parse(render_terraform(settings))
    repository = tf_blocks(parsed, "resource")[("aws_ecr_repository", "this")]
    assert repository["image_tag_mutability"] == settings.tag_mutability
    filters = repository.get("image_tag_mutability_exclusion_filter", [])
    expected = settings.mutability_exclusions if "EXCLUSION" in settings.tag_mutability else []
    assert [f["filter"] for f in filters] == expected
    assert all(f["filter_type"] == "WILDCARD" for f in filters)
    assert repository["image_scanning_configuration"][0]["scan_on_push"] is settings.scan_on_push


@pytest.mark.parametrize("values_as", ["secrets", "variables"])
def test_terraform_github_side_sets_what_step_5_sets(values_as: str) -> None:
    settings = guide_settings(github_values_as=values_as)
    parsed = tf_parse(render_terraform(settings, github=True))
    resources = tf_blocks(parsed, "resource")
    kind = "github_actions_secret" if values_as == "secrets" else "github_actions_variable"
    name_key, value_key = (
        ("secret_name", "plaintext_value") if values_as == "secrets" else ("variable_name", "value")
    )
    arn = resources[(kind, "aws_role_arn")]
    region = resources[(kind, "aws_region")]
    assert (arn[name_key], arn[value_key]) == ("AWS_ROLE_ARN", "${aws_iam_role.github_actions.arn}")
    assert (region[name_key], region[value_key]) == (
        "AWS_REGION",
        "${data.aws_region.current.region}",
    )
    assert arn["repository"] == "${var.github_repository_name}"
    providers = tf_unquote(parsed["terraform"][0]["required_providers"][0])
    assert providers["github"]["source"] == "integrations/github"
    assert "github" not in tf_unquote(
        tf_parse(render_terraform(settings))["terraform"][0]["required_providers"][0]
    )


# --- both formats -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partition", "suffix", "region"),
    [
        ("aws-cn", "amazonaws.com.cn", "cn-north-1"),
        ("aws-us-gov", "amazonaws.com", "us-gov-west-1"),
    ],
)
def test_other_partitions_get_their_own_arns_and_audience(
    partition: str, suffix: str, region: str
) -> None:
    """One export serves every partition: `plan` in China builds sts.amazonaws.com.cn and
    arn:aws-cn ARNs, and the deployed export resolves to exactly those."""
    settings = guide_settings(region=region, environments=["prod"])
    where = {"partition": partition, "account_id": ACCOUNT}
    trust, push = trust_policy(settings, **where), push_policy(settings, **where)
    arn = provider_arn(partition, ACCOUNT)
    template = yaml.safe_load(render_cloudformation(settings))
    values = cfn_values(template, region) | {
        "AWS::Partition": partition,
        "AWS::URLSuffix": suffix,
        "ExistingOidcProviderArn": arn,
    }
    role = template["Resources"]["GitHubActionsRole"]["Properties"]
    assert cfn_resolve(role["AssumeRolePolicyDocument"], values) == trust
    policy = template["Resources"]["EcrPushPolicy"]["Properties"]["PolicyDocument"]
    assert cfn_resolve(policy, values) == push
    parsed = tf_parse(render_terraform(settings))
    tf = tf_values(parsed, region, "aws_iam_openid_connect_provider.github.arn") | {
        "data.aws_partition.current.partition": partition,
        "data.aws_partition.current.dns_suffix": suffix,
        "aws_iam_openid_connect_provider.github.arn": arn,
    }
    local_values = tf_unquote(parsed["locals"][0])
    assert tf_resolve(local_values["trust_policy"], tf) == trust
    assert tf_resolve(local_values["push_policy"], tf) == push


def test_ecr_public_is_held_to_us_east_1_in_both_formats() -> None:
    template = yaml.safe_load(render_cloudformation(guide_settings(public=True)))
    assert template["Resources"]["EcrRepository"]["Type"] == "AWS::ECR::PublicRepository"
    rule = template["Rules"]["EcrPublicInUsEast1"]["Assertions"][0]["Assert"]
    assert rule == {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
    parsed = tf_parse(render_terraform(guide_settings(public=True)))
    assert ("aws_ecrpublic_repository", "this") in tf_blocks(parsed, "resource")
    region = tf_blocks(parsed, "variable")[("region",)]
    assert "us-east-1" in region["validation"][0]["condition"]


def test_github_enterprise_server_sets_the_provider_s_base_url() -> None:
    settings = guide_settings(github_api_url="https://ghe.example.com/api/v3")
    parsed = tf_parse(render_terraform(settings, github=True))
    provider = next(p["github"] for p in parsed["provider"] if "github" in p)
    assert provider["base_url"] == "https://ghe.example.com/api/v3/"


@pytest.mark.parametrize("name", list(SETUPS))
def test_re_export_gives_the_same_bytes(name: str) -> None:
    first = (render_cloudformation(SETUPS[name]), render_terraform(SETUPS[name], github=True))
    again = Settings.from_dict(SETUPS[name].to_dict())
    assert (render_cloudformation(again), render_terraform(again, github=True)) == first


@pytest.mark.parametrize("name", list(SETUPS))
def test_wide_scopes_carry_the_plan_s_wide_markers_as_comments(name: str) -> None:
    for text in (render_cloudformation(SETUPS[name]), render_terraform(SETUPS[name])):
        comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
        marked = [c for c in comments if c.startswith("# WIDE:")]
        # In the header and again above the role.
        assert len(marked) == 2 * WIDE.get(name, 0), comments
        code = [line for line in text.splitlines() if not line.strip().startswith("#")]
        assert not any("WIDE" in line for line in code)


def test_a_document_plan_refuses_is_not_exported() -> None:
    too_many = guide_settings(branches=[f"feature/branch-number-{i}" for i in range(60)])
    with pytest.raises(PolicyError):
        trust_policy(too_many, partition="aws", account_id=ACCOUNT)
    for render in (render_cloudformation, render_terraform):
        with pytest.raises(PolicyError, match="trust policy"):
            render(too_many)
