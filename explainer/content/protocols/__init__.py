"""The protocol library (``assets/en-GB/protocols.yaml``): published dosing protocols as data,
checked on load.

`library` loads and validates the file (`load_protocols`), `fields` holds the field checks and
the error that names the file, protocol and field (`ProtocolError`), `records` the `Protocol`
record that turns into pk doses for a body weight. The protocols a page shows (a clinic's own
first) are `explainer.content.clinic.env.shown_protocols()`.
"""
