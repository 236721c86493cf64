"""Extraction: an article → its ``ArticleExtraction`` (pure; spaCy). ``extractor`` runs the steps: ``language``,
``furniture``, ``entities``, ``context``/``events``/``lexicon``/``casualties``/``quotes`` (event frames), ``places``,
``timex``, ``numbers``, ``features``, ``embedding`` (headline vectors). ``pool`` runs it off the event loop;
``agent`` is the Faust agent."""
