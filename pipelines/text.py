"""Text that Vivier prints: file names, sheet names and headers come from whoever made
the extract, and must not drive the terminal that shows them."""

from __future__ import annotations

import unicodedata

# Control characters (ESC, CR, backspace...), format characters (the bidirectional overrides
# that display a name reversed) and line or paragraph separators: a file name holding one
# could clear the screen, rewrite a line already printed ("Run succeeded") or hide its end.
# Lone surrogates (a file name that is not valid UTF-8, as Python decodes it) cannot be
# printed at all.
_UNSAFE = ("Cc", "Cf", "Zl", "Zp", "Cs")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """Gives `text` with every control, format and line-separator character written as its
    escape (`\\x1b`, `\\r`, `\\u202e`); letters, accents and spaces are kept as they are."""
    if text.isprintable():
        return text  # the usual case, checked in C
    return "".join(_escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    if unicodedata.category(ch) not in _UNSAFE:
        return ch
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
