"""The negotiation topics of the bundled model and the question each one asks."""

from __future__ import annotations

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
