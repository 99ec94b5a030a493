"""The three stance labels and how to read them."""

from __future__ import annotations

#: The labels in display order. ``classes_`` of a fitted model is sorted: against, favor, none.
LABELS: tuple[str, ...] = ("favor", "against", "none")

#: The answer below a minimum confidence (``--min-confidence``): not a class the model learns.
UNCERTAIN = "uncertain"


def normalize_stance(value: object) -> str | None:
    """Return the canonical label for ``value`` (case-insensitive), or None if it is not one.

    Examples
    --------
    >>> normalize_stance(" FAVOR ")
    'favor'
    >>> normalize_stance("pro") is None
    True
    """
    if not isinstance(value, str):
        return None
    label = value.strip().lower()
    return label if label in LABELS else None
