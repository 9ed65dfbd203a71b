"""The walkthrough's words: its steps' passages, the glossary and the "guess first" prompts.

`passages` is the loader and selector (`explainer.content` re-exports it: `content.passages`,
`content.glossary`, `content.predictions`, `content.STEPS`); `records` holds the records;
`steps`, `glossary` and `predictions` parse one kind of file each (``assets/en-GB/content/``);
`fields` holds the field checks they share.
"""
