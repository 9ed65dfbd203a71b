"""Markdown in the content: to safe HTML and plain text (`render`), kept between processes
(`cache`), as plain runs for the handout (`runs`), and the study notebooks' citations
(`citations`)."""
