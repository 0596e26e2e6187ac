"""Turn result records into output rows: the single place where values are formatted, so every
format (TSV, JSON, HTML, VCF INFO, MultiQC) says the same thing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from egfr_annot.knowledge.fits import strategy_details
from egfr_annot.knowledge.model import KnowledgeBase
from egfr_annot.records import Finding, SampleResult
from egfr_annot.report.columns import ALTERATION_COLUMNS, EVIDENCE_LONG_COLUMNS, SUMMARY_COLUMNS

RESISTANCE_ORDER = {"yes": 0, "uncertain": 1, "no": 2, None: 3}


def fmt_float(value: float | None, digits: int = 6) -> str:
    """Deterministic short decimal: 0.00176 -> "0.00176", 0.5 -> "0.5", None -> ""."""
    if value is None:
        return ""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def fmt_int(value: int | None) -> str:
    return "" if value is None else str(value)


def fmt_refs(refs: Iterable[int]) -> str:
    return ",".join(str(r) for r in sorted(set(refs)))


def join_notes(*groups: Iterable[str]) -> str:
    seen: list[str] = []
    for group in groups:
        for note in group:
            note = " ".join(note.split())
            if note and note not in seen:
                seen.append(note)
    return "; ".join(seen)


def alteration_row(finding: Finding) -> dict[str, str]:
    call, cons, cn, match = finding.call, finding.consequence, finding.copy_number, finding.match
    row = dict.fromkeys(ALTERATION_COLUMNS, "")
    row["sample"] = finding.sample
    row["build"] = finding.build
    row["gene"] = finding.gene
    if call is not None:
        row.update(
            chrom=call.chrom,
            pos=str(call.pos),
            ref=call.ref,
            alt=call.alt,
            vaf=fmt_float(call.vaf),
            alt_reads=fmt_int(call.alt_reads),
            depth=fmt_int(call.depth),
            filter=call.filter,
        )
    if cons is not None:
        row.update(
            gene=cons.gene,
            hgvsp_short=cons.hgvsp_short,
            hgvsp=cons.hgvsp,
            hgvsc=cons.hgvsc,
            transcript=cons.transcript,
            exon=cons.exon or (f"intron {cons.intron}" if cons.intron else ""),
            consequence=cons.consequence,
        )
    if cn is not None:
        row.update(
            gene=cn.gene,
            chrom=cn.chrom,
            pos=str(cn.start),
            build=finding.build,
            copy_number=fmt_float(cn.copy_number, 2),
            filter=cn.filter,
            consequence=f"copy_number_{cn.state}",
        )
    if match is not None:
        row.update(
            resistance=match.resistance,
            alteration_class=match.alteration_class,
            mechanism=match.mechanism,
            evidence=match.evidence,
            strategies=";".join(s.label for s in match.strategies),
            review_refs=fmt_refs(match.review_refs),
            match_level=match.match_level,
        )
    # where the VAF came from, when it is not the caller's own FORMAT/AF (Strelka tier-1
    # counts, VarScan FREQ, DP4, AD, ...): a VAF computed by us reads differently
    vaf_from = (f"VAF from {call.vaf_source}",) if call is not None and call.vaf_source not in (
        None, "FORMAT/AF") else ()
    row["notes"] = join_notes(
        finding.notes,
        vaf_from,
        call.notes if call is not None else (),
        cons.notes if cons is not None else (),
        cn.notes if cn is not None else (),
        match.notes if match is not None else (),
    )
    return row


def evidence_long_rows(finding: Finding, kb: KnowledgeBase) -> list[dict[str, str]]:
    """One row per alteration x strategy (``--evidence-long``), in the matcher's order, with what
    ``kb``'s strategies.tsv says about each strategy (regimen, efficacy, notes)."""
    match = finding.match
    if match is None:
        return []
    base = alteration_row(finding)
    rows = []
    for strategy in match.strategies:
        row = dict.fromkeys(EVIDENCE_LONG_COLUMNS, "")
        row.update(
            sample=finding.sample,
            gene=base["gene"],
            hgvsp_short=base["hgvsp_short"],
            alteration_class=match.alteration_class,
            resistance=match.resistance,
            rule_id=match.rule_id,
            match_level=match.match_level,
            strategy_id=strategy.strategy_id,
            strategy=strategy.label,
            fit=strategy.fit,
            evidence_rank=str(strategy.evidence_rank),
            review_refs=fmt_refs(strategy.review_refs),
            outcome=strategy.outcome,
        )
        details = strategy_details(kb, strategy)
        if details is not None:
            row.update(
                setting=details.setting,
                subpopulation=details.subpopulation,
                regimen=details.regimen,
                efficacy=details.efficacy,
                source=details.source,
                strategy_notes=join_notes(details.notes),
            )
        rows.append(row)
    return rows


def finding_sort_key(finding: Finding) -> tuple[object, ...]:
    """Resistance first (what the board reads), then gene and position: deterministic."""
    call, cn = finding.call, finding.copy_number
    gene = (
        finding.consequence.gene
        if finding.consequence is not None
        else (cn.gene if cn is not None else finding.gene)
    )
    chrom = call.chrom if call is not None else (cn.chrom if cn is not None else "")
    pos = call.pos if call is not None else (cn.start if cn is not None else 0)
    return (
        RESISTANCE_ORDER.get(finding.resistance, 3),
        gene,
        _chrom_rank(chrom),
        pos,
        call.ref if call is not None else "",
        call.alt if call is not None else "",
    )


def _chrom_rank(chrom: str) -> tuple[int, str]:
    bare = chrom[3:] if chrom.lower().startswith("chr") else chrom
    return (int(bare), "") if bare.isdigit() else (100, bare)


def summary_row(result: SampleResult) -> dict[str, str]:
    prov, counts = result.provenance, result.counts
    from egfr_annot.verdict import distinct_resistance, finding_label

    resistant = sorted(distinct_resistance(result.findings), key=finding_sort_key)
    vafs = [f.call.vaf for f in result.findings if f.call is not None and f.call.vaf is not None]
    row = dict.fromkeys(SUMMARY_COLUMNS, "")
    row.update(
        sample=result.sample,
        status=result.status,
        n_resistance=str(len(resistant)),
        resistance_alterations=";".join(finding_label(f) for f in resistant),
        max_vaf=fmt_float(max(vafs)) if vafs else "",
        build=prov.build,
        kb_version=prov.kb_version,
        rechallenge_evidence=dict(result.rechallenge).get("summary", ""),
        input=prov.input_path,
        status_reason=result.status_reason,
        tumour_fraction=fmt_float(result.tumour_fraction.value),
        tumour_fraction_method=result.tumour_fraction.method,
        copy_number_status=result.copy_number_status,
        n_alterations=str(len(result.findings)),
        records_read=str(counts.records_read),
        records_in_panel=str(counts.records_in_panel),
        calls_in_panel=str(counts.calls_in_panel),
        skipped=";".join(f"{reason}={n}" for reason, n in counts.skipped),
        warnings=join_notes(counts.warnings, result.notes),
        thresholds=";".join(f"{k}={v}" for k, v in result.thresholds),
        tool_version=prov.tool_version,
        build_source=prov.build_source,
        input_sha256=prov.input_sha256 or "",
        command_line=prov.command_line,
    )
    return row


def tsv_line(values: Sequence[str]) -> str:
    """Tabs and newlines inside a value would break the table: replace them with spaces."""
    return (
        "\t".join(
            " ".join(v.split()) if ("\t" in v or "\n" in v or "\r" in v) else v for v in values
        )
        + "\n"
    )
