"""Pure models (numpy only): pharmacokinetics (`pk`), the NMDA synapse (`nmda`) and shared bands.

- `pk` (package): parameter sets, routes, doses, the exact solver and curve summaries;
- `nmda` (package): constants, receptor block and the wind-up synapse;
- `bands`: the concentration bands and `band_key` (where a level sits among them);
- `protocol`: `DoseSpec`, a protocol's dose scaled to a weight and capped;
- `session`: one session's levels, when it is floaty and how long it takes to fall;
- `route_comparison`: the same dose by each route, with peaks and areas (`pk.summary`);
- `plan`: a personal plan: the clock times of a treatment day and the dates of a course.

Every public function takes numbers in stated units and returns numbers or arrays; nothing here
draws, reads files or keeps state, so trainees can call the models from a notebook:

>>> from explainer.models import bands, nmda, pk
>>> round(float(pk.simulate("domino", 70, [pk.Bolus(0, 140)], [5.0])[0]))   # ng/mL
1110
>>> round(nmda.fraction_blocked(115.0), 2)                                   # 0 to 1
0.49
>>> bands.bands_at(120.0)
['relief', 'dissociation']

The simplifications are stated in ``docs/model-pk.md`` and ``docs/model-nmda.md``.
"""
