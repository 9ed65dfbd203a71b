"""The trainee self-check (``assets/quiz.yaml``): `questions` loads it and holds the quiz logic,
`schema` its rules."""
