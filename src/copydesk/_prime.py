"""A sample document that the main process lints before forking its workers (then discards).

Linting it loads what every worker would otherwise load on its first document, once, in pages
the workers then share copy-on-write: the checks' lazily built tables, word frequencies, the
syllable dictionary, Harper's dictionary and, for the main thread that the workers are forked
from, the Levenshtein automaton builder Harper's suggestion search builds (per thread, about a
second) for the first long unknown word. A real first document did this before, but cost longer
on the critical path than this short one.
"""

from __future__ import annotations

from typing import Any

PATH = "copydesk-prime.md"
SAMPLE = """# A sample article

The committee recieved an letter about the colour of the programme on 3 May. Researchers at
Harvard University say that 40% of organisations have changed their behavior since 2019
(Smith, 2020). Studies show it works. However, the results was unclear, the supercalifragilistc
report said, and experts agree that more work is needed.

- Share this page
- Leave a Reply

## References

Smith, J. (2020). A study of samples. *Journal of Examples*, 12(3), 45-67.
"""


def prime(work: Any) -> None:
    """Run ``work`` (the per-document stage) on the sample; any failure is left to real documents."""
    try:
        work((PATH, SAMPLE))
    except Exception:  # noqa: BLE001
        pass
