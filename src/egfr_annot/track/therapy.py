"""The sample sheet's ``therapy`` column: what the patient received when the blood was drawn.

Anti-EGFR: any value naming cetuximab or panitumumab (or their brand names Erbitux, Vectibix),
alone or in a combination (``FOLFIRI+cetuximab``, ``encorafenib + cetuximab``). Off therapy:
``off``, ``none``, ``no therapy``, ``break`` and the like. Any other value is another therapy
(e.g. ``FOLFOX``, ``regorafenib``); an empty cell is unknown.
"""

from __future__ import annotations

import re
from typing import Final, Literal

TherapyKind = Literal["anti_egfr", "off", "other", "unknown"]

ANTI_EGFR_NAMES: Final = frozenset({"cetuximab", "panitumumab", "erbitux", "vectibix"})
_OFF_WORDS: Final = frozenset(
    {"off", "none", "no", "therapy", "treatment", "break", "holiday", "pause", "stopped", "-"}
)


def therapy_kind(text: str | None) -> TherapyKind:
    if text is None or not text.strip():
        return "unknown"
    tokens = {t for t in re.split(r"[^a-z0-9-]+", text.strip().lower()) if t}
    if tokens & ANTI_EGFR_NAMES or any(
        name in t for t in tokens for name in ANTI_EGFR_NAMES
    ):
        return "anti_egfr"
    if tokens <= _OFF_WORDS:
        return "off"
    return "other"


def is_anti_egfr(text: str | None) -> bool:
    return therapy_kind(text) == "anti_egfr"
