"""The docs cannot drift from the tree: the README's layout and every path the docs name.

Cheap (git and the files only, no services). What is checked, and how strictly:

- **Layout** (the README's `## Layout` block, one entry per line at four spaces of indent,
  the entry's paths before the first double space, continuation lines indented deeper):
  every path listed exists in git; every top-level tracked entry is listed (itself or a path
  under it); and a folder with any listed path inside it has all its tracked subfolders
  listed (so listing one staging folder means listing all of them).
- **Paths** in the README and `docs/*.md` (not CHANGELOG.md, which names old paths on
  purpose): every inline-code span that looks like a relative path (no spaces, no `:`, and a
  `/` in it) is tracked by git or ignored by it (made at run time: `warehouse/`, `target/`);
  `<placeholder>` and `*` parts match any name. Every relative Markdown link resolves. Every
  `python -m <module>` names a module of the repo (or of the few tools listed below).
- **Marts**: every model in `models/marts/` is named `marts.<model>` in docs/marts.md.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.independent  # no module state: tests are dealt out one by one

REPO = Path(__file__).resolve().parents[2]
DOCS = ("README.md", "docs/*.md")
# modules of installed tools the docs may run with `python -m`
TOOL_MODULES = {"pip", "venv", "pytest"}
# documents the docs already link to that another branch adds; a path here that exists fails
# the test, so the entry is removed once that branch is merged
WRITTEN_ELSEWHERE: set[str] = set()

_INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_PATH_LIKE = re.compile(r"^[A-Za-z0-9_.<>*-]+(/[A-Za-z0-9_.<>*-]+)*/?$")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_MODULE = re.compile(r"python -m ([A-Za-z_][\w.]*)")


def tracked(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout
    return [line for line in out.splitlines() if (repo / line).exists()]


def tracked_dirs(files: list[str]) -> set[str]:
    return {str(Path(f).parents[i]) for f in files for i in range(len(Path(f).parents) - 1)}


def ignored(repo: Path, paths: list[str]) -> set[str]:
    """The paths git ignores, as a file or as a folder (`warehouse/` ignores only a folder)."""
    if not paths:
        return set()
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=repo,
        input="\n".join(form for p in paths for form in (p, f"{p}/")),
        capture_output=True,
        text=True,
    )
    return {line.rstrip("/") for line in done.stdout.splitlines()}


def layout_entries(readme: str) -> list[str]:
    """The paths of the README's layout block, trailing `/` dropped."""
    section = readme.partition("\n## Layout\n")[2].split("\n## ", 1)[0]
    entries: list[str] = []
    for line in section.splitlines():
        if line.startswith("    ") and not line.startswith("     "):
            entries += [p.rstrip("/") for p in re.split(r"\s{2,}", line.strip())[0].split()]
    return entries


def layout_problems(repo: Path) -> list[str]:
    files = tracked(repo)
    dirs = tracked_dirs(files)
    known = set(files) | dirs
    entries = layout_entries((repo / "README.md").read_text())
    if not entries:
        return ["README.md has no `## Layout` block"]
    problems = [f"layout lists {e}, which git does not track" for e in entries if e not in known]
    listed = set(entries) | {str(p) for e in entries for p in Path(e).parents if str(p) != "."}
    top_level = {f.split("/")[0] for f in files}
    problems += [f"layout leaves out the top-level {t}" for t in sorted(top_level - listed)]
    # a folder with something listed inside it lists all its subfolders
    opened = {str(Path(e).parent) for e in listed if "/" in e}
    for folder in sorted(opened):
        for sub in sorted(d for d in dirs if str(Path(d).parent) == folder):
            if sub not in listed:
                problems.append(f"layout lists inside {folder}/ but leaves out {sub}/")
    return problems


def doc_files(repo: Path) -> list[Path]:
    return sorted(p for pattern in DOCS for p in repo.glob(pattern))


