"""Read an nf-core style ``process`` (main.nf) and render its ``script:``/``stub:`` the way Nextflow
would, without Nextflow (it cannot be installed on the test machines).

Only what the EGFRANNOT_RUN module uses is understood, on purpose:

- GString interpolation ``${expr}`` / ``$name`` where expr is a variable or a dotted name
  (``meta.id``, ``task.ext.args``), and the escapes ``\\\\`` -> ``\\``, ``\\$`` -> ``$``,
  ``\\"`` -> ``"`` of a Groovy triple-double-quoted string;
- ``def NAME = EXPR`` lines whose EXPR is one of ``KNOWN_DEFS`` (an exact text match, so that
  editing a def in main.nf fails the tests until the renderer learns the new expression);
- the nf-core name guard ``if ("${vcf}" == "...") error "..."``.

Anything else raises ``UnsupportedGroovy``: the tests must never pass by ignoring Groovy they
do not understand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SECTION_RE = re.compile(r"^ {4}(input|output|when|script|stub):\s*$")
DEF_RE = re.compile(r"^def (\w+)\s*=\s*(.+?)\s*$")
GUARD_RE = re.compile(r'^if \((".*?")\s*==\s*(".*?")\) error (".*")$')
EMIT_RE = re.compile(r",\s*emit:\s*(\w+)")
PATH_RE = re.compile(r'path\("([^"]+)"\)')
EVAL_RE = re.compile(r'eval\("(.*?)"\)')
INPUT_ITEM_RE = re.compile(r"\b(val|path)\((\w+)\)|^(val|path)\s+(\w+)$")


class UnsupportedGroovy(ValueError):
    """Groovy the renderer does not understand (extend the renderer, do not skip it)."""


class GuardError(RuntimeError):
    """The process's ``error "..."`` guard fired (Nextflow would stop the task)."""


def _as_list(value: Any) -> list[Any]:
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# def expression (exact text in main.nf) -> its value, from the task's variables.
KNOWN_DEFS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "task.ext.args ?: ''": lambda v: v.get("task.ext.args") or "",
    'task.ext.prefix ?: "${meta.id}"': lambda v: v.get("task.ext.prefix") or str(v["meta.id"]),
    "build ?: 'auto'": lambda v: v.get("build") or "auto",
    "[cnv].flatten().collect { \"--cnv ${it}\" }.join(' ')": lambda v: " ".join(
        f"--cnv {path}" for path in _as_list(v.get("cnv"))
    ),
    "annotations ? \"EGFR_ANNOT_ANNOTATIONS=${annotations}\" : ''": lambda v: (
        f"EGFR_ANNOT_ANNOTATIONS={v['annotations']}" if v.get("annotations") else ""
    ),
    "task.cpus > 1 ? '' : 'EGFR_ANNOT_SCAN_PROCESS=0'": lambda v: (
        "" if v["task.cpus"] > 1 else "EGFR_ANNOT_SCAN_PROCESS=0"
    ),
}


@dataclass(frozen=True)
class Output:
    emit: str
    globs: tuple[str, ...]
    optional: bool
    topic: str | None
    eval_command: str | None
    line: str


@dataclass(frozen=True)
class Block:
    """A ``script:`` or ``stub:`` section: its def lines, guards and the command template."""

    defs: tuple[tuple[str, str], ...]
    guards: tuple[tuple[str, str, str], ...]
    template: str


@dataclass(frozen=True)
class NfProcess:
    name: str
    inputs: tuple[tuple[tuple[str, str], ...], ...]
    outputs: tuple[Output, ...]
    script: Block
    stub: Block
    directives: tuple[str, ...] = field(default=())

    def output(self, emit: str) -> Output:
        for out in self.outputs:
            if out.emit == emit:
                return out
        raise KeyError(emit)


def parse_process(text: str) -> NfProcess:
    match = re.search(r"^process (\w+) \{\n", text, re.M)
    if match is None:
        raise UnsupportedGroovy("no `process NAME {` found")
    body = text[match.end() :]
    end = re.search(r"^\}\s*$", body, re.M)
    if end is None:
        raise UnsupportedGroovy("process is not closed by a `}` line")
    lines = body[: end.start()].splitlines()
    sections: dict[str, list[str]] = {"directives": []}
    current = "directives"
    for line in lines:
        header = SECTION_RE.match(line)
        if header:
            current = header.group(1)
            sections[current] = []
        else:
            sections[current].append(line)
    for required in ("input", "output", "script", "stub"):
        if required not in sections:
            raise UnsupportedGroovy(f"process has no `{required}:` section")
    return NfProcess(
        name=match.group(1),
        inputs=tuple(_parse_inputs(sections["input"])),
        outputs=tuple(_parse_outputs(sections["output"])),
        script=_parse_block(sections["script"]),
        stub=_parse_block(sections["stub"]),
        directives=tuple(line.strip() for line in sections["directives"] if line.strip()),
    )


def _code_lines(lines: list[str]) -> list[str]:
    return [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("//")]


