"""The genome builds the tool knows. A module of its own so that the reader's scanning child
process, which needs the name only, starts without importing the record types (issue #9)."""

from __future__ import annotations

from typing import Literal, get_args

Build = Literal["GRCh37", "GRCh38"]
BUILDS: tuple[Build, ...] = get_args(Build)
