"""Property tests: arbitrary bytes and mutated VCF text never raise anything but InputError
(or give a result), and every record is accounted for (issue #5)."""

from __future__ import annotations

import gzip
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reader_helpers import VCF_DATA

from egfr_annot.errors import InputError
from egfr_annot.io.regions import RegionSet
from egfr_annot.io.vcf import open_variants

REGIONS = RegionSet([("12", 25398000, 25399000, "KRAS"), ("7", 140453000, 140454000, "BRAF"),
                     ("3", 178900000, 179000000, "PIK3CA")])
SEEDS = [p.read_bytes() for p in sorted(VCF_DATA.glob("*.vcf"))]
FUZZ_SETTINGS = settings(max_examples=250, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes, regions: RegionSet | None, compress: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("x.vcf.gz" if compress else "x.vcf")
        path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
        try:
            with open_variants(path, regions=regions) as src:
                calls = list(src.calls())
                counts = src.counts
                src.symbolic_records()
                src.reference_blocks()
        except InputError as err:
            assert "\n" not in str(err)
            return
        skipped = counts.skipped_dict()
        assert counts.records_read == counts.records_in_panel + skipped.get("outside_panel", 0)
        assert counts.calls_in_panel == len(calls)
        for call in calls:
            assert call.vaf is None or 0.0 <= call.vaf <= 1.0
            assert call.alt_reads is None or call.alt_reads >= 0
            assert call.depth is None or call.depth >= 0


@FUZZ_SETTINGS
@given(data=st.binary(max_size=2000), regions=st.sampled_from([None, REGIONS]),
       compress=st.booleans())
def test_arbitrary_bytes(data: bytes, regions: RegionSet | None, compress: bool) -> None:
    _read(data, regions, compress)


@st.composite
def mutated_vcf(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup_line", "drop_tab"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.sampled_from(b"\t\n\r;:,=./<>*[]0123456789ACGTNacgtn#\x00\xff \xc3"))
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=6))
        elif op == "delete":
            del data[i: i + draw(st.integers(1, 20))]
        elif op == "dup_line":
            start = data.rfind(b"\n", 0, i) + 1
            end = data.find(b"\n", i)
            end = len(data) if end < 0 else end + 1
            data[end:end] = data[start:end]
        else:
            j = data.find(b"\t", i)
            if j >= 0:
                del data[j]
    return bytes(data)


@FUZZ_SETTINGS
@given(data=mutated_vcf(), regions=st.sampled_from([None, REGIONS]))
def test_mutated_vcf_text(data: bytes, regions: RegionSet | None) -> None:
    _read(data, regions)


_value = st.one_of(st.sampled_from([".", "", "0", "1", "12", "0.5", "1.0", "1e-3", "2.0", "-1",
                                    "nan", "inf", "0.1.2", "3,4", "5,", ",6", "7,8,9", "a"]),
                   st.text(alphabet="0123456789.,-e", max_size=6))


@FUZZ_SETTINGS
@example(af="0.5", ad="3,4", dp="12", gt="0/1", extra=True)
@example(af="1e-3", ad="999,1", dp="1000", gt=".", extra=False)
@given(af=_value, ad=_value, dp=_value, gt=st.sampled_from(["0/1", "0|1", "0/0", "./.", ".", "1"]),
       extra=st.booleans())
def test_fast_path_equals_general_extractor(af: str, ad: str, dp: str, gt: str,
                                            extra: bool) -> None:
    """The GT/AD/AF/DP fast path of the record parser gives exactly the general result."""
    from egfr_annot.io.vaf import RecordContext, extract_evidence
    from egfr_annot.io.vcf_header import FieldDecl
    from egfr_annot.io.vcf_records import _fast_af_ad_dp, _make_fast_plan

    keys = ["GT", "AD", "AF", "DP"] + (["F1R2"] if extra else [])
    decls = {"AF": FieldDecl("AF", "A", "Float", ""), "AD": FieldDecl("AD", "R", "Integer", ""),
             "DP": FieldDecl("DP", "1", "Integer", ""), "GT": FieldDecl("GT", "1", "String", "")}
    values = [gt, ad, af, dp] + (["3,4"] if extra else [])
    plan = _make_fast_plan(keys, decls)
    assert plan is not None
    fields = ["12", "25398284", ".", "C", "T", ".", "PASS", ".", ":".join(keys), ":".join(values)]
    fast = _fast_af_ad_dp(plan, fields, 0)
    if (af, ad, dp) in (("0.5", "3,4", "12"), ("1e-3", "999,1", "1000")):
        assert fast is not None  # the fast path is really taken for well-formed columns
    if fast is None:
        return
    sample = dict(zip(keys, values, strict=True))
    ctx = RecordContext("C", ("T",), {}, {}, decls, True, False)
    general = extract_evidence(ctx, sample, 1)
    assert fast[1] == general
    assert fast[0] == (None if gt in ("", ".") else gt)
