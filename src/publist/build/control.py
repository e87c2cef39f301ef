"""Control characters: what every output format, table and console drops from field text."""

from __future__ import annotations

import re

# C0 and C1 control characters other than tab and line breaks: they mean nothing in a
# publication list, and an ESC sequence could drive the terminal an export is printed to.
# The HTML and Markdown exporters, the tables and the consoles drop them (drop_control); the
# text exporter turns every unprintable character into a space.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def drop_control(text: str) -> str:
    """``text`` without :data:`CONTROL` characters."""
    # Printable text holds no control character: most text skips the regex.
    return text if text.isprintable() else CONTROL.sub("", text)
