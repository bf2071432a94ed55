"""A local story that names no outlet of its own, for the publisher tests.

Served from 127.0.0.1 (a host that names nothing) with twelve paragraphs of body, so the
extractor keeps it as an article and only the signals a test adds can name its publisher.
"""

from __future__ import annotations

from datetime import datetime

LOCAL = "http://127.0.0.1:8765/story/1"
PARAGRAPHS = "".join(
    f"<p>On day {i} the harbour board discussed berth {i * 5}, and after a long debate the "
    f"members voted that dredging plan {i * 2} would go ahead before the winter storms.</p>"
    for i in range(12)
)
FETCHED = datetime(2025, 3, 12, 12, 0)
