"""From an error (exception or pasted text) to the catalogue's cases, filled with known values.

Pure: stdlib only, no I/O, no boto3 or UI imports. Matching reads the error's text, its error
code and its class names (and those of what caused it); filling takes the caller's values, then
facts read in the message itself, then readable placeholders like `<REGION>`.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from wizard.iam.issuer import GITHUB_COM_NAME
from wizard.inert import inert
from wizard.troubleshoot.catalogue import _PERMISSION, CASES, Case
from wizard.troubleshoot.ranking import IN_MESSAGE, RankedCause, hint_pattern, in_message, order


@dataclass(frozen=True)
class Guidance:
    case: str
    title: str
    cause: str
    fix: str
    commands: tuple[str, ...]
    missing_permission: str | None = None
    # The known causes, most likely first, each with the check that tells it apart.
    causes: tuple[RankedCause, ...] = ()
    source: str = ""
    link: str = ""

    @property
    def verified(self) -> RankedCause | None:
        """The cause live facts verified, if any (it is then first)."""
        first = self.causes[0] if self.causes else None
        return first if first is not None and first.status == "verified" else None

    def to_json(self) -> dict[str, object]:
        return {
            "case": self.case,
            "title": self.title,
            "cause": self.cause,
            "fix": self.fix,
            "commands": list(self.commands),
            "missing_permission": self.missing_permission,
            "causes": [c.to_json() for c in self.causes],
            "verified": self.verified.key if self.verified else None,
            "source": self.source,
            "link": self.link,
        }


def _compile(case: Case) -> tuple[tuple[re.Pattern[str], ...], ...]:
    return tuple(tuple(re.compile(p, re.IGNORECASE) for p in group) for group in case.match)


_COMPILED: dict[str, tuple[tuple[re.Pattern[str], ...], ...]] = {
    case.id: _compile(case) for case in CASES
}
# Hints compile here too: a pattern that cannot compile fails at import, in every test, never
# in the middle of an explanation.
for _case in CASES:
    for _cause in _case.causes:
        if _cause.hint:
            hint_pattern(_cause.hint)
_PERMISSION_RE = re.compile(r"not authorized to perform:?\s{1,5}(" + _PERMISSION + ")", re.I)


# --- Reading the error ----------------------------------------------------------------------------


def _safe_str(obj: object) -> str:
    # A broken __str__ must not turn guidance into a second crash.
    try:
        return str(obj)
    except Exception:
        return ""


def _client_error_parts(exc: BaseException) -> list[str]:
    """Code and message of a botocore ClientError, duck-typed so botocore is never imported."""
    response = getattr(exc, "response", None)
    if not isinstance(response, Mapping):
        return []
    error = response.get("Error")
    if not isinstance(error, Mapping):
        return []
    return [_safe_str(error.get(key, "")) for key in ("Code", "Message", "message")]


def _exception_text(exc: BaseException) -> list[str]:
    # Class names count: NoCredentialsError and friends say little in their message alone.
    names = [f"{cls.__module__}.{cls.__qualname__}" for cls in type(exc).__mro__]
    return [*names, *_client_error_parts(exc), _safe_str(exc)]


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it: a wrapped ClientError still names the real failure."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(seen) < 10 and all(current is not s for s in seen):
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _haystack(source: BaseException | str) -> str:
    if isinstance(source, BaseException):
        text = "\n".join(part for exc in _chain(source) for part in _exception_text(exc))
    else:
        text = source if isinstance(source, str) else _safe_str(source)
    return focus(inert(text))


# A pasted log can be megabytes long. Past FOCUS_CHARS only the lines that read like an error,
# and the end of the log (where a failed step stops), are matched: the answer stays the same and
# the time stays bounded.
FOCUS_CHARS = 200_000
_TAIL_CHARS = 100_000
_MAX_LINE = 2_000
# Words that mark a line worth matching; found with str.find on a lower-cased copy, which stays
# fast on megabytes where a regular expression per line does not.
_ERROR_WORDS = (
    "error",
    "denied",
    "fail",
    "not authorized",
    "not authorised",
    "invalid",
    "unable",
    "could not",
    "couldn't",
    "cannot",
    "exception",
    "expired",
    "unknown",
    "forbidden",
    "not found",
    "refus",
    "missing",
    "exceeded",
    "unauthori",
    "no basic auth",
    "required",
    "must ",
    "limit",
    "throttl",
    "timeout",
    "timed out",
    "not supplied",
    "bad request",
)
_MAX_FOCUS_LINES = 5_000


def focus(text: str) -> str:
    """`text` itself when short; otherwise its error-looking lines (each cut to a bounded
    length, at most _MAX_FOCUS_LINES of them) followed by its tail."""
    if len(text) <= FOCUS_CHARS:
        return text
    head, tail = text[:-_TAIL_CHARS], text[-_TAIL_CHARS:]
    lowered = head.lower()
    starts: set[int] = set()
    for word in _ERROR_WORDS:
        at = lowered.find(word)
        while at != -1 and len(starts) < _MAX_FOCUS_LINES * 4:
            start = lowered.rfind("\n", 0, at) + 1
            starts.add(start)
            end = lowered.find("\n", at)
            at = -1 if end == -1 else lowered.find(word, end)
    kept = []
    for start in sorted(starts)[-_MAX_FOCUS_LINES:]:
        end = head.find("\n", start, start + _MAX_LINE)
        kept.append(head[start : end if end != -1 else start + _MAX_LINE])
    picked = "\n".join(kept)[-FOCUS_CHARS:]
    return picked + "\n" + tail


def _matches(case: Case, text: str) -> bool:
    return any(all(p.search(text) for p in group) for group in _COMPILED[case.id])


def _missing_permission(text: str) -> str | None:
    found = _PERMISSION_RE.search(text)
    return found.group(1) if found else None


# --- Facts read from the message ------------------------------------------------------------------

_FACT_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), keys)
    for pattern, keys in (
        (
            r"arn:(aws[a-z-]{0,10}):ecr:([a-z0-9-]{1,30}):(\d{12}):repository/"
            r"([a-z0-9][a-z0-9._/-]{0,255})",
            ("partition", "region", "account_id", "ecr_repository"),
        ),
        (
            r"((\d{12})\.dkr\.ecr\.([a-z0-9-]{1,30})\.amazonaws\.com(?:\.cn)?)",
            ("registry", "account_id", "region"),
        ),
        (r"repository with name '([^'\s]{1,256})'", ("ecr_repository",)),
        (r"registry with id '(\d{12})'", ("account_id",)),
        (r"in the '([^'\s]{1,256})' repository", ("ecr_repository",)),
        (
            r"arn:(aws[a-z-]{0,10}):sts::(\d{12}):assumed-role/(?!AWSReservedSSO_)"
            r"([\w+=,.@-]{1,64})/",
            ("partition", "account_id", "role_name"),
        ),
        (
            r"arn:(aws[a-z-]{0,10}):iam::(\d{12}):role/(?:[\w+=,.@-]{1,64}/){0,5}"
            r"([\w+=,.@-]{1,64})",
            ("partition", "account_id", "role_name"),
        ),
        (r"Role with name ([\w+=,.@-]{1,64}) already exists", ("role_name",)),
        (r"arn:(aws[a-z-]{0,10}):(?:iam|sts)::(\d{12}):", ("partition", "account_id")),
        (
            r"repos/([\w.-]{1,100}/[\w.-]{1,100})/actions/workflows/([\w.-]{1,255})/dispatches",
            ("github_repo", "workflow"),
        ),
        (r"/repos/([\w.-]{1,100}/[\w.-]{1,100})", ("github_repo",)),
        (r"could not find any workflows? named ([\w.-]{1,255})", ("workflow",)),
        (r"No ref found for: ?([\w./-]{1,255})", ("ref",)),
        (r"The config profile \(([\w.@+-]{1,128})\) could not", ("profile",)),
        (
            r"https?://[a-z0-9-]{1,30}\.([a-z]{2}(?:-[a-z]{1,10}){1,3}-\d{1,2})\.amazonaws\.com",
            ("region",),
        ),
    )
)


def _principal_arn(text: str) -> str | None:
    """The IAM ARN to simulate for the caller; a session ARN is turned into its role's ARN."""
    user = re.search(r"(arn:aws[a-z-]{0,10}:iam::\d{12}:user/[\w+=,.@/-]{1,512})", text)
    if user:
        return user.group(1)
    session = re.search(
        r"arn:(aws[a-z-]{0,10}):sts::(\d{12}):assumed-role/([\w+=,.@-]{1,64})/", text
    )
    if session:
        partition, account, role = session.groups()
        return f"arn:{partition}:iam::{account}:role/{role}"
    return None


