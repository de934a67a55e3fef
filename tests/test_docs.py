"""The documents a newcomer reads: every link resolves, every file they name exists, and the
architecture page covers every folder of bot/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
NAMED_FILE = re.compile(r"`((?:bot|handlers|briefings|data|tests|docs|bench)/[\w./-]+)`")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    broken = [target for target in LINK.findall(text)
              if not re.match(r"^[a-z]+:", target) and not target.startswith("#")
              and not (doc.parent / target.split("#")[0]).exists()]
    assert not broken, f"{doc.name}: links to nothing: {broken}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_file_named_in_backquotes_exists(doc: Path) -> None:
    named = {m.split(":")[0] for m in NAMED_FILE.findall(doc.read_text(encoding="utf-8"))}
    missing = sorted(n for n in named if "*" not in n and not (ROOT / n).exists())
    assert not missing, f"{doc.name} names files that do not exist: {missing}"


def test_the_architecture_page_covers_every_folder_of_bot() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    folders = sorted(p.name for p in (ROOT / "bot").iterdir()
                     if p.is_dir() and (p / "__init__.py").exists())
    assert folders  # the layout it describes exists
    assert [f for f in folders if f"`bot/{f}/`" not in text] == []


def test_nothing_points_to_documents_outside_the_repository() -> None:
    for path in [*DOCS, ROOT / "pyproject.toml"]:
        text = path.read_text(encoding="utf-8")
        assert "DESIGN.md" not in text and "METHOD.md" not in text, path.name
