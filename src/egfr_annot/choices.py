"""The closed choices of the command line (genome build, MSI status). A module of its own so
that ``egfr-annot run`` reads its options, and starts a large file's scanning child, before the
record types are imported (~10 ms of dataclass creation, issue #9)."""

from __future__ import annotations

from typing import Literal, get_args

BuildChoice = Literal["auto", "GRCh37", "GRCh38"]
BUILD_CHOICES: tuple[str, ...] = get_args(BuildChoice)
MsiStatus = Literal["MSI-H", "MSS", "dMMR", "pMMR"]
MSI_CHOICES: tuple[str, ...] = get_args(MsiStatus)
