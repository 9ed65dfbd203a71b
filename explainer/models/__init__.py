"""Pure models (numpy only): pharmacokinetics (`pk`), the NMDA synapse (`nmda`) and shared bands."""
