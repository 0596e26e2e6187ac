"""Dockerfile, .dockerignore and the Bioconda recipe (no Docker engine or conda-build here).

Statically: the Dockerfile's instructions, the build context left by .dockerignore, and the recipe
(rendered with Jinja2 as conda-build would, then parsed) against pyproject.toml. For real, when
hatchling is installed: the wheel that `pip install .` builds in the image carries annotations/,
and an install of it without the source tree finds its knowledge base there.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jinja2
import pytest
import tomllib
import yaml
from pipeline_support import HOMEPAGE, REPO

from egfr_annot import __version__

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

# PyPI name -> conda-forge/bioconda name, where they differ.
CONDA_NAMES = {"isal": "python-isal", "matplotlib": "matplotlib-base"}
# What `pip install .` needs from the build context.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "src", "annotations")


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


# --- Dockerfile ----------------------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    logical: list[str] = []
    current = ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    assert not current, "Dockerfile ends inside a continued line"
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1].strip()) for ln in logical]


def test_dockerfile_base_user_entrypoint() -> None:
    steps = _instructions()
    kinds = [k for k, _ in steps]
    assert [a for k, a in steps if k == "FROM"] == ["python:3.11-slim"]
    assert "HEALTHCHECK" not in kinds
    users = [a for k, a in steps if k == "USER"]
    assert users, "the image must not run as root"
    final_user = users[-1].split(":")[0]
    assert final_user not in ("root", "0")
    # The user is created before it is switched to, with that uid.
    create = next(a for k, a in steps if k == "RUN" and "useradd" in a)
    assert f"--uid {final_user}" in create or final_user in create.split()
    assert kinds.index("USER") > max(i for i, (k, a) in enumerate(steps) if "pip install" in a)
    (entrypoint,) = [a for k, a in steps if k == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["egfr-annot"]  # exec form: signals reach the tool


def test_dockerfile_installs_the_repository_with_its_annotations() -> None:
    steps = _instructions()
    copied = []
    for kind, args in steps:
        if kind == "COPY":
            assert "--from" not in args
            copied += args.split()[:-1]
    assert sorted(copied) == sorted(BUILD_INPUTS)
    install = [a for k, a in steps if k == "RUN" and "pip install" in a]
    assert len(install) == 1 and re.search(r"pip install \.(\s|$)", install[0])
    # The source tree is removed after the install: the image runs from the installed wheel,
    # so annotations/ must reach it through the wheel (pyproject force-include, checked below).
    assert "rm -rf" in install[0] and "egfr-annot --version" in install[0]


def test_dockerfile_labels() -> None:
    labels = " ".join(a for k, a in _instructions() if k == "LABEL")
    found = dict(re.findall(r'(org\.opencontainers\.image\.[a-z.]+)="([^"]*)"', labels))
    assert found["org.opencontainers.image.version"] == __version__
    assert found["org.opencontainers.image.licenses"] == "MIT"
    assert found["org.opencontainers.image.source"] == HOMEPAGE
    assert found["org.opencontainers.image.title"] == "egfr-annot"


def _dockerignore_excluded(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last matching pattern wins; a pattern also matches everything below a
    directory it matches; ``!`` re-includes; ``**`` spans directories."""
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw[1:] if negate else raw
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            elif pattern[i] == "[":
                close = pattern.index("]", i)
                regex += pattern[i : close + 1]
                i = close + 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if any(re.fullmatch(regex, p) for p in prefixes):
            excluded = not negate
    return excluded


