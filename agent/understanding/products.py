"""Products the shopper names by their code ("Avete la giacca SRT-BLZ-000203 in 50?")."""

from __future__ import annotations

import re

# A shop code: letters and digits in at least two dash-separated parts, with a digit and a letter
# (SRT-BLZ-000203, NL-1042); never a plain word or number.
_SKU = re.compile(r"\b(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]{2,}(?:-[A-Za-z0-9]{2,}){1,4}\b")


def named_skus(message: str) -> list[str]:
    """The product codes in the message, upper-cased, in order, once each."""
    return list(dict.fromkeys(m.group(0).upper() for m in _SKU.finditer(message)))
