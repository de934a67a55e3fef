# CSP Bot: slim Python, a non-root user, the store on a volume.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CSP_DB_PATH=/var/lib/csp/csp.db \
    CSP_HTTP_HOST=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY briefings ./briefings
COPY data ./data
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /var/lib/csp csp \
    && mkdir -p /var/lib/csp && chown csp:csp /var/lib/csp

USER csp
VOLUME ["/var/lib/csp"]
ENTRYPOINT ["cspbot"]
CMD ["run"]