def test_dockerignore_sends_only_the_build_inputs() -> None:
    patterns = [
        ln.strip()
        for ln in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    needed = [
        str(p.relative_to(REPO))
        for name in BUILD_INPUTS
        for p in [REPO / name, *(REPO / name).rglob("*")]
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert any(n.startswith("annotations/") for n in needed)
    kept_out = [n for n in needed if _dockerignore_excluded(n, patterns)]
    assert kept_out == []
    for private in (
        "tests/pipelines/data/kras_g12d.grch38.vcf",
        "example_vcfs/x.vcf.gz",
        ".git/config",
        "benchmarks/data/big.vcf.gz",
        "results/P1.summary.tsv",
        "venv/bin/python",
        "src/egfr_annot/__pycache__/x.cpython-311.pyc",
    ):
        assert _dockerignore_excluded(private, patterns), private


def test_wheel_carries_the_annotations() -> None:
    """pyproject maps annotations/ into the package, where resources.annotations_dir() looks."""
    force = _pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force == {"annotations": "egfr_annot/annotations"}


@pytest.mark.slow
def test_built_wheel_runs_without_the_source_tree(tmp_path: Path) -> None:
    """What the image's `pip install . && rm -rf src` leaves: the wheel's own annotations/."""
    pytest.importorskip("hatchling", reason="hatchling builds the wheel (pip install hatchling)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "wheels"),
            str(REPO),
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = (tmp_path / "wheels").glob("egfr_annot-*.whl")
    assert wheel.name.startswith(f"egfr_annot-{__version__}-")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    shipped = {str(p.relative_to(REPO)) for p in (REPO / "annotations").rglob("*") if p.is_file()}
    assert {"egfr_annot/" + n for n in shipped} <= names
    probe = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); import egfr_annot.resources as r; "
            "print(r.__file__); print(r.annotations_dir()); print(r.kb_version())",
            str(tmp_path / "site"),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    module_file, annotations, kb_version = probe.stdout.splitlines()
    assert module_file.startswith(str(tmp_path / "site"))
    assert annotations == str(tmp_path / "site" / "egfr_annot" / "annotations")
    assert (
        kb_version
        == (REPO / "annotations" / "VERSION").read_text(encoding="utf-8").splitlines()[0].strip()
    )


# --- Bioconda recipe -----------------------------------------------------------------------------


def _python_min() -> str:
    requires = _pyproject()["project"]["requires-python"]
    match = re.fullmatch(r">=\s*(\d+\.\d+)", requires)
    assert match, requires
    return match.group(1)


def _recipe() -> dict:
    """recipe/meta.yaml rendered as conda-build would (StrictUndefined: no unknown variables)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    template = env.from_string((REPO / "recipe" / "meta.yaml").read_text(encoding="utf-8"))
    text = template.render(
        PYTHON="$PYTHON",
        python_min=_python_min(),
        pin_subpackage=lambda name, max_pin=None: (
            f"{name} >={__version__},<{__version__.rsplit('.', 1)[0]}.x"
        ),
    )
    return yaml.safe_load(text)


def _requirement(spec: str) -> tuple[str, str]:
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", spec.strip())
    assert match, spec
    return match.group(1).lower(), match.group(2).replace(" ", "")


def test_recipe_package_and_build() -> None:
    recipe = _recipe()
    assert recipe["package"] == {"name": "egfr-annot", "version": __version__}
    assert recipe["source"] == {"path": ".."}
    build = recipe["build"]
    assert build["noarch"] == "python"
    assert build["script"] == "$PYTHON -m pip install . -vv --no-deps --no-build-isolation"
    scripts = _pyproject()["project"]["scripts"]
    assert build["entry_points"] == [f"{name} = {target}" for name, target in scripts.items()]
    assert build["run_exports"]


def test_recipe_requirements_match_pyproject() -> None:
    recipe = _recipe()
    run = dict(_requirement(s) for s in recipe["requirements"]["run"])
    assert run.pop("python") == f">={_python_min()}"
    wanted = dict(_requirement(s) for s in _pyproject()["project"]["dependencies"])
    assert run == {CONDA_NAMES.get(name, name): spec for name, spec in wanted.items()}
    host = dict(_requirement(s) for s in recipe["requirements"]["host"])
    backend = dict(_requirement(s) for s in _pyproject()["build-system"]["requires"])
    assert host == {"python": _python_min(), "pip": "", **backend}


def test_recipe_tests_and_about() -> None:
    recipe = _recipe()
    assert recipe["test"]["commands"] == ["egfr-annot --help", "egfr-annot --version"]
    assert recipe["test"]["imports"] == ["egfr_annot"]
    about = recipe["about"]
    assert about["home"] == HOMEPAGE
    assert about["license"] == "MIT"
    assert about["summary"].strip()
    license_file = REPO / about["license_file"]
    assert license_file.is_file(), f"{about['license_file']} is missing: conda-build needs it"


def test_recipe_test_commands_work(tool_env: dict[str, str]) -> None:
    """The recipe's test commands, run against the installed CLI."""
    for command in _recipe()["test"]["commands"]:
        result = subprocess.run(command, shell=True, capture_output=True, text=True, env=tool_env)
        assert result.returncode == 0, (command, result.stderr)
    version = subprocess.run(
        "egfr-annot --version", shell=True, capture_output=True, text=True, env=tool_env, check=True
    )
    assert version.stdout.splitlines()[0] == f"egfr-annot {__version__}"