def _facts(text: str) -> dict[str, str]:
    """Values the message itself reveals; the first mention of each wins."""
    facts: dict[str, str] = {}
    for pattern, keys in _FACT_PATTERNS:
        found = pattern.search(text)
        if found:
            for key, value in zip(keys, found.groups(), strict=True):
                facts.setdefault(key, value.rstrip("./-_"))
    principal = _principal_arn(text)
    if principal:
        facts["principal_arn"] = principal
    return facts


def _from_role_arn(values: dict[str, str]) -> None:
    found = re.fullmatch(r"arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([^/]+)", values["role_arn"])
    if found:
        for key, value in zip(
            ("partition", "account_id", "role_name"), found.groups(), strict=True
        ):
            values.setdefault(key, value)


# --- Filling the templates ------------------------------------------------------------------------

_PLACEHOLDERS: dict[str, str] = {
    "account_id": "<ACCOUNT_ID>",
    "region": "<REGION>",
    "ecr_repository": "<REPOSITORY>",
    "role_name": "<ROLE_NAME>",
    "policy_name": "<POLICY_NAME>",
    "github_repo": "<OWNER/REPO>",
    "workflow": "<WORKFLOW_FILE>",
    "ref": "<BRANCH>",
    "profile": "<PROFILE>",
    "missing_permission": "<ACTION>",
    "principal_arn": "<YOUR_PRINCIPAL_ARN>",
}


