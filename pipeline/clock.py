"""The time a build or check states, honouring SOURCE_DATE_EPOCH (reproducible-builds.org).

Outputs never carry the time they were made unless a user asked for a time: then the same
inputs give the same bytes, anywhere and at any time.
"""

from __future__ import annotations

import datetime as dt
import os

from pipeline.errors import PipelineError


def now() -> dt.datetime:
    """Return SOURCE_DATE_EPOCH as a UTC time if it is set, else the current UTC time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise PipelineError(
            f"SOURCE_DATE_EPOCH is {epoch[:40]!r}; set it to seconds since 1970 or unset it"
        ) from None


def today() -> dt.date:
    """Return the date of `now()`."""
    return now().date()


def fixed() -> bool:
    """Tell whether SOURCE_DATE_EPOCH fixes the time, for output that must be reproducible."""
    return bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())
