"""gunicorn settings for the web process (read automatically from the working directory)."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = 30
graceful_timeout = 20
# The app itself answers over-long URLs with a problem+json 414 (kcc.app.MAX_URL_BYTES);
# gunicorn's own limit would answer with an HTML page instead.
limit_request_line = 0
limit_request_field_size = 16384
accesslog = "-" if os.environ.get("KCC_ACCESS_LOG") else None


def post_worker_init(worker: object) -> None:
    """Move everything loaded at start-up (modules, the app, the ORM's mappers) out of the
    collector's sight: a full garbage collection then scans only what requests create, instead
    of pausing a large response (a subject access export) for ~100 ms now and then."""
    import gc

    gc.collect()
    gc.freeze()