def _known_values(values: Mapping[str, str] | None, text: str) -> dict[str, str]:
    """The caller's values, completed by what the message says; the caller's always win."""
    known = {
        k: inert(v).strip() for k, v in (values or {}).items() if isinstance(v, str) and v.strip()
    }
    if "role_arn" in known:
        _from_role_arn(known)
    for key, value in _facts(text).items():
        known.setdefault(key, value)
    return known


def _fields(known: Mapping[str, str], quote: Callable[[str], str]) -> dict[str, str]:
    """Every template field. Real values go through `quote` (for commands); placeholders don't,
    so a command reads `--region <REGION>` rather than `--region '<REGION>'`."""

    def get(key: str) -> str:
        return quote(known[key]) if key in known else _PLACEHOLDERS[key]

    partition = quote(known.get("partition", "aws"))
    issuer = known.get("issuer", GITHUB_COM_NAME)
    china = known.get("partition") == "aws-cn"
    account, region = get("account_id"), get("region")
    out = {key: get(key) for key in _PLACEHOLDERS}
    out.update(_ref_fields(known.get("ref", ""), quote))
    out.update(
        partition=partition,
        audience="sts.amazonaws.com.cn" if china else "sts.amazonaws.com",
        registry=(
            quote(known["registry"])
            if "registry" in known
            else f"{account}.dkr.ecr.{region}.amazonaws.com" + (".cn" if china else "")
        ),
        role_arn=(
            quote(known["role_arn"])
            if "role_arn" in known
            else f"arn:{partition}:iam::{account}:role/{get('role_name')}"
        ),
        # The provider of the chosen GitHub issuer (github.com unless the caller says another).
        provider_arn=f"arn:{partition}:iam::{account}:oidc-provider/{issuer}",
        issuer=issuer,
        issuer_url=f"https://{issuer}",
        repository_arn=f"arn:{partition}:ecr:{region}:{account}:repository/{get('ecr_repository')}",
    )
    return out


def _ref_fields(ref: str, quote: Callable[[str], str]) -> dict[str, str]:
    """`ref_name` for gh (a branch or tag name) and `claim_ref` for a sub claim (a full ref)."""
    if not ref:
        return {"ref_name": _PLACEHOLDERS["ref"], "claim_ref": "refs/heads/" + _PLACEHOLDERS["ref"]}
    name = re.sub(r"^refs/(?:heads|tags)/", "", ref)
    full = ref if ref.startswith("refs/") else f"refs/heads/{ref}"
    return {"ref_name": quote(name), "claim_ref": quote(full)}


def _quote(value: str) -> str:
    return shlex.quote(value)


def _plain(value: str) -> str:
    return value


