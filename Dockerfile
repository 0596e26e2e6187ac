# egfr-annot container image: the CLI with its bundled knowledge base and transcript models.
#
#   docker build -t egfr-annot:0.1.0 .
#   docker run --rm --network none -v "$PWD":/data egfr-annot:0.1.0 run sample.vcf.gz -o sample
#
# The tool needs no network at run time (no VEP cache, no downloads), so `--network none` is safe
# and recommended for patient data. For Nextflow, override the entrypoint
# (docker.runOptions = '--entrypoint ""', see pipelines/nextflow/nextflow.config).
FROM python:3.11-slim

LABEL org.opencontainers.image.title="egfr-annot" \
      org.opencontainers.image.description="Anti-EGFR resistance annotation of liquid-biopsy VCFs for the mCRC molecular tumour board" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/egfr-annot/egfr-annot" \
      org.opencontainers.image.url="https://github.com/egfr-annot/egfr-annot" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11-slim"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Only what the wheel is built from (.dockerignore keeps the rest out of the build context).
# annotations/ goes into the wheel as egfr_annot/annotations (pyproject force-include), so the
# source tree can be deleted after the install.
WORKDIR /tmp/egfr-annot-src
COPY pyproject.toml README.md LICENSE ./
COPY src ./src
COPY annotations ./annotations
RUN pip install . \
    && cd / \
    && rm -rf /tmp/egfr-annot-src \
    && egfr-annot --version

# Non-root: the container never needs to write outside the mounted working directory.
RUN groupadd --gid 10001 egfr \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin egfr
USER 10001:10001
WORKDIR /data

ENTRYPOINT ["egfr-annot"]
CMD ["--help"]
