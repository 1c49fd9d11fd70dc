"""Every hook is documented in docs/hooks.md and exercised by a `test_hook_<name>` test."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from helpline import hookspecs

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs" / "hooks.md"
TESTS = ROOT / "tests"


def hook_specs() -> dict[str, list[str]]:
    """Hook name → its argument names, for every spec in `helpline.hookspecs`."""
    return {
        name: list(inspect.signature(function).parameters)
        for name, function in vars(hookspecs).items()
        if inspect.isfunction(function) and hasattr(function, "helpline_spec")
    }


def doc_sections() -> dict[str, str]:
    """`## <name>` heading → its text, up to the next `#` or `##` heading outside code blocks."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in DOCS.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,2} ", line):
            current = (
                sections.setdefault(line[3:].strip().strip("`"), []) if line[1] == "#" else None
            )
            continue
        if current is not None:
            current.append(line)
    return {name: "\n".join(lines) for name, lines in sections.items()}


def test_hookspecs_are_found():
    assert {"register_routes", "ticket_created", "route_ticket"} <= set(hook_specs())


def test_every_hook_is_documented_with_its_arguments():
    sections = doc_sections()
    missing = []
    for name, args in sorted(hook_specs().items()):
        if name not in sections:
            missing.append(f"{name}: no `## {name}` section in docs/hooks.md")
            continue
        missing += [
            f"{name}: argument `{arg}` not mentioned"
            for arg in args
            if not re.search(rf"\b{arg}\b", sections[name])
        ]
    assert not missing, "docs/hooks.md is incomplete:\n" + "\n".join(missing)


def test_documentation_describes_no_hook_that_does_not_exist():
    specs = hook_specs()
    hook_like = {name for name in doc_sections() if re.fullmatch(r"[a-z_]+", name)}
    assert hook_like - set(specs) == set()


def test_every_hook_has_a_test():
    source = "\n".join(path.read_text() for path in TESTS.rglob("*.py"))
    tested = set(re.findall(r"^\s*(?:async\s+)?def test_hook_(\w+)\(", source, re.MULTILINE))
    missing = sorted(set(hook_specs()) - tested)
    assert not missing, "hooks without a `test_hook_<name>` test: " + ", ".join(missing)
