"""`rollout plan|apply`: the setup as one CloudFormation template over many accounts and regions,
through a stack set. The plan lists the instances to create, update or leave and the operation
preferences; apply starts each operation and prints each account and region as it moves."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from wizard.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    emit_json,
    print_lines,
    resolve,
    validate_or_raise,
)
from wizard.render.envelope import error

# The answers the template is built from: the AWS steps' (the GitHub side is per repository).
TEMPLATE_STEPS = (1, 3, 4)


def _words(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 300:
        raise argparse.ArgumentTypeError(
            f"--poll-seconds takes a number of seconds from 0 to 300; got {text!r}"
        )
    return value


def add_rollout_parser(commands: Any, add_target_arguments: Any) -> None:
    text = "roll the setup out to many accounts and regions with CloudFormation StackSets"
    rollout = commands.add_parser("rollout", help=text, description=text)
    actions = rollout.add_subparsers(dest="rollout_action", metavar="plan|apply", required=True)
    for name, about in (
        ("plan", "show the stack set and the instances to create, update or leave; sends nothing"),
        ("apply", "start the operations and follow them per account and region"),
    ):
        sub = actions.add_parser(name, help=about, description=about)
        add_target_arguments(sub)
        where = sub.add_argument_group("where the stack set deploys")
        where.add_argument("--stack-set-name", default=None, help="default: ecr-oidc-wizard")
        where.add_argument(
            "--accounts", type=_words, default=(), metavar="A,B", help="target account IDs"
        )
        where.add_argument(
            "--organizational-units",
            type=_words,
            default=(),
            metavar="OU,...",
            help="target OUs (ou-xxxx-yyyyyyyy or r-xxxx), with --service-managed",
        )
        where.add_argument(
            "--regions", type=_words, default=(), metavar="R,...", help="target regions"
        )
        where.add_argument(
            "--service-managed",
            action="store_true",
            help="service-managed permissions (AWS Organizations); default self-managed",
        )
        where.add_argument("--delegated-admin", action="store_true", help="CallAs DELEGATED_ADMIN")
        where.add_argument(
            "--auto-deployment",
            action="store_true",
            help="deploy to accounts that join the OUs later (service-managed)",
        )
        where.add_argument(
            "--existing-provider-accounts",
            type=_words,
            default=(),
            metavar="A,...",
            help="accounts that already have GitHub's OIDC provider: their stacks reuse it",
        )
        where.add_argument("--administration-role-arn", default="", help="self-managed only")
        where.add_argument("--execution-role-name", default="", help="self-managed only")
        how = sub.add_argument_group("how fast (StackSets operation preferences)")
        how.add_argument("--failure-tolerance-count", type=int, default=None, metavar="N")
        how.add_argument("--failure-tolerance-percentage", type=int, default=None, metavar="P")
        how.add_argument("--max-concurrent-count", type=int, default=None, metavar="N")
        how.add_argument("--max-concurrent-percentage", type=int, default=None, metavar="P")
        how.add_argument(
            "--region-concurrency", default="SEQUENTIAL", metavar="SEQUENTIAL|PARALLEL"
        )
        how.add_argument(
            "--concurrency-mode",
            default="STRICT_FAILURE_TOLERANCE",
            metavar="STRICT_FAILURE_TOLERANCE|SOFT_FAILURE_TOLERANCE",
        )
        how.add_argument(
            "--poll-seconds",
            type=_seconds,
            default=5.0,
            metavar="S",
            help="how often to ask CloudFormation how the operation goes (default 5)",
        )
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        from wizard.cli.sandbox import add_sandbox_arguments

        add_sandbox_arguments(sub, top=False)
        if name == "apply":
            sub.add_argument("--yes", "-y", action="store_true", help="apply without asking")


def spec_from(args: argparse.Namespace) -> Any:
    from wizard.rollout.model import (
        DEFAULT_STACK_SET_NAME,
        SELF_MANAGED,
        SERVICE_MANAGED,
        Preferences,
        RolloutSpec,
    )

    return RolloutSpec(
        stack_set_name=args.stack_set_name or DEFAULT_STACK_SET_NAME,
        permission_model=SERVICE_MANAGED if args.service_managed else SELF_MANAGED,
        accounts=args.accounts,
        organizational_units=args.organizational_units,
        regions=args.regions,
        preferences=Preferences(
            failure_tolerance_count=args.failure_tolerance_count,
            failure_tolerance_percentage=args.failure_tolerance_percentage,
            max_concurrent_count=args.max_concurrent_count,
            max_concurrent_percentage=args.max_concurrent_percentage,
            region_concurrency=args.region_concurrency.upper(),
            concurrency_mode=args.concurrency_mode.upper(),
        ),
        existing_provider_accounts=args.existing_provider_accounts,
        administration_role_arn=args.administration_role_arn,
        execution_role_name=args.execution_role_name,
        auto_deployment=args.auto_deployment,
        delegated_admin=args.delegated_admin,
    )


def cmd_rollout(args: argparse.Namespace) -> int:
    from wizard.aws import Aws
    from wizard.render import rollout_text
    from wizard.rollout import prepare
    from wizard.rollout.follow import apply_rollout
    from wizard.rollout.model import rollout_errors

    applying = args.rollout_action == "apply"
    if getattr(args, "seams", None):
        # In the sandbox, moto says for every stack that it does not build an OIDC provider
        # from a template; the roll-out's own lines already say what happened.
        import logging
        import warnings

        logging.getLogger("moto").setLevel(logging.ERROR)
        warnings.filterwarnings("ignore", module="moto")
    settings, _, _ = resolve(args)
    validate_or_raise(settings, TEMPLATE_STEPS)
    spec = spec_from(args)
    problems = rollout_errors(spec)
    if problems:
        raise UsageError("\n".join(f"error: {e.message}" for e in problems), problems)
    aws = Aws(profile=settings.profile, region=settings.region, endpoint_url=settings.endpoint_url)
    try:
        plan = prepare(aws, spec, settings)
    except ValueError as exc:  # a stack set whose permission model differs
        raise UsageError(f"error: {exc}") from exc
    except Exception as exc:
        return _failed_to_plan(args, aws, exc)
    if not args.json:
        print_lines(rollout_text.plan_lines(plan))
    result = None
    if applying and plan.has_changes:
        if not args.yes and not _confirm():
            code = EXIT_USAGE if not sys.stdin.isatty() else EXIT_OK
            if args.json:
                refused = error("Not applied: standard input is not a terminal; --yes applies.")
                return emit_json("rollout", code, _document(args, plan, None), problem=refused)
            return code
        lines = rollout_text.ProgressLines()

        def show(progress: Any) -> None:
            print_lines(lines.lines(progress), stderr=args.json)

        result = apply_rollout(aws, plan, on_progress=show, poll_seconds=args.poll_seconds)
    code = EXIT_FAILED if result is not None and not result.ok else EXIT_OK
    if args.json:
        return emit_json("rollout", code, _document(args, plan, result))
    if result is not None:
        print_lines(rollout_text.result_lines(result), stderr=not result.ok)
    return code


def _failed_to_plan(args: argparse.Namespace, aws: Any, exc: Exception) -> int:
    from wizard.inert import inert
    from wizard.render.plan_text import guidance_lines
    from wizard.troubleshoot import classify

    found = classify(exc, {"region": aws.region})
    if args.json:
        problem = error(f"inspecting the stack set failed: {exc}", type="failed")
        body = {"command": args.rollout_action, "plan": None, "result": None}
        body["guidance"] = [g.to_json() for g in found]
        return emit_json("rollout", EXIT_FAILED, body, problem=problem)
    lines = [f"✗ Inspecting the stack set failed: {inert(str(exc))}"]
    for guidance in found:
        lines += guidance_lines(guidance)
    print_lines(lines, stderr=True)
    return EXIT_FAILED


def _document(args: argparse.Namespace, plan: Any, result: Any) -> dict[str, Any]:
    body = {
        "command": args.rollout_action,
        "plan": plan.to_json(),
        "result": result.to_json() if result is not None else None,
    }
    document: dict[str, Any] = json.loads(json.dumps(body, default=str))
    return document


def _confirm() -> bool:
    if not sys.stdin.isatty():
        print_lines(
            ["Not applied: standard input is not a terminal. Re-run with --yes to apply."],
            stderr=True,
        )
        return False
    answer = input("Start these StackSets operations? [y/N] ").strip().lower()
    return answer in ("y", "yes")
