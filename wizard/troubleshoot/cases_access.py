"""Catalogue entries: access denied, and IAM documents and resources that already exist."""

from __future__ import annotations

from wizard.troubleshoot.case import (
    _DOCKER,
    _DOCTOR,
    _GITHUB_OIDC_AWS,
    _NOT_AUTHORIZED,
    _PERMISSION,
    _PLACEHOLDER,
    _PUSH_ACTIONS,
    _REAPPLY_PUSH,
    _REAPPLY_TRUST,
    _WHOAMI,
    Case,
    Cause,
    _any,
    _words,
)

ACCESS: tuple[Case, ...] = (
    # --- Access denied -------------------------------------------------------------------------
    Case(
        id="explicit-deny",
        source="AWS IAM policy evaluation (every service)",
        link="https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html",
        causes=(
            Cause(
                key="scp",
                text="A service control policy of the AWS organisation denies it.",
                check="Does the message say 'in a service control policy'?",
                hint=r"service control policy",
            ),
            Cause(
                key="boundary",
                text="A permissions boundary on the role or user denies it.",
                check="Does the message say 'in a permissions boundary'?",
                hint=r"permissions boundary",
            ),
            Cause(
                key="resource-policy",
                text="The repository policy (a resource-based policy) denies it.",
                check="Does the message say 'in a resource-based policy'?",
                hint=r"resource-based policy",
            ),
            Cause(
                key="identity-policy",
                text="A Deny statement in a policy attached to the identity.",
                check="Does the message say 'in an identity-based policy'?",
                hint=r"identity-based policy",
            ),
        ),
        examples=(
            "User: arn:aws:sts::123456789012:assumed-role/gha/GitHubActions is not authorized to "
            "perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/web "
            "with an explicit deny in a service control policy",
        ),
        title="An explicit Deny blocks {missing_permission}",
        cause=(
            "A Deny statement wins over every Allow. The message says where it is: a service "
            "control policy of your AWS organisation, a permissions boundary, a session "
            "policy, an identity-based policy, or a resource-based policy such as the "
            "repository policy."
        ),
        fix=(
            "Adding an Allow for {missing_permission} will not help. Ask whoever owns that "
            "Deny (for a service control policy: your organisation's administrators) for an "
            "exception, or run with an identity the Deny does not cover, then re-run."
        ),
        commands=(_WHOAMI,),
        match=((_NOT_AUTHORIZED + _PERMISSION, r"with an explicit deny"),),
        names_permission=True,
    ),
    Case(
        id="push-policy-denied",
        source="Amazon ECR, shown by " + _DOCKER + " and amazon-ecr-login",
        link="https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
        causes=(
            Cause(
                key="cross-account",
                text=(
                    "The repository is in another account than the role: that account's "
                    "repository policy must allow the role as well (an identity policy alone "
                    "is not enough)."
                ),
                check=(
                    "Does the account in the repository ARN differ from the account in the "
                    "assumed-role ARN? 'no resource-based policy allows' in the message says so."
                ),
                hint=(
                    r"no resource-based policy allows|"
                    r"arn:aws[a-z-]{0,10}:sts::(\d{12}):assumed-role/\S{1,200}\s{1,5}"
                    r"is not authorized to perform:?\s{1,5}ecr:\w{1,60} on resource:"
                    r"\s{0,3}arn:aws[a-z-]{0,10}:ecr:[a-z0-9-]{1,30}:(?!\1)\d{12}:"
                ),
            ),
            Cause(
                key="missing-action",
                text="The push policy does not list {missing_permission}.",
                check=(
                    "Does policy {policy_name} of role {role_name} list {missing_permission}? "
                    "'no identity-based policy allows' in the message says it does not."
                ),
                hint=r"no identity-based policy allows",
            ),
            Cause(
                key="arn-other",
                text=(
                    "The policy's Resource names another region, account or repository than the "
                    "one in the message."
                ),
                check="Is the policy's Resource exactly the repository ARN in the message?",
            ),
            Cause(
                key="token-on-repository",
                text=(
                    "ecr:GetAuthorizationToken is allowed only on the repository ARN; it must be "
                    'on Resource "*".'
                ),
                check="Is the refused action ecr:GetAuthorizationToken?",
                hint=r"ecr:GetAuthorizationToken",
            ),
        ),
        examples=(
            "denied: User: arn:aws:sts::123456789012:assumed-role/GitHubActionsPush/GitHubActions "
            "is not authorized to perform: ecr:InitiateLayerUpload on resource: "
            "arn:aws:ecr:us-east-1:123456789012:repository/web because no identity-based policy "
            "allows the ecr:InitiateLayerUpload action",
            "denied: User: arn:aws:sts::111111111111:assumed-role/ci/GitHubActions is not "
            "authorized to perform: ecr:PutImage on resource: "
            "arn:aws:ecr:eu-west-1:222222222222:repository/shared/web because no resource-based "
            "policy allows the ecr:PutImage action",
        ),
        title="The workflow's role is not allowed {missing_permission}",
        cause=(
            "The job assumed the role, so the trust policy is fine, but the role's push policy "
            "does not allow {missing_permission} on the resource in the message. Either the "
            "action is missing from the policy, or the policy's Resource ARN names another "
            "region, account or repository than the message does; for this setup it is "
            "{repository_arn}. "
            'ecr:GetAuthorizationToken is different: it must be allowed on Resource "*".'
        ),
        fix=(
            "Let step 4 rewrite the push policy for the exact repository ARN, or add "
            "{missing_permission} to policy {policy_name} of role {role_name}; then re-run "
            "the workflow."
        ),
        commands=(
            _REAPPLY_PUSH,
            "aws iam list-role-policies --role-name {role_name}",
            "aws iam get-role-policy --role-name {role_name} --policy-name {policy_name}",
        ),
        match=(
            (
                r"assumed-role/(?!AWSReservedSSO_)[^/\s]{1,64}/\S{1,64}\s{1,5}"
                + _NOT_AUTHORIZED
                + r"ecr:(?:"
                + _PUSH_ACTIONS
                + r")\b",
            ),
        ),
        unless=("explicit-deny",),
        names_permission=True,
    ),
    Case(
        id="caller-lacks-permission",
        source="AWS IAM policy evaluation (every service)",
        link="https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html",
        examples=(
            "An error occurred (AccessDenied) when calling the CreateRole operation: User: "
            "arn:aws:iam::123456789012:user/dev is not authorized to perform: iam:CreateRole on "
            "resource: arn:aws:iam::123456789012:role/gha",
        ),
        title="Your AWS identity lacks {missing_permission}",
        cause=(
            "The identity you run with may not call {missing_permission}: no policy attached "
            "to it allows that action on the resource in the message."
        ),
        fix=(
            "Add {missing_permission} to a policy of that identity (or ask your AWS "
            "administrator to), then re-run the same command. get-caller-identity shows which "
            "identity it is; the simulation confirms the fix."
        ),
        commands=(
            _WHOAMI,
            "aws iam simulate-principal-policy --policy-source-arn {principal_arn} "
            "--action-names {missing_permission}",
        ),
        match=_any(_NOT_AUTHORIZED + r"(?!sts:AssumeRoleWithWebIdentity\b)" + _PERMISSION),
        unless=(
            "session-tag-denied",
            "chained-assume-denied",
            "ecr-public-denied",
            "explicit-deny",
            "push-policy-denied",
        ),
        names_permission=True,
    ),
    Case(
        id="access-denied",
        source="AWS IAM policy evaluation (every service)",
        link="https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html",
        examples=(
            "An error occurred (AccessDenied) when calling the ListRoles operation: Access Denied",
            "AccessDeniedException: User is not authorized to perform this action",
        ),
        title="AWS refused the call (access denied)",
        cause=(
            "The identity that made the call is not allowed to make it. Run from your "
            "machine, your own identity lacks a permission. In a workflow log, the role's push "
            "policy lacks the action or names another region, account or repository. (A "
            "refused trust policy shows differently: Not authorized to perform "
            "sts:AssumeRoleWithWebIdentity.)"
        ),
        fix=(
            "Find which identity made the call and which action was refused (the full message "
            "names both), then allow that action. For the workflow's role, step 4 writes the "
            "push policy."
        ),
        commands=(_WHOAMI, _DOCTOR, _REAPPLY_PUSH),
        match=_any(
            _words("AccessDenied", "AccessDeniedException"),
            r"\bis not authorized to perform\b",
            r"\bUser is not authorized\b",
        ),
        # The generic reading only when no specific one (naming the action) matched.
        unless=(
            "assume-role-denied",
            "session-tag-denied",
            "chained-assume-denied",
            "ecr-public-denied",
            "caller-lacks-permission",
            "push-policy-denied",
            "explicit-deny",
        ),
        names_permission=True,
    ),
    # --- IAM documents and existing resources --------------------------------------------------
    Case(
        id="trust-policy-needs-sub",
        title="IAM refuses a GitHub trust policy that does not check sub",
        cause=(
            "IAM no longer accepts a role trust policy for a shared OIDC provider such as "
            "GitHub's without a condition on the sub claim: without it, any repository on GitHub "
            "could assume the role."
        ),
        fix=(
            "Add a sub condition naming your repository and its refs or environments (step 3 "
            "writes one); never a bare * or an owner wildcard you do not control."
        ),
        commands=("ecr-oidc-wizard plan --only 3", _REAPPLY_TRUST),
        match=(
            (
                _words(
                    "MalformedPolicyDocument", "MalformedPolicyDocumentException", "InvalidInput"
                ),
                r"token\.actions\.githubusercontent\.com",
                r"\bsub\b",
            ),
        ),
        source="AWS IAM CreateRole / UpdateAssumeRolePolicy",
        link=(
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "id_roles_providers_oidc_secure-by-default.html"
        ),
        examples=(
            "An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: "
            "Condition must contain a token.actions.githubusercontent.com:sub key with a scoped "
            "value for this identity provider",
        ),
    ),
    Case(
        id="policy-placeholders",
        source="AWS IAM CreateRole / PutRolePolicy (MalformedPolicyDocument)",
        link=(
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
        ),
        examples=(
            "An error occurred (MalformedPolicyDocument) when calling the PutRolePolicy "
            'operation: Partition "aws" is not valid for resource '
            '"arn:aws:ecr:REGION:ACCOUNT_ID:repository/onyxia-eostat".',
        ),
        title="A policy document still holds the guide's placeholders",
        cause=(
            "The document sent to IAM contains ACCOUNT_ID or REGION literally, as copied from "
            "the guide, so its ARNs are invalid."
        ),
        fix=(
            "Let the wizard build the documents with your values (account {account_id}, region "
            "{region}): step 3 for the trust policy, step 4 for the push policy. If you edit "
            "the guide's files by hand, replace every placeholder first."
        ),
        commands=(
            "aws sts get-caller-identity --query Account --output text",
            "grep -nE 'ACCOUNT_ID|REGION' github-actions-trust-policy.json ecr-push-policy.json",
            _REAPPLY_TRUST,
            _REAPPLY_PUSH,
        ),
        match=(
            (_words("MalformedPolicyDocument", "MalformedPolicyDocumentException"), _PLACEHOLDER),
            (r"arn:[^\s\"']{0,200}?" + _PLACEHOLDER,),
        ),
    ),
    Case(
        id="malformed-policy",
        source="AWS IAM CreateRole / PutRolePolicy (MalformedPolicyDocument)",
        link="https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html",
        examples=(
            "An error occurred (MalformedPolicyDocument) when calling the PutRolePolicy "
            "operation: Policy document should not specify a principal.",
            "An error occurred (MalformedPolicyDocument) when calling the CreateRole operation: "
            "Syntax errors in policy.",
        ),
        title="IAM rejected a policy document",
        cause=(
            "The document is not a valid policy of its kind: broken JSON, a trust policy sent "
            "where a permission policy belongs (Policy document should not specify a "
            "principal) or the reverse, an invalid principal or ARN, or an unknown condition "
            "key."
        ),
        fix=(
            "Let the wizard build both documents: step 3 writes the trust policy, step 4 the "
            "push policy, and plan shows them before anything is sent."
        ),
        commands=("ecr-oidc-wizard plan --only 3,4", _REAPPLY_TRUST, _REAPPLY_PUSH),
        match=_any(
            _words("MalformedPolicyDocument", "MalformedPolicyDocumentException"),
            r"Syntax errors in policy",
            r"Invalid principal in policy",
            r"Policy document should not specify a principal",
        ),
        unless=("trust-policy-needs-sub",),
    ),
    # --- CloudFormation StackSets (rollout) ------------------------------------------------------
    # Reasons as ListStackSetOperationResults and ListStackInstances report them (StatusReason,
    # AccountGateResult.StatusReason); wording from CloudFormation's API reference examples and
    # its StackSets troubleshooting guide.
    Case(
        id="stackset-provider-exists",
        title="GitHub's OIDC provider already exists in account {account_id}",
        cause=(
            "The stack in that account tried to create the provider for "
            "{issuer_url}, and IAM keeps one per URL per account: another "
            "tool, team or an earlier setup made it there."
        ),
        fix=(
            "Roll out again naming that account as one that has the provider: its stack then "
            "reuses it (the template's ExistingOidcProviderArn parameter). Never delete it: "
            "other roles may trust it."
        ),
        commands=(
            "ecr-oidc-wizard rollout apply --accounts ... --regions ... "
            "--existing-provider-accounts {account_id}",
        ),
        match=(
            (
                r"Provider with url",
                r"already exists",
                r"ResourceStatusReason|ResourceLogicalId|AWS::IAM::OIDCProvider|stack ?set",
            ),
        ),
        source="AWS CloudFormation StackSets (operation results, stack instances)",
        link=(
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
            "stacksets-troubleshooting.html"
        ),
        examples=(
            "ResourceLogicalId:GitHubOidcProvider, ResourceType:AWS::IAM::OIDCProvider, "
            'ResourceStatusReason:Resource handler returned message: "Provider with url '
            "https://token.actions.githubusercontent.com already exists. (Service: Iam, Status "
            'Code: 409)"',
        ),
    ),
    Case(
        id="stackset-roles-missing",
        title="StackSets cannot reach account {account_id} (self-managed roles)",
        cause=(
            "With self-managed permissions, CloudFormation assumes "
            "AWSCloudFormationStackSetAdministrationRole in this account, which assumes "
            "AWSCloudFormationStackSetExecutionRole in each target account. One of them is "
            "missing, or its trust policy does not name the other."
        ),
        fix=(
            "Create the administration role in this account and the execution role (trusting "
            "this account) in each target account, from AWS's sample templates, then re-run the "
            "roll-out; instances already done are left as they are."
        ),
        commands=(
            "aws cloudformation create-stack --stack-name StackSetAdministrationRole "
            "--capabilities CAPABILITY_NAMED_IAM --template-url https://s3.amazonaws.com/"
            "cloudformation-stackset-sample-templates-us-east-1/"
            "AWSCloudFormationStackSetAdministrationRole.yml",
            "ADMIN_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)",
            "aws cloudformation create-stack --stack-name StackSetExecutionRole "
            "--capabilities CAPABILITY_NAMED_IAM --parameters "
            "ParameterKey=AdministratorAccountId,ParameterValue=$ADMIN_ACCOUNT "
            "--template-url https://s3.amazonaws.com/cloudformation-stackset-sample-templates-"
            "us-east-1/AWSCloudFormationStackSetExecutionRole.yml  # in {account_id}",
        ),
        match=_any(
            r"AWSCloudFormationStackSet(?:Administration|Execution)Role'? role with trust",
            r"should have '[\w+=,.@-]{1,64}' role with trust relationship",
        ),
        source="AWS CloudFormation StackSets (operation results, stack instances)",
        link=(
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
            "stacksets-troubleshooting.html"
        ),
        examples=(
            "Account 111111111111 should have 'AWSCloudFormationStackSetAdministrationRole' role "
            "with trust relationship to CloudFormation service.",
            "Account 111111111111 should have 'AWSCloudFormationStackSetExecutionRole' role with "
            "trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'.",
        ),
    ),
    Case(
        id="stackset-organizations-access",
        title="StackSets' trusted access with AWS Organizations is off",
        cause=(
            "Service-managed stack sets need trusted access between CloudFormation StackSets "
            "and Organizations, turned on from the management account (or a delegated "
            "administrator registered for StackSets)."
        ),
        fix=(
            "Activate it once from the management account, or run from the delegated "
            "administrator account with --delegated-admin; then re-run the roll-out."
        ),
        commands=(
            "aws cloudformation activate-organizations-access",
            "aws organizations list-delegated-administrators "
            "--service-principal member.org.stacksets.cloudformation.amazonaws.com",
        ),
        match=_any(
            r"enable (?:trusted|organizations) access",
            r"organizations access (?:is )?not (?:enabled|activated)",
            _words("AWSOrganizationsNotInUseException"),
        ),
        source="AWS CloudFormation StackSets (operation results, stack instances)",
        link=(
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
            "stacksets-troubleshooting.html"
        ),
        examples=(
            "An error occurred (ValidationError) when calling the CreateStackSet operation: You "
            "must enable organizations access to operate a service managed stack set",
        ),
    ),
    Case(
        id="stackset-tolerance-exceeded",
        title="CloudFormation stopped the roll-out: failure tolerance exceeded",
        cause=(
            "More accounts failed in a region than the failure tolerance allows, so "
            "CloudFormation cancelled the instances it had not started. These instances did "
            "not fail themselves."
        ),
        fix=(
            "Fix the instance that failed first (its own reason is listed), then re-run: only "
            "instances that are missing or not CURRENT are sent again. Raise "
            "--failure-tolerance-count only if partial roll-outs are acceptable."
        ),
        commands=("ecr-oidc-wizard rollout plan --accounts ... --regions ...",),
        match=_any(r"failure tolerance ha(?:s|ve) exceeded", r"failure tolerance exceeded"),
        source="AWS CloudFormation StackSets (operation results, stack instances)",
        link=(
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
            "stacksets-troubleshooting.html"
        ),
        examples=("Cancelled since failure tolerance has exceeded",),
    ),
    Case(
        id="stackset-operation-in-progress",
        title="Another operation is running on this stack set",
        cause=(
            "A stack set runs one operation at a time unless managed execution is on: someone "
            "else, or an earlier run, is still rolling it out."
        ),
        fix="Wait for it to finish (the command below lists it), then re-run the roll-out.",
        commands=(
            "aws cloudformation list-stack-set-operations --stack-set-name ecr-oidc-wizard"
            "  # or your --stack-set-name",
        ),
        match=_any(_words("OperationInProgressException"), r"Another Operation on StackSet"),
        source="AWS CloudFormation StackSets (operation results, stack instances)",
        link=(
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
            "stacksets-troubleshooting.html"
        ),
        examples=(
            "An error occurred (OperationInProgressException) when calling the "
            "CreateStackInstances operation: Another Operation on StackSet "
            "arn:aws:cloudformation:us-east-1:123456789012:stackset/ecr-oidc-wizard:1 is in "
            "progress",
        ),
    ),
    Case(
        id="provider-exists",
        source="AWS IAM CreateOpenIDConnectProvider",
        link=_GITHUB_OIDC_AWS,
        examples=(
            "An error occurred (EntityAlreadyExists) when calling the "
            "CreateOpenIDConnectProvider operation: Provider with url "
            "https://token.actions.githubusercontent.com already exists.",
        ),
        title="The GitHub OIDC provider already exists in this account",
        cause=(
            "An account holds one IAM OIDC provider per URL, and one for "
            "{issuer_url} is already there (from the guide, another "
            "tool or another team)."
        ),
        fix=(
            "Reuse it: step 2 finds the existing provider and only adds the {audience} client "
            "ID if it lacks it. Do not delete it: other roles may trust it."
        ),
        commands=(
            "aws iam list-open-id-connect-providers",
            "aws iam get-open-id-connect-provider --open-id-connect-provider-arn {provider_arn}",
            "ecr-oidc-wizard apply --only 2",
        ),
        match=(
            (
                _words("EntityAlreadyExists", "EntityAlreadyExistsException"),
                r"OpenIDConnect|OpenID Connect|oidc-provider|Provider with url",
            ),
        ),
    ),
    Case(
        id="role-exists",
        source="AWS IAM CreateRole",
        link="https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
        examples=(
            "An error occurred (EntityAlreadyExists) when calling the CreateRole operation: Role "
            "with name GitHubActionsEOStatPush already exists.",
        ),
        title="An IAM role with that name already exists",
        cause=(
            "Role names are unique in an account regardless of case, and a role {role_name} "
            "(perhaps spelled with other capitals) is already there."
        ),
        fix=(
            "Run the step again: it finds the existing role and shows the trust-policy "
            "difference before changing anything (a role the wizard did not create is taken over "
            "only with --adopt-role). Or choose another role name."
        ),
        commands=(
            "aws iam get-role --role-name {role_name} --query Role.AssumeRolePolicyDocument",
            "ecr-oidc-wizard plan --only 3",
        ),
        match=(
            (
                _words("EntityAlreadyExists", "EntityAlreadyExistsException"),
                r"CreateRole|Role with name",
            ),
        ),
    ),
    Case(
        id="role-missing",
        source="AWS IAM GetRole / PutRolePolicy",
        link="https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html",
        examples=(
            "An error occurred (NoSuchEntity) when calling the PutRolePolicy operation: The role "
            "with name GitHubActionsEOStatPush cannot be found.",
        ),
        title="The role does not exist (yet)",
        cause=(
            "IAM has no role {role_name} in this account: step 3, which creates it, has not run "
            "or failed, or the name or the account differs."
        ),
        fix="Create the role first (step 3), then attach the push policy (step 4) again.",
        commands=(
            "aws iam get-role --role-name {role_name}",
            "ecr-oidc-wizard apply --only 3,4",
        ),
        match=(
            (
                _words("NoSuchEntity", "NoSuchEntityException"),
                r"(?i)role (?:with name )?\S+ (?:not found|cannot be found)",
            ),
        ),
    ),
    Case(
        id="role-not-ours",
        source="ecr-oidc-wizard step 3",
        link="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_roles.html",
        examples=(
            "Role GitHubActionsEOStatPush was not created by ecr-oidc-wizard: its trust policy "
            "was left as it is.",
        ),
        title="The role exists and was not made by this wizard: nothing was changed",
        cause=(
            "Role {role_name} already exists without the created-by = ecr-oidc-wizard tag. "
            "Replacing its trust policy would lock out whoever assumes it today, and GitHub "
            "workflows would get every permission it holds."
        ),
        fix=(
            "Choose another role name (--role-name), or, if taking this role over is what you "
            "want, look at what it holds and then take it over: pass --adopt-role."
        ),
        commands=(
            "aws iam get-role --role-name {role_name} --query Role.AssumeRolePolicyDocument",
            "aws iam list-role-policies --role-name {role_name}",
            "aws iam list-attached-role-policies --role-name {role_name}",
            "ecr-oidc-wizard plan --only 3 --adopt-role",
        ),
        match=((r"was not created by ecr-oidc-wizard",),),
    ),
    # --- destroy ------------------------------------------------------------------------------
    Case(
        id="role-delete-conflict",
        title="IAM will not delete the role while something is attached to it",
        cause=(
            "DeleteRole fails with DeleteConflict while the role still has an inline policy, an "
            "attached managed policy or an instance profile. Something was added to role "
            "{role_name} after destroy planned (its plan checks for them)."
        ),
        fix=(
            "See what the role holds now; if it should go, remove those first (they were not "
            "put there by the wizard), then run destroy again. What was removed before stays "
            "removed."
        ),
        commands=(
            "aws iam list-role-policies --role-name {role_name}",
            "aws iam list-attached-role-policies --role-name {role_name}",
            "aws iam list-instance-profiles-for-role --role-name {role_name}",
            "ecr-oidc-wizard destroy",
        ),
        match=((_words("DeleteConflict", "DeleteConflictException"),),),
        source="AWS IAM DeleteRole",
        link="https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html",
        examples=(
            "An error occurred (DeleteConflict) when calling the DeleteRole operation: Cannot "
            "delete entity, must delete policies first.",
        ),
    ),
    Case(
        id="repository-not-empty",
        title="ECR will not delete a repository that holds images",
        cause=(
            "DeleteRepository without force fails with RepositoryNotEmptyException: an image "
            "was pushed to {ecr_repository} after destroy planned (a workflow run, perhaps)."
        ),
        fix=(
            "List the images and copy what you need. Then run destroy again: it shows the "
            "count, and --delete-images deletes them with the repository."
        ),
        commands=(
            "aws ecr list-images --repository-name {ecr_repository} --region {region}",
            "ecr-oidc-wizard destroy --delete-images",
        ),
        match=((_words("RepositoryNotEmptyException"),),),
        source="Amazon ECR DeleteRepository",
        link="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html",
        examples=(
            "An error occurred (RepositoryNotEmptyException) when calling the DeleteRepository "
            "operation: The repository with name 'web' in registry with id '123456789012' cannot "
            "be deleted because it still contains images",
        ),
    ),
    Case(
        id="workflow-file-changed",
        title="The workflow file changed after destroy planned",
        cause=(
            "Someone (or an editor, or a git checkout) changed the workflow file between the "
            "plan and its removal, so it was left as it is."
        ),
        fix="Look at the file; run destroy again to plan with what it holds now.",
        commands=("git status", "ecr-oidc-wizard destroy --only 6"),
        match=((r"changed since the plan was made; it was left as it is",),),
        source="ecr-oidc-wizard destroy",
        link="https://docs.github.com/en/actions/writing-workflows/about-workflows",
        examples=(
            ".github/workflows/build-eostat.yml changed since the plan was made; it was left as "
            "it is",
        ),
    ),
    Case(
        id="limit-exceeded",
        source="AWS IAM and ECR quotas",
        link="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
        examples=(
            "An error occurred (LimitExceeded) when calling the PutRolePolicy operation: Maximum "
            "policy size of 10240 bytes exceeded for role GitHubActionsEOStatPush",
        ),
        title="An AWS quota was reached",
        cause=(
            "The call would pass a fixed limit. The usual ones here: all inline policies of one "
            "role together hold at most 10,240 characters; a trust policy at most 2,048 "
            "(ACLSizePerRole, raisable to 4,096); an OIDC provider at most 5 thumbprints and "
            "100 client IDs; and an account or region has quotas on providers, roles and "
            "repositories."
        ),
        fix=(
            "Read the quota named in the message. For policy size, remove unused inline "
            "policies or merge sub patterns; for counts, delete what is unused or ask for a "
            "quota increase."
        ),
        commands=(
            "aws iam list-role-policies --role-name {role_name}",
            "aws iam list-open-id-connect-providers",
            "aws service-quotas list-service-quotas --service-code ecr --region {region}",
        ),
        match=_any(
            _words("LimitExceeded", "LimitExceededException"),
            r"Cannot exceed quota for",
            r"Maximum policy size of",
        ),
    ),
)
