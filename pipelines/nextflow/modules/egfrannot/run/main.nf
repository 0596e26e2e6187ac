process EGFRANNOT_RUN {
    tag "${meta.id}"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    container "${ workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/egfr-annot:0.1.0--pyhdfd78af_0' :
        'biocontainers/egfr-annot:0.1.0--pyhdfd78af_0' }"

    input:
    // cnv travels in the sample's tuple, never in a channel of its own: a copy-number file
    // paired with the wrong patient's VCF would be a patient-safety defect.
    tuple val(meta), path(vcf), path(tbi), path(cnv)
    val build
    path annotations

    output:
    tuple val(meta), path("*.alterations.tsv")        , emit: alterations
    tuple val(meta), path("*.summary.tsv")            , emit: summary
    tuple val(meta), path("*.evidence_long.tsv")      , emit: evidence_long, optional: true
    tuple val(meta), path("*.report.html")            , emit: html         , optional: true
    tuple val(meta), path("*.json")                   , emit: json         , optional: true
    tuple val(meta), path("*.annotated.vcf.gz")       , emit: vcf          , optional: true
    tuple val(meta), path("*.annotated.vcf.gz.tbi")   , emit: tbi          , optional: true
    tuple val(meta), path("*.egfr_annot_mqc.tsv")     , emit: multiqc      , optional: true
    tuple val("${task.process}"), val('egfr-annot'), eval("egfr-annot --version | sed -n 's/^egfr-annot //p'"), topic: versions, emit: versions_egfrannot

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def build_name = build ?: 'auto'
    def cnv_args = [cnv].flatten().collect { "--cnv ${it}" }.join(' ')
    def kb_env = annotations ? "EGFR_ANNOT_ANNOTATIONS=${annotations}" : ''
    // one CPU (process_single): no second process to decompress and scan a large VCF
    def scan_env = task.cpus > 1 ? '' : 'EGFR_ANNOT_SCAN_PROCESS=0'
    if ("${vcf}" == "${prefix}.annotated.vcf.gz") error "Input and output names are the same, use \"task.ext.prefix\" to disambiguate!"
    """
    ${kb_env} ${scan_env} egfr-annot run \\
        --build ${build_name} \\
        --output-prefix ${prefix} \\
        ${cnv_args} \\
        ${args} \\
        ${vcf}
    """

    stub:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    if ("${vcf}" == "${prefix}.annotated.vcf.gz") error "Input and output names are the same, use \"task.ext.prefix\" to disambiguate!"
    """
    printf 'sample\\tgene\\thgvsp_short\\thgvsp\\thgvsc\\ttranscript\\texon\\tconsequence\\tchrom\\tpos\\tref\\talt\\tbuild\\tvaf\\talt_reads\\tdepth\\tfilter\\tcopy_number\\tresistance\\talteration_class\\tmechanism\\tevidence\\tstrategies\\treview_refs\\tmatch_level\\tnotes\\n' > ${prefix}.alterations.tsv
    printf 'sample\\tstatus\\tn_resistance\\tresistance_alterations\\tmax_vaf\\tbuild\\tkb_version\\trechallenge_evidence\\tinput\\tstatus_reason\\ttumour_fraction\\ttumour_fraction_method\\tcopy_number_status\\tn_alterations\\trecords_read\\trecords_in_panel\\tcalls_in_panel\\tskipped\\twarnings\\tthresholds\\ttool_version\\tbuild_source\\tinput_sha256\\tcommand_line\\n' > ${prefix}.summary.tsv
    case " ${args} " in *" --evidence-long "*)
        printf 'sample\\tgene\\thgvsp_short\\talteration_class\\tresistance\\trule_id\\tmatch_level\\tstrategy_id\\tstrategy\\tfit\\tevidence_rank\\treview_refs\\toutcome\\tsetting\\tsubpopulation\\tregimen\\tefficacy\\tsource\\tstrategy_notes\\n' > ${prefix}.evidence_long.tsv ;;
    esac
    case " ${args} " in *" --html "*) touch ${prefix}.report.html ;; esac
    case " ${args} " in *" --json "*) echo '{}' > ${prefix}.json ;; esac
    case " ${args} " in *" --vcf "*)
        echo '##fileformat=VCFv4.2' | gzip > ${prefix}.annotated.vcf.gz
        touch ${prefix}.annotated.vcf.gz.tbi ;;
    esac
    case " ${args} " in *" --multiqc "*) printf 'Sample\\tstatus\\tn_resistance\\tresistance_alterations\\tmax_vaf\\ttumour_fraction\\tkb_version\\n' > ${prefix}.egfr_annot_mqc.tsv ;; esac
    """
}
