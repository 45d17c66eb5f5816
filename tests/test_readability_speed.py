"""copydesk's one-pass readability formulas equal textstat's own, formula by formula."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings, strategies as st

from copydesk import readability
from copydesk.parsing import parse

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [
    "The cat sat on the mat.",
    "Dr. Smith arrived at 3.30 p.m. on Monday. He didn't stay; it's late!",
    "Photosynthesis, notwithstanding extraordinarily complicated biochemistry, sustains life.",
    "Wait... what? No!! (Really.) 'Quoted' words — dashes – and 'apostrophes' don't, can't, we'll.",
    "naïve café résumé İstanbul ﬁnance",
    "a",
    "...",
    "1 2 3 4 5.",
]


def _texts() -> list[str]:
    out = list(SAMPLES)
    for path in sorted((ROOT / "content").glob("*.txt"))[:5]:
        doc = parse(str(path), path.read_text(encoding="utf-8"))
        out.append(readability.text_of_blocks(doc, [b for b in doc.blocks if b.kind != "reference"]))
        out.extend(readability.text_of_blocks(doc, [b]) for b in doc.blocks[:30])
    return out


def test_scores_equal_textstat_on_samples_and_content() -> None:
    for text in _texts():
        assert readability.scores(text) == readability.textstat_scores(text), text[:80]
        assert readability.grade(text) == readability.textstat_scores(text)["flesch_kincaid_grade"]


_WORDS = st.sampled_from(["the", "cat", "extraordinary", "didn't", "U.S.", "e.g.", "3.5", "—", "(", ")",
                          "naïve", "Readability", "syllable", "xqzt", "!", "?", "...", "'", "co-operate"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=40).map(" ".join))
def test_scores_equal_textstat_on_generated_text(text: str) -> None:
    assert readability.scores(text) == readability.textstat_scores(text)
    assert readability.grade(text) == readability.textstat_scores(text)["flesch_kincaid_grade"]


def test_joined_counts_equal_counts_of_the_joined_text() -> None:
    """Section and document counts summed from per-block counts equal a count of their text."""
    for path in sorted((ROOT / "content").glob("*.txt")):
        doc = parse(str(path), path.read_text(encoding="utf-8"))
        groups = [readability.prose_blocks(doc)] + [readability.section_blocks(doc, s) for s in doc.sections]
        for blocks in groups:
            text = readability.text_of_blocks(doc, blocks)
            assert readability.blocks_counts(doc, blocks) == readability.count(text)
            assert readability.blocks_counts(doc, blocks).scores() == readability.textstat_scores(text)


_PARTS = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join).map(
    lambda t: t if t.rstrip()[-1:] in ".!?…" else t + ".")


@settings(max_examples=200, deadline=None)
@given(st.lists(_PARTS, min_size=1, max_size=5), st.booleans())
def test_sums_of_part_counts_equal_counts_of_the_joined_parts(parts: list[str], ellipsis: bool) -> None:
    parts = [" ".join(p.split()) + ("…" if ellipsis and i % 2 == 0 else "") for i, p in enumerate(parts)]
    parts = [p for p in parts if p]
    if not parts:
        return
    joined = readability._joined([(p, readability.count(p)) for p in parts])
    assert joined == readability.count(" ".join(parts))
