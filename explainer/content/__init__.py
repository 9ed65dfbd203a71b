"""Content: load, validate and select the data files in assets/ (protocols, pages, references).

Walkthrough text, glossary, prediction prompts and interface strings live in
``assets/en-GB/content/*.yaml``; the one list of sources is ``assets/references.yaml``. Everything
is loaded once (cached) and checked on load: a broken rule raises :class:`ContentError`.

    from explainer import content
    for p in content.passages("patient", step=3):    # patient + "both" passages of step 3
        p.id, p.text, p.html, p.refs                   # plain text, safe HTML, registry keys
    content.passages("trainee")                        # trainee mode adds to patient content
    content.reference("orhurhu2019").format()          # one-line citation
    content.glossary(); content.predictions(5)
    content.validate()                                 # raise on any problem, fresh from disk

Every visible string of the interface, figures and pages comes from the one strings loader,
``explainer.content.strings`` (``strings.table("timeline")``,
``strings.text("ui", "buttons.next")``): the one accessor, used everywhere). Every YAML file
is read by ``_assets.read_yaml`` (duplicate keys refused); field checks are ``_validate``.

The assets directory is ``<repo>/assets`` unless ``KETAMINE_EXPLAINER_ASSETS`` is set; string
tables are in ``assets/<locale>/strings/`` (``explainer.paths.locale()``). The protocol library
is a separate module (``explainer.content.protocols.library``), imported on demand.
"""

from explainer.content._assets import ASSETS_ENV_VAR, ContentError, assets_dir
from explainer.content.references import Reference, format_refs, reference, references
from explainer.content.walkthrough.passages import (
    AUDIENCES,
    STEPS,
    Choice,
    GlossaryEntry,
    Passage,
    Prediction,
    cited_keys,
    clear_cache,
    glossary,
    passage,
    passages,
    predictions,
    step_title,
    validate,
)

__all__ = [
    "ASSETS_ENV_VAR",
    "AUDIENCES",
    "STEPS",
    "Choice",
    "ContentError",
    "GlossaryEntry",
    "Passage",
    "Prediction",
    "Reference",
    "assets_dir",
    "cited_keys",
    "clear_cache",
    "format_refs",
    "glossary",
    "passage",
    "passages",
    "predictions",
    "reference",
    "references",
    "step_title",
    "validate",
]
