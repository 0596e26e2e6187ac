"""fast_frozen_init: the faster __init__ of the per-record dataclasses builds the same frozen
instances as the one dataclasses writes, with the same signature, and refuses what it cannot
do."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field

import pytest

from egfr_annot.dataclass_init import fast_frozen_init
from egfr_annot.genome.consequence import MinimalAllele
from egfr_annot.records import Allele, Call, Consequence, Finding, RuleMatch
from egfr_annot.verdict import EvidenceCall


def _record_class() -> type:
    """A new frozen, slotted dataclass (the decorator changes the class it is given)."""

    @dataclass(frozen=True, slots=True)
    class _Record:
        name: str
        start: int
        notes: tuple[str, ...] = ()
        vaf: float | None = None

    return _Record


_Plain = _record_class()
_Fast = fast_frozen_init(_record_class())


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("KRAS", 12), {}), (("KRAS", 12, ("a",)), {}), (("KRAS",), {"start": 12, "vaf": 0.1}),
     ((), {"vaf": 0.5, "start": 7, "name": "NRAS", "notes": ("x", "y")})],
)
def test_same_fields_as_the_generated_init(args: tuple[object, ...],
                                           kwargs: dict[str, object]) -> None:
    fast, plain = _Fast(*args, **kwargs), _Plain(*args, **kwargs)  # type: ignore[arg-type]
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    assert repr(fast) == repr(plain)
    assert fast == _Fast(*args, **kwargs)  # type: ignore[arg-type]
    assert hash(fast) == hash(_Fast(*args, **kwargs))  # type: ignore[arg-type]


def test_same_signature_and_errors() -> None:
    assert str(inspect.signature(_Fast)) == str(inspect.signature(_Plain))
    for bad_args, bad_kwargs in [((), {}), (("K", 1, (), 0.1, "extra"), {}),
                                 (("K",), {"start": 1, "colour": "red"}),
                                 (("K", 1), {"name": "again"})]:
        with pytest.raises(TypeError) as fast_error:
            _Fast(*bad_args, **bad_kwargs)
        with pytest.raises(TypeError) as plain_error:
            _Plain(*bad_args, **bad_kwargs)
        assert str(fast_error.value) == str(plain_error.value)


def test_instances_stay_frozen() -> None:
    item = _Fast("KRAS", 12)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.start = 13  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del item.name  # type: ignore[misc]


def test_refuses_what_it_cannot_do() -> None:
    @dataclass(frozen=True, slots=True)
    class WithFactory:
        items: tuple[str, ...] = field(default_factory=tuple)

    @dataclass(frozen=True, slots=True)
    class WithPostInit:
        value: int

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True)
    class NoSlots:
        value: int

    @dataclass(slots=True)
    class NotFrozen:
        value: int

    for cls, why in [(WithFactory, "not a plain"), (WithPostInit, "__post_init__"),
                     (NoSlots, "not a slot"), (NotFrozen, "not a frozen")]:
        with pytest.raises(TypeError, match=why):
            fast_frozen_init(cls)


@pytest.mark.parametrize("cls", [Call, Allele, Consequence, Finding, RuleMatch, EvidenceCall,
                                 MinimalAllele])
def test_record_types_use_it(cls: type) -> None:
    # (their own tests build them in every way the pipeline does)
    assert cls.__init__.__code__.co_filename == "<string>"
    assert "_set0" in cls.__init__.__code__.co_names
    assert inspect.signature(cls).parameters.keys() == {f.name for f in dataclasses.fields(cls)}