def path_problems(repo: Path) -> list[str]:
    files = tracked(repo)
    known = set(files) | tracked_dirs(files)
    problems: list[str] = []
    for doc in doc_files(repo):
        name = doc.relative_to(repo)
        text = doc.read_text()
        spans = {s.rstrip("/") for s in _INLINE_CODE.findall(text)}
        paths = sorted(s for s in spans if "/" in s and _PATH_LIKE.match(s) and s[0] != "<")
        # a placeholder stands for a name: `x` stands in for it when asking git what it ignores
        examples = {p: re.sub(r"<[^>]*>|\*", "x", p) for p in paths}
        allowed = ignored(repo, sorted(set(examples.values()) - known))
        for path in paths:
            pattern = re.sub(r"<[^>]*>", "*", path)
            if (
                path in known
                or examples[path] in allowed
                or ("*" in pattern and fnmatch.filter(known, pattern))
            ):
                continue
            problems.append(f"{name} names `{path}`, which is neither in git nor ignored by it")
        for link in sorted(set(_LINK.findall(text))):
            target = link.split("#")[0]
            if not target or re.match(r"^[a-z]+:", target):
                continue
            path = (doc.parent / target).resolve().relative_to(repo).as_posix()
            if path in WRITTEN_ELSEWHERE and path not in known:
                continue
            if path not in known:
                problems.append(f"{name} links to {target}, which does not exist")
        for module in sorted(set(_MODULE.findall(text))):
            stem = module.replace(".", "/")
            candidates = {f"{stem}.py", f"{stem}/__init__.py", f"{stem}/__main__.py"}
            if module.split(".")[0] not in TOOL_MODULES and not candidates & known:
                problems.append(f"{name} runs `python -m {module}`: no such module in the repo")
    problems += [
        f"{p} is in the repo now: remove it from WRITTEN_ELSEWHERE"
        for p in sorted(WRITTEN_ELSEWHERE & known)
    ]
    return problems


def mart_problems(repo: Path) -> list[str]:
    contract = (repo / "docs" / "marts.md").read_text()
    marts = sorted(p.stem for p in (repo / "models" / "marts").glob("*.sql"))
    return [f"docs/marts.md does not name marts.{m}" for m in marts if f"marts.{m}" not in contract]


def test_layout_matches_the_tree() -> None:
    assert layout_problems(REPO) == []


def test_paths_named_in_the_docs_exist() -> None:
    assert path_problems(REPO) == []


def test_every_mart_is_in_the_contract() -> None:
    assert mart_problems(REPO) == []


@pytest.fixture
def drifted_repo(tmp_path: Path) -> Path:
    """A tiny repo whose README and docs drifted in every way the checks look for."""
    for path, text in {
        "README.md": (
            "# x\n\n## Layout\n\n"
            "    README.md  this page\n"
            "    models/staging/mysql/  one of two staging folders\n"
            "    tests_py/  moved away\n\n"
            "## Next\n\nSee `loaders/run.py`, `warehouse/` (ignored), [gone](docs/gone.md),\n"
            "`models/staging/<source>/` and `python -m summary`.\n"
        ),
        ".gitignore": "warehouse/\n",
        "loaders/__init__.py": "",
        "models/staging/mysql/a.sql": "",
        "models/staging/vk/b.sql": "",
        "models/marts/fct_orders.sql": "",
        "models/marts/dim_users.sql": "",
        "docs/marts.md": "## marts.fct_orders\n",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    return tmp_path


def test_the_checks_find_drift(drifted_repo: Path) -> None:
    assert layout_problems(drifted_repo) == [
        "layout lists tests_py, which git does not track",
        "layout leaves out the top-level .gitignore",
        "layout leaves out the top-level docs",
        "layout leaves out the top-level loaders",
        "layout lists inside models/ but leaves out models/marts/",
        "layout lists inside models/staging/ but leaves out models/staging/vk/",
    ]
    assert path_problems(drifted_repo) == [
        "README.md names `loaders/run.py`, which is neither in git nor ignored by it",
        "README.md links to docs/gone.md, which does not exist",
        "README.md runs `python -m summary`: no such module in the repo",
    ]
    assert mart_problems(drifted_repo) == ["docs/marts.md does not name marts.dim_users"]
