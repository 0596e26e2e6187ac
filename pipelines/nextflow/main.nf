#!/usr/bin/env nextflow
/*
 * egfr-annot: annotate every sample of a sample sheet (sample,vcf[,tbi][,cnv]) with the
 * EGFRANNOT_RUN module and gather one cohort summary.
 *
 *   nextflow run pipelines/nextflow --input samplesheet.csv --outdir results [--build GRCh38]
 */

include { EGFRANNOT_RUN } from './modules/egfrannot/run/main'

workflow {
    if (!params.input) {
        error "Give a sample sheet with --input (CSV columns: sample,vcf[,tbi][,cnv])"
    }

    ch_samples = channel.fromPath(params.input, checkIfExists: true)
        .splitCsv(header: true, strip: true)
        .toList()
        .flatMap { rows -> samplesheet(rows) }

    ch_annotations = params.annotations
        ? channel.value(file(params.annotations, checkIfExists: true))
        : channel.value([])

    EGFRANNOT_RUN(ch_samples, params.build, ch_annotations)

    // One cohort table, in sample-id order whatever order the tasks finished in, with a first
    // column sample_id: egfr-annot's `sample` is the VCF's column name, which several callers
    // name alike (TUMOR), and a cohort table must never show two patients under one name.
    EGFRANNOT_RUN.out.summary
        .map { meta, summary -> [meta.id, summary.readLines().findAll { line -> !line.startsWith('#') }] }
        .toSortedList { a, b -> a[0] <=> b[0] }
        .map { tables -> cohort_table(tables) }
        .collectFile(name: 'cohort.summary.tsv', storeDir: params.outdir)

    channel.topic('versions')
        .unique()
        .map { process_name, tool, version -> "${process_name}\t${tool}\t${version}" }
        .collectFile(name: 'software_versions.tsv', newLine: true, sort: true, storeDir: "${params.outdir}/pipeline_info")
}

// The sheet's rows -> the module's input tuples. Everything is checked before any task starts:
// at least one row, unique sample ids (they name the output files), existing files.
def samplesheet(List rows) {
    if (!rows) {
        error "Sample sheet ${params.input}: no samples"
    }
    def seen = [] as Set
    for (row in rows) {
        if (!seen.add(row.sample)) {
            error "Sample sheet ${params.input}: sample '${row.sample}' is listed twice"
        }
    }
    return rows.collect { row -> samplesheet_row(row) }
}

// One row -> [meta, vcf, tbi, cnv]: the CNV file stays in the same tuple as its VCF.
def samplesheet_row(Map row) {
    if (!row.sample || !row.vcf) {
        error "Sample sheet ${params.input}: every row needs 'sample' and 'vcf' (got ${row})"
    }
    if (!(row.sample ==~ /[A-Za-z0-9._-]+/)) {
        error "Sample sheet ${params.input}: sample '${row.sample}' may use only letters, digits, '.', '_' and '-'"
    }
    def meta = [id: row.sample]
    def vcf = file(row.vcf, checkIfExists: true)
    def tbi = row.tbi ? file(row.tbi, checkIfExists: true) : []
    def cnv = row.cnv ? file(row.cnv, checkIfExists: true) : []
    return [meta, vcf, tbi, cnv]
}

// [[sample_id, [header, rows...]], ...] -> one TSV text with a leading sample_id column.
def cohort_table(List tables) {
    def header = tables[0][1][0]
    def lines = ["sample_id\t${header}"]
    for (table in tables) {
        if (table[1][0] != header) {
            error "Sample ${table[0]}: its summary columns differ from sample ${tables[0][0]}'s"
        }
        for (row in table[1].drop(1)) {
            lines << "${table[0]}\t${row}"
        }
    }
    return lines.join('\n') + '\n'
}
