"""Incremental re-linting (copydesk.lsp.incremental) finds exactly what a whole lint finds.

Random edits of the seed articles (a word replaced, a sentence added, a paragraph split or joined,
a line deleted, a suppression directive added), each re-linted from the previous state, compared
with lint_text of the new text: same findings, positions, fingerprints and errors."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from copydesk.lint import Selection, lint_text
from copydesk.lsp.incremental import block_local, lint, unchanged_blocks
from copydesk.parsing import parse
from copydesk.profiles import ConfigRecipe, build_config

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted(p.name for p in (ROOT / "content").iterdir())


@pytest.fixture(scope="module")
def config():
    return build_config(ConfigRecipe(None, str(ROOT), None, ()))


def edit(text: str, rng: random.Random) -> str:
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\b[a-z]{3,}\b", text)]
    kind = rng.choice(["word", "word", "sentence", "split", "join", "delete", "directive"])
    a, b = words[rng.randrange(len(words))]
    if kind == "word":
        return text[:a] + rng.choice(["teh", "research shows", "utterly", "colour", "garden"]) + text[b:]
    if kind == "sentence":
        return text[:b] + ". Studies show that 87% of readers agree" + text[b:]
    if kind == "split":
        return text[:a] + "\n\n" + text[a:]
    if kind == "join":
        i = text.find("\n", a)
        return text if i < 0 else text[:i] + " " + text[i + 1:]
    if kind == "delete":
        i, j = text.rfind("\n", 0, a), text.find("\n", b)
        return text[:i + 1] + text[j + 1:] if i >= 0 and j >= 0 else text
    i = text.rfind("\n", 0, a)
    return text[:i + 1] + "<!-- copydesk-disable-next-line claims -->\n" + text[i + 1:]


def same(incremental, whole) -> None:
    key = lambda f: (f.start.offset, f.end.offset, f.rule, f.message)  # noqa: E731
    got, want = sorted(incremental.findings, key=key), sorted(whole.findings, key=key)
    assert [f.to_json() for f in got] == [f.to_json() for f in want]
    assert incremental.errors == whole.errors and incremental.stats == whole.stats


@pytest.mark.parametrize("name", ARTICLES)
def test_incremental_relint_equals_a_whole_lint(config, name):
    path = f"content/{name}"
    text = (ROOT / path).read_text(encoding="utf-8")
    selection = Selection(ignore=("grammar.harper", "grammar.languagetool"))  # engines run whole: not needed here
    result, state = lint(path, text, config, selection)
    same(result, lint_text(path, text, config, selection))
    rng = random.Random(name)
    for _ in range(12):
        text = edit(text, rng)
        result, state = lint(path, text, config, selection, state)
        same(result, lint_text(path, text, config, selection))


def test_only_the_changed_blocks_are_relinted(config):
    path = f"content/{ARTICLES[1]}"
    text = (ROOT / path).read_text(encoding="utf-8")
    before = parse(path, text)
    i = text.index("Research shows")
    after = parse(path, text[:i] + "Reportedly, research shows" + text[i + len("Research shows"):])
    same_blocks = unchanged_blocks(before, after)
    assert len(after.blocks) - len(same_blocks) == 1  # one block to re-lint, the others moved
    assert {spec.id for spec in config.specs.values() if block_local(spec)} >= {
        "readability.sentence-length", "claims.research-appeal"}
    assert not block_local(config.specs["grammar.dialect"])  # document-wide: always re-run whole
