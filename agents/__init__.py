"""storywire's pipeline stages, each a subpackage of pure functions with its thin Faust agent beside them.

======================  ======================================================================================
stage                   what it does (pure functions; ``agent.py`` is the Faust agent that moves messages)
======================  ======================================================================================
``agents.extract``      articles → ``ArticleExtraction``: language, furniture, entities, events, places, dates,
                        figures, quotes, headline vector (spaCy); bad input → a coded ``ArticleError``
``agents.cluster``      extractions → a story id each (``StoryIndex``: online, windowed, merges two stories
                        that turn out to be one); compiled with mypyc where a C compiler is (``make native``)
``agents.story``        a story's articles → its ``StoryUpdate`` versions (event merge, entities, conflicts,
                        summary), emitted only on real change
``agents.alerts``       story updates → ``Alert`` s by configurable rules, each once per story and condition
======================  ======================================================================================

``agents.wiring`` attaches the four agents to the Faust app (``streams.app`` calls it); ``agents.inprocess``
runs the same stages in one process without a broker (``storywire stories``, ``eval``, the tests).
Importing this package has no side effects; importing ``agents.cluster`` chooses the compiled clusterer.
"""
