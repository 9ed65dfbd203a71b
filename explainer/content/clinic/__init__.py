"""A clinic's configuration: one TOML file that adds, reorders and rewords, never removes a
safety fact.

One module per idea: `constants` (the environment variable and the per-country emergency
numbers and defaults; imports nothing), `env` (which clinic this process serves, without
importing the schema when there is none), `schema` (the pydantic models and the validated
`ClinicConfig`), `problems` (a bad file's problems, line by line), `config` (the loader and the
one copy each process uses) and `text` (the clinic's rules in plain sentences).
"""
