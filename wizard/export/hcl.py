"""A small writer of Terraform's HCL: blocks, attributes and JSON-like values, laid out as
`terraform fmt` would (two-space indent, `=` aligned within a run of one-line attributes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

INDENT = "  "


@dataclass(frozen=True)
class Expr:
    """An expression written as it is (`var.role_name`, `jsonencode(local.trust_policy)`)."""

    text: str


@dataclass(frozen=True)
class Block:
    kind: str
    labels: tuple[str, ...] = ()
    # Attributes (name, value) and nested blocks, in order.
    body: tuple[tuple[str, Any] | Block, ...] = ()
    # Comment lines written just above the block, `#` included.
    comments: tuple[str, ...] = ()


def escape_literal(text: str) -> str:
    """A literal that would read as an interpolation or a template directive."""
    return text.replace("${", "$${").replace("%{", "%%{")


def string(text: str) -> str:
    """A quoted string; `${...}` in it is an interpolation the caller meant."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def value(item: Any, depth: int) -> str:
    if isinstance(item, Expr):
        return item.text
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int | float):
        return str(item)
    if isinstance(item, str):
        return string(item)
    pad = INDENT * (depth + 1)
    if isinstance(item, list | tuple):
        if not item:
            return "[]"
        inner = [f"{pad}{value(v, depth + 1)}," for v in item]
        return "[\n" + "\n".join(inner) + "\n" + INDENT * depth + "]"
    if isinstance(item, dict):
        if not item:
            return "{}"
        keys = [string(str(k)) for k in item]
        width = max(len(k) for k in keys)
        inner = [
            f"{pad}{k.ljust(width)} = {value(v, depth + 1)}"
            for k, v in zip(keys, item.values(), strict=True)
        ]
        return "{\n" + "\n".join(inner) + "\n" + INDENT * depth + "}"
    raise TypeError(f"no HCL form for {type(item).__name__}")


def block(b: Block, depth: int = 0) -> list[str]:
    pad = INDENT * depth
    head = " ".join([b.kind, *(string(label) for label in b.labels)])
    above = [f"{pad}{c}" for c in b.comments]
    if not b.body:
        return [*above, f"{pad}{head} {{}}"]
    lines = [*above, f"{pad}{head} {{"]
    run: list[tuple[str, Any]] = []

    def flush() -> None:
        width = max((len(n) for n, v in run if "\n" not in value(v, depth + 1)), default=0)
        for name, v in run:
            text = value(v, depth + 1)
            name_col = name if "\n" in text else name.ljust(width)
            lines.append(f"{pad}{INDENT}{name_col} = {text}")
        run.clear()

    previous_was_block = False
    for entry in b.body:
        if isinstance(entry, Block):
            flush()
            if len(lines) > 1:
                lines.append("")
            lines += block(entry, depth + 1)
            previous_was_block = True
        else:
            if previous_was_block:
                lines.append("")
                previous_was_block = False
            run.append(entry)
    flush()
    lines.append(f"{pad}}}")
    return lines


def document(blocks: Sequence[Block]) -> str:
    parts = ["\n".join(block(b)) for b in blocks]
    return "\n\n".join(parts) + "\n"