def _render(case: Case, known: dict[str, str], permission: str | None, text: str) -> Guidance:
    if permission and case.names_permission:
        known = {**known, "missing_permission": permission}
    prose = _fields(known, _plain)
    shell = _fields(known, _quote)
    causes = order(
        [
            RankedCause(
                key=cause.key,
                text=cause.text.format_map(prose),
                check=cause.check.format_map(prose),
                fix=cause.fix.format_map(prose),
                status=IN_MESSAGE if in_message(cause, text) else "",
            )
            for cause in case.causes
        ]
    )
    return Guidance(
        case=case.id,
        title=case.title.format_map(prose),
        cause=case.cause.format_map(prose),
        fix=case.fix.format_map(prose),
        commands=tuple(command.format_map(shell) for command in case.commands),
        missing_permission=permission if case.names_permission else None,
        causes=causes,
        source=case.source,
        link=case.link,
    )


# --- Public API -----------------------------------------------------------------------------------


def classify(
    source: BaseException | str, values: Mapping[str, str] | None = None
) -> list[Guidance]:
    """Known cases matching `source`, most specific first; [] when nothing is recognised."""
    text = _haystack(source)
    if not text.strip():
        return []
    matched = [case for case in CASES if _matches(case, text)]
    ids = {case.id for case in matched}
    kept = [case for case in matched if not ids.intersection(case.unless)]
    if not kept:
        return []
    known = _known_values(values, text)
    permission = _missing_permission(text)
    return [_render(case, known, permission, text) for case in kept]


def _summary(source: BaseException | str) -> str:
    if isinstance(source, BaseException):
        text = f"{type(source).__name__}: {_safe_str(source)}"
    else:
        text = source if isinstance(source, str) else _safe_str(source)
    text = inert(text[:10_000])
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if not line:
        return "(empty message)"
    return line if len(line) <= 200 else line[:199] + "…"


def _wrapped(label: str, text: str) -> list[str]:
    # Never split at hyphens or inside long words: ARNs, regions and flags must stay whole.
    return textwrap.wrap(
        text,
        width=100,
        initial_indent=f"   {label}: ",
        subsequent_indent=" " * (len(label) + 5),
        break_on_hyphens=False,
        break_long_words=False,
    )


def _guidance_text(guidance: Guidance, number: str) -> list[str]:
    lines = [f"{number}{guidance.title}  [{guidance.case}]"]
    if guidance.missing_permission:
        lines.append(f"   Missing permission: {guidance.missing_permission}")
    lines += _wrapped("Cause", guidance.cause)
    lines += _wrapped("Fix", guidance.fix)
    if guidance.causes:
        lines.append(
            "   Known causes, most likely first (each with the check that tells it apart):"
        )
        for rank, cause in enumerate(guidance.causes, start=1):
            lines += _cause_lines(rank, cause)
    if guidance.commands:
        lines.append("   Commands:")
        lines += [f"     $ {command}" for command in guidance.commands]
    if guidance.link:
        lines.append(f"   Established in: {guidance.link}")
    return lines


def _cause_lines(number: int, cause: RankedCause) -> list[str]:
    mark = f"[{cause.status}] " if cause.status else ""
    lines = _indented(f"{number}. ", mark + cause.text, 5)
    lines += _indented("Check: ", cause.check, 8)
    if cause.evidence:
        lines += _indented("Seen: ", cause.evidence, 8)
    if cause.fix:
        lines += _indented("Fix: ", cause.fix, 8)
    return lines


def _indented(label: str, text: str, indent: int) -> list[str]:
    return textwrap.wrap(
        text,
        width=100,
        initial_indent=" " * indent + label,
        subsequent_indent=" " * (indent + len(label)),
        break_on_hyphens=False,
        break_long_words=False,
    )


def explain_text(source: BaseException | str, values: Mapping[str, str] | None = None) -> str:
    """classify() rendered as plain text for a terminal or a log."""
    return guidance_text(classify(source, values), source)


def guidance_text(found: Sequence[Guidance], source: BaseException | str) -> str:
    """Guidance already classified (and perhaps ranked by live facts) as plain text; what is
    printed is always inert, whatever the message held."""
    if not found:
        return inert(
            f"Not recognised: {_summary(source)}\n"
            "This message is not in the troubleshooting catalogue. Run `ecr-oidc-wizard doctor` "
            "to check each step of the setup."
        )
    blocks: list[str] = []
    if len(found) > 1:
        blocks.append(f"{len(found)} known causes match, most likely first.")
    for index, guidance in enumerate(found, start=1):
        number = f"{index}. " if len(found) > 1 else ""
        blocks.append("\n".join(_guidance_text(guidance, number)))
    return inert("\n\n".join(blocks))