def _parse_inputs(lines: list[str]) -> list[tuple[tuple[str, str], ...]]:
    channels = []
    for line in _code_lines(lines):
        items = []
        for part in [p.strip() for p in line.removeprefix("tuple ").split(",")]:
            m = INPUT_ITEM_RE.search(part)
            if m is None:
                raise UnsupportedGroovy(f"input not understood: {line!r}")
            kind, name = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            items.append((kind, name))
        channels.append(tuple(items))
    return channels


def _parse_outputs(lines: list[str]) -> list[Output]:
    outputs = []
    for line in _code_lines(lines):
        emit = EMIT_RE.search(line)
        if emit is None:
            raise UnsupportedGroovy(f"output without emit: {line!r}")
        topic = re.search(r"topic:\s*(\w+)", line)
        ev = EVAL_RE.search(line)
        outputs.append(
            Output(
                emit=emit.group(1),
                globs=tuple(PATH_RE.findall(line)),
                optional=bool(re.search(r"optional:\s*true", line)),
                topic=topic.group(1) if topic else None,
                eval_command=ev.group(1) if ev else None,
                line=line,
            )
        )
    return outputs


def _parse_block(lines: list[str]) -> Block:
    text = "\n".join(lines)
    start = text.find('"""')
    stop = text.find('"""', start + 3)
    if start < 0 or stop < 0:
        raise UnsupportedGroovy('script/stub without a """ command string')
    defs, guards = [], []
    for line in _code_lines(text[:start].splitlines()):
        if m := DEF_RE.match(line):
            if m.group(2) not in KNOWN_DEFS:
                raise UnsupportedGroovy(f"def expression not understood: {m.group(2)!r}")
            defs.append((m.group(1), m.group(2)))
        elif m := GUARD_RE.match(line):
            guards.append((m.group(1)[1:-1], m.group(2)[1:-1], m.group(3)[1:-1]))
        else:
            raise UnsupportedGroovy(f"line before the command not understood: {line!r}")
    if text[stop + 3 :].strip():
        raise UnsupportedGroovy("code after the command string")
    return Block(tuple(defs), tuple(guards), _dedent(text[start + 3 : stop]))


def _dedent(template: str) -> str:
    # Nextflow strips the common indentation of the script (stripIndent()).
    lines = template.split("\n")
    if lines and not lines[0].strip():
        lines = lines[1:]
    indents = [len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip()]
    cut = min(indents, default=0)
    return "\n".join(ln[cut:] for ln in lines)


def gstring(template: str, variables: Mapping[str, Any]) -> str:
    """Interpolate a Groovy GString: ``${expr}``, ``$name.attr``, and the string escapes."""
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "\\" and i + 1 < len(template):
            nxt = template[i + 1]
            if nxt in "\\$\"'":
                out.append(nxt)
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
            raise UnsupportedGroovy(f"escape \\{nxt} not understood")
        if ch == "$":
            if template.startswith("${", i):
                close = template.index("}", i)
                out.append(_value(template[i + 2 : close].strip(), variables))
                i = close + 1
                continue
            m = re.match(r"\$([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)", template[i:])
            if m is None:
                raise UnsupportedGroovy(f"bare $ at {template[i : i + 20]!r}")
            out.append(_value(m.group(1), variables))
            i += m.end()
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _value(expr: str, variables: Mapping[str, Any]) -> str:
    if expr not in variables:
        raise UnsupportedGroovy(f"${{{expr}}}: unknown to the renderer")
    value = variables[expr]
    # A list of staged files renders blank-separated, as Nextflow's BlankSeparatedList does.
    return " ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def render(block: Block, variables: Mapping[str, Any]) -> str:
    """The shell script Nextflow would run for this block; raises GuardError when it would stop."""
    scope = dict(variables)
    for name, expr in block.defs:
        scope[name] = KNOWN_DEFS[expr](scope)
    for left, right, message in block.guards:
        if gstring(left, scope) == gstring(right, scope):
            raise GuardError(gstring(message, scope))
    return gstring(block.template, scope)


def task_variables(
    *,
    meta_id: str,
    vcf: str,
    tbi: str | list[str] = (),
    cnv: str | list[str] = (),
    build: str = "GRCh38",
    annotations: str | list[str] = (),
    args: str | None = None,
    prefix: str | None = None,
    process: str = "EGFRANNOT_RUN",
    cpus: int = 1,
) -> dict[str, Any]:
    """The variables a task of the module sees (``[]`` for an absent optional input)."""
    return {
        "meta.id": meta_id,
        "vcf": vcf,
        "tbi": list(tbi) if isinstance(tbi, (list, tuple)) else tbi,
        "cnv": list(cnv) if isinstance(cnv, (list, tuple)) else [cnv],
        "build": build,
        "annotations": list(annotations) if isinstance(annotations, (list, tuple)) else annotations,
        "task.ext.args": args,
        "task.ext.prefix": prefix,
        "task.process": process,
        "task.cpus": cpus,  # (process_single)
    }
