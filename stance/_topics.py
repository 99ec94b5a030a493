"""The negotiation topics of the bundled model and the question each one asks."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from ._errors import StanceError

#: Topic id -> the question: is the statement for or against ...
NEGOTIATION_TOPICS: dict[str, str] = {
    "ceasefire": "an immediate ceasefire / halt to the fighting, before a full settlement",
    "peace_talks": "negotiating an end to the war now (talks rather than continued fighting)",
    "sanctions_relief": "lifting or easing sanctions on Russia",
    "nato_membership": "Ukraine joining NATO (against includes demands for neutrality)",
    "security_guarantees": (
        "Western security guarantees for Ukraine, including foreign troops on its soil"
    ),
    "territorial_concessions": (
        "Ukraine ceding territory / recognising Russian control of Crimea and the four regions"
    ),
    "military_aid": "Western military aid to Ukraine",
    "arms_limits": "limits on the size and armament of Ukraine's armed forces",
    "security_architecture": (
        "a new, legally binding European security treaty that accommodates Russia's demands"
    ),
    "frozen_assets": "using frozen Russian state assets to fund Ukraine",
}


def unknown_topic(topic: str, known: Sequence[str], remedy: str) -> str:
    """The one message for a topic a model does not know: the closest known topic ("Did you
    mean ...?"), every known topic, and ``remedy`` (what to do in the caller's setting).

    Examples
    --------
    >>> unknown_topic("cease_fire", ["ceasefire", "peace_talks"], "Pick one of them.")
    "unknown topic 'cease_fire'. Did you mean 'ceasefire'? The model knows: ceasefire, peace_talks. Pick one of them."
    """
    known = [str(t) for t in known]
    guess = difflib.get_close_matches(topic, known, n=1)
    hint = f" Did you mean {guess[0]!r}?" if guess else ""
    return f"unknown topic {topic!r}.{hint} The model knows: {', '.join(known)}. {remedy}".rstrip()


def check_topics(model, topics: Iterable[str], *, allow_new: bool = False,
                 where: str = "") -> None:
    """Raise a :class:`StanceError` naming the closest known topic for each unknown topic.

    With ``allow_new=True`` unknown topics are accepted (scored from the shared features).
    """
    if allow_new:
        return
    known = [str(t) for t in model.topics_]
    for topic in topics:
        if topic not in known:
            raise StanceError(where + unknown_topic(
                topic, known, "To score a topic the model was not trained on (from its shared "
                              "features only), pass --allow-new-topics."))
