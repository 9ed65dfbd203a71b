"""The take-home handout: the state the clinician showed, as a PDF, built in memory.

    from explainer.handout import HandoutRequest, build_handout
    pdf = build_handout(HandoutRequest("schwartzman-2009", plan=plan, patient_name="Sam"))

`document` gathers what it says (plain data), `charts` draws its two pictures as vector SVG,
`typeset` lays it out with Typst. The optional name is passed as data into the PDF and kept
nowhere else: no file, no log line, no cache.
"""

from __future__ import annotations

from explainer.figures import session as tl
from explainer.handout.document import HandoutRequest, handout_data

__all__ = ["HandoutRequest", "build_handout"]


def build_handout(request: HandoutRequest) -> bytes:
    """The handout PDF's bytes. Its heavy parts (matplotlib for the charts, Typst) are imported
    here, when a handout is made, not by every page that uses `document` (cheap kernels)."""
    from explainer.handout.charts import pain_signal_svg, session_chart_svg
    from explainer.handout.typeset import typeset

    curve = tl.session_curve(request.protocol_id, request.weight_kg)
    return typeset(handout_data(request), session_chart_svg(curve, request.plan),
                   pain_signal_svg())
